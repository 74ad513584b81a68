import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { EventType, storage } from '@autoglm/contracts';
import { Client, Metadata, status as grpcStatus } from '@grpc/grpc-js';
import { ErrorCode } from '@autoglm/shared-errors';
import { ACTOR_METADATA, embeddedGrpcSecurity, grpcChannelSetup } from '@autoglm/shared-grpc';
import { rejection, startStorageHarness, TEST_BACKENDS, testFeedItem, type StorageHarness } from '../testing/storage-harness';

const { MarkChange, ReadingListFilter, SearchMode } = storage;

/** The fields of ListUserArticlesRequest the reading-list scenarios leave at their defaults. */
const LIST_DEFAULTS = {
  newerThan: undefined,
  olderThan: undefined,
  order: 0,
  itemNumbers: [],
  afterItemNumber: '0',
  beforeItemNumber: '0',
  withContent: false,
  withTotal: false,
} satisfies Partial<storage.ListUserArticlesRequest>;

function newKey(name = 'laptop'): { key: string; apiKey: storage.NewApiKey } {
  const key = `agl_${randomBytes(32).toString('base64url')}`;
  return { key, apiKey: { name, prefix: key.slice(0, 12), keyHash: createHash('sha256').update(key).digest('hex') } };
}

/** A varint protobuf field (wire type 0) of a value below 128. */
function protoVarint(field: number, value: number): Buffer {
  if (value > 127) throw new Error('protoVarint encodes values below 128');
  return Buffer.from([field << 3, value]);
}

/** A length-delimited protobuf field (wire type 2) of fewer than 128 bytes. */
function protoField(field: number, value: Buffer): Buffer {
  if (value.length > 127) throw new Error('protoField encodes values of fewer than 128 bytes');
  return Buffer.concat([Buffer.from([(field << 3) | 2, value.length]), value]);
}

function savedSearch(overrides: Partial<storage.SavedSearch> = {}): storage.SavedSearch {
  return {
    id: '',
    name: 'chips',
    query: 'processor',
    mode: SearchMode.SEARCH_MODE_UNSPECIFIED,
    sourceId: '',
    topic: '',
    language: '',
    publishedFrom: undefined,
    publishedTo: undefined,
    createdAt: undefined,
    ...overrides,
  };
}

describe.each(TEST_BACKENDS)('users, keys and what they own on %s', (backend) => {
  let harness: StorageHarness;
  let admin: storage.User;
  let adminKey: string;
  let bob: storage.User;
  let countBefore: number;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
    countBefore = (await harness.sut.countUsers({})).count;
    const first = newKey();
    adminKey = first.key;
    const created = await harness.sut.createUser({ name: 'Alice', apiKey: first.apiKey }, { actor: '' });
    admin = created.user as storage.User;
    const second = await harness.sut.createUser({ name: 'bob', apiKey: newKey().apiKey }, { actor: admin.id });
    bob = second.user as storage.User;
  });

  afterAll(() => harness?.close());

  it('makes the first user the administrator and only lets an administrator create more', async () => {
    const { sut } = harness;
    expect(admin).toMatchObject({ name: 'alice', isAdmin: true });
    expect(countBefore).toBe(0);
    expect(await harness.sut.countUsers({})).toEqual({ count: 2 });
    expect(bob).toMatchObject({ name: 'bob', isAdmin: false });
    expect(await rejection(sut.createUser({ name: 'carol', apiKey: newKey().apiKey }, { actor: '' }))).toMatchObject({
      code: ErrorCode.Unauthenticated,
    });
    expect(await rejection(sut.createUser({ name: 'carol', apiKey: newKey().apiKey }, { actor: bob.id }))).toMatchObject({
      code: ErrorCode.PermissionDenied,
      message: 'only an administrator can create users',
    });
    expect(await rejection(sut.createUser({ name: 'BOB', apiKey: newKey().apiKey }, { actor: admin.id }))).toMatchObject({
      code: ErrorCode.AlreadyExists,
    });
    for (const name of ['', 'has space', '-dash', 'x'.repeat(65), 'é']) {
      expect(await rejection(sut.createUser({ name, apiKey: newKey().apiKey }, { actor: admin.id }))).toMatchObject({
        code: ErrorCode.InvalidArgument,
      });
    }
    const badHash = { ...newKey().apiKey, keyHash: 'plain-text-key' };
    expect(await rejection(sut.createUser({ name: 'dave', apiKey: badHash }, { actor: admin.id }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'api_key.key_hash must be a hex SHA-256',
    });
  });

  it('takes the acting user from the call metadata and ignores one forged into the request body', async () => {
    // An old client's CreateUserRequest with field 3 (the former actor_user_id) naming the
    // administrator, sent with a valid service token but no actor in the metadata.
    const key = newKey();
    const forged = Buffer.concat([
      protoField(1, Buffer.from('mallory')),
      protoField(2, Buffer.concat([protoField(1, Buffer.from(key.apiKey.name)), protoField(2, Buffer.from(key.apiKey.prefix)), protoField(3, Buffer.from(key.apiKey.keyHash))])),
      protoField(3, Buffer.from(admin.id)),
    ]);
    const setup = grpcChannelSetup(embeddedGrpcSecurity(), 10_000);
    const raw = new Client(harness.url, setup.credentials, setup.options);
    try {
      const answer = await new Promise<{ code?: number; details?: string }>((resolve) => {
        raw.makeUnaryRequest(
          '/autoglm.storage.v1.StorageService/CreateUser',
          (bytes: Buffer) => bytes,
          (bytes: Buffer) => bytes,
          forged,
          (error) => resolve(error ?? {}),
        );
      });
      expect(answer).toMatchObject({ code: grpcStatus.UNAUTHENTICATED });
    } finally {
      raw.close();
    }
    // The same body with the administrator in the metadata is accepted: the field is ignored, not the call.
    const created = await harness.sut.createUser({ name: 'mallory', apiKey: key.apiKey }, { actor: admin.id });
    expect(created.user).toMatchObject({ name: 'mallory', isAdmin: false });
  });

  it('stores only the SHA-256 of a key, authenticates by it and stops after revocation', async () => {
    const { sut } = harness;
    const hash = createHash('sha256').update(adminKey).digest('hex');
    const auth = await sut.authenticateApiKey({ keyHash: hash });
    expect(auth.user).toMatchObject({ id: admin.id, isAdmin: true });

    const extra = newKey('phone');
    const { apiKey } = await sut.createApiKey({ apiKey: extra.apiKey }, { actor: bob.id });
    expect(apiKey).toMatchObject({ name: 'phone', prefix: extra.key.slice(0, 12) });
    expect(JSON.stringify(await sut.listApiKeys({}, { actor: bob.id }))).not.toContain(extra.apiKey.keyHash);
    expect((await sut.authenticateApiKey({ keyHash: extra.apiKey.keyHash })).user?.id).toBe(bob.id);

    // Another user's key id is NOT_FOUND, as is a key that does not exist.
    expect(await rejection(sut.revokeApiKey({ apiKeyId: apiKey?.id ?? '' }, { actor: admin.id }))).toMatchObject({ code: ErrorCode.NotFound });
    const revoked = await sut.revokeApiKey({ apiKeyId: apiKey?.id ?? '' }, { actor: bob.id });
    expect(revoked.apiKey?.revokedAt).toBeDefined();
    expect(await rejection(sut.authenticateApiKey({ keyHash: extra.apiKey.keyHash }))).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(await rejection(sut.authenticateApiKey({ keyHash: 'f'.repeat(64) }))).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(await rejection(sut.authenticateApiKey({ keyHash: 'not hex' }))).toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('keeps subscriptions, marks and the reading list per user', async () => {
    const { sut } = harness;
    const followed = await harness.createSource();
    const other = await harness.createSource();
    const { articleIds } = await sut.upsertArticles({
      sourceId: followed.id,
      items: ['r1', 'r2', 'r3'].map((key, i) => testFeedItem(key, { publishedAt: { seconds: String(1_700_000_000 + i), nanos: 0 } })),
    });
    const [elsewhere] = (await sut.upsertArticles({ sourceId: other.id, items: [testFeedItem('o1')] })).articleIds;

    const put = await sut.putSubscription({ sourceId: followed.id, category: 'Tech' }, { actor: bob.id });
    expect(put).toMatchObject({ created: true, subscription: { category: 'Tech', source: { id: followed.id } } });
    expect((await sut.putSubscription({ sourceId: followed.id, category: 'News' }, { actor: bob.id })).created).toBe(false);
    expect((await sut.listSubscriptions({}, { actor: bob.id })).subscriptions.map((s) => [s.source?.id, s.category])).toEqual([
      [followed.id, 'News'],
    ]);
    expect((await sut.listSubscriptions({}, { actor: admin.id })).subscriptions).toEqual([]);

    const all = await sut.listUserArticles({ limit: 0, cursor: '', filter: 0, sourceId: '', category: '', ...LIST_DEFAULTS }, { actor: bob.id });
    expect(all.articles.map((a) => a.article?.id)).toEqual([...articleIds].reverse());
    expect(all.articles.map((a) => a.article?.id)).not.toContain(elsewhere);

    const [r1, r2] = articleIds;
    await sut.setArticleState({ articleId: r1, read: MarkChange.MARK_CHANGE_SET, starred: MarkChange.MARK_CHANGE_UNSPECIFIED }, { actor: bob.id });
    const starred = await sut.setArticleState({ articleId: r2, read: 0, starred: MarkChange.MARK_CHANGE_SET }, { actor: bob.id });
    expect(starred.marks).toMatchObject({ read: false, starred: true });
    // Starring an article of a source bob does not follow keeps it in his starred list.
    await sut.setArticleState({ articleId: elsewhere, read: 0, starred: MarkChange.MARK_CHANGE_SET }, { actor: bob.id });
    const list = (filter: storage.ReadingListFilter, userId = bob.id) =>
      sut.listUserArticles({ limit: 10, cursor: '', filter, sourceId: '', category: '', ...LIST_DEFAULTS }, { actor: userId }).then((r) => r.articles.map((a) => a.article?.id));
    expect(await list(ReadingListFilter.READING_LIST_FILTER_READ)).toEqual([r1]);
    expect(await list(ReadingListFilter.READING_LIST_FILTER_UNREAD)).toEqual([articleIds[2], r2]);
    expect((await list(ReadingListFilter.READING_LIST_FILTER_STARRED)).sort()).toEqual([r2, elsewhere].sort());
    // Alice's marks are her own.
    expect(await list(ReadingListFilter.READING_LIST_FILTER_STARRED, admin.id)).toEqual([]);

    const unread = await sut.setArticleState({ articleId: r1, read: MarkChange.MARK_CHANGE_CLEAR, starred: 0 }, { actor: bob.id });
    expect(unread.marks).toMatchObject({ read: false, starred: false });

    const firstPage = await sut.listUserArticles({ limit: 2, cursor: '', filter: 0, sourceId: '', category: 'News', ...LIST_DEFAULTS }, { actor: bob.id });
    const secondPage = await sut.listUserArticles({ limit: 2, cursor: firstPage.nextCursor, filter: 0, sourceId: '', category: 'News', ...LIST_DEFAULTS }, { actor: bob.id });
    expect([...firstPage.articles, ...secondPage.articles].map((a) => a.article?.id)).toEqual([...articleIds].reverse());
    expect(secondPage.nextCursor).toBe('');

    await sut.deleteSubscription({ sourceId: followed.id }, { actor: bob.id });
    expect(await rejection(sut.deleteSubscription({ sourceId: followed.id }, { actor: bob.id }))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await list(0)).toEqual([]);
  });

  it('filters searches by the user\'s read and starred marks', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const { articleIds } = await sut.upsertArticles({
      sourceId: source.id,
      items: [
        testFeedItem('s1', { title: 'Quasar telescope news' }),
        // Sentinels in an article's text must not turn into marks of their own.
        testFeedItem('s2', { title: 'Quasar survey results', text: 'A \uE000forged\uE001 mark beside the quasar survey.' }),
      ],
    });
    const [read, unread] = articleIds;
    await sut.setArticleState({ articleId: read, read: MarkChange.MARK_CHANGE_SET, starred: MarkChange.MARK_CHANGE_SET }, { actor: bob.id });
    const search = (readState: storage.ReadingListFilter, userId = bob.id) =>
      sut
        .search({
          query: 'quasar', mode: SearchMode.SEARCH_MODE_TEXT, limit: 10, cursor: '', sourceId: source.id, topic: '', language: '',
          publishedFrom: undefined, publishedTo: undefined, queryVector: [], modelVersion: '', readState,
        }, { actor: userId })
        .then((answer) => answer.hits.map((hit) => hit.article?.id).sort());
    expect(await search(ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED)).toEqual([read, unread].sort());
    const highlights = await sut
      .search({
        query: 'quasar', mode: SearchMode.SEARCH_MODE_TEXT, limit: 10, cursor: '', sourceId: source.id, topic: '', language: '',
        publishedFrom: undefined, publishedTo: undefined, queryVector: [], modelVersion: '', readState: 0,
      })
      .then((answer) => answer.hits.map((hit) => hit.highlight).join(' '));
    expect(highlights).toContain('forged mark beside the <mark>quasar</mark> survey');
    expect(await search(ReadingListFilter.READING_LIST_FILTER_UNREAD)).toEqual([unread]);
    expect(await search(ReadingListFilter.READING_LIST_FILTER_READ)).toEqual([read]);
    expect(await search(ReadingListFilter.READING_LIST_FILTER_STARRED)).toEqual([read]);
    // Bob's marks say nothing about Alice's reading.
    expect(await search(ReadingListFilter.READING_LIST_FILTER_UNREAD, admin.id)).toEqual([read, unread].sort());
    expect(await rejection(search(ReadingListFilter.READING_LIST_FILTER_READ, ''))).toMatchObject({
      code: ErrorCode.Unauthenticated,
      message: 'read_state needs an authenticated user',
    });
    expect(await rejection(search(ReadingListFilter.READING_LIST_FILTER_READ, 'not-a-user'))).toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'read_state needs an existing user',
    });
  });

  it('rejects bad input with a message and unknown things with NOT_FOUND', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await rejection(sut.putSubscription({ sourceId: unknown, category: '' }, { actor: bob.id }))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(sut.putSubscription({ sourceId: source.id, category: '' }, { actor: unknown }))).toMatchObject({
      code: ErrorCode.NotFound,
      message: `user ${unknown} not found`,
    });
    expect(await rejection(sut.putSubscription({ sourceId: source.id, category: 'x'.repeat(201) }, { actor: bob.id }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    expect(await rejection(sut.setArticleState({ articleId: unknown, read: 1, starred: 0 }, { actor: bob.id }))).toMatchObject({
      code: ErrorCode.NotFound,
    });
    expect(
      await rejection(sut.listUserArticles({ limit: 1001, cursor: '', filter: 0, sourceId: '', category: '', ...LIST_DEFAULTS }, { actor: bob.id })),
    ).toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(
      await rejection(sut.listUserArticles({ limit: 5, cursor: 'bogus!', filter: 0, sourceId: '', category: '', ...LIST_DEFAULTS }, { actor: bob.id })),
    ).toMatchObject({ code: ErrorCode.InvalidArgument, message: 'invalid cursor' });
    expect(await rejection(sut.listUserArticles({ limit: 5, cursor: '', filter: 9 as storage.ReadingListFilter, sourceId: '', category: '', ...LIST_DEFAULTS }, { actor: bob.id }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
  });

  it('keeps saved searches private: another user gets NOT_FOUND for their id', async () => {
    const { sut } = harness;
    const { search } = await sut.createSavedSearch(
      { search: savedSearch({ language: 'en', publishedFrom: { seconds: '1700000000', nanos: 0 } }) },
      { actor: bob.id },
    );
    expect(search).toMatchObject({ name: 'chips', query: 'processor', mode: SearchMode.SEARCH_MODE_HYBRID, language: 'en' });
    expect(search?.publishedFrom?.seconds).toBe('1700000000');
    const id = search?.id ?? '';
    expect((await sut.getSavedSearch({ savedSearchId: id }, { actor: bob.id })).search?.id).toBe(id);
    expect(await rejection(sut.getSavedSearch({ savedSearchId: id }, { actor: admin.id }))).toMatchObject({
      code: ErrorCode.NotFound,
      message: `saved search ${id} not found`,
    });
    expect(await rejection(sut.deleteSavedSearch({ savedSearchId: id }, { actor: admin.id }))).toMatchObject({ code: ErrorCode.NotFound });
    expect((await sut.listSavedSearches({}, { actor: admin.id })).searches).toEqual([]);
    expect(await rejection(sut.createSavedSearch({ search: savedSearch() }, { actor: bob.id }))).toMatchObject({ code: ErrorCode.AlreadyExists });
    expect(await rejection(sut.createSavedSearch({ search: savedSearch({ name: 'long', query: 'q'.repeat(501) }) }, { actor: bob.id }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    expect(await rejection(sut.createSavedSearch({ search: savedSearch({ name: 'src', sourceId: 'nope' }) }, { actor: bob.id }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });

    await sut.deleteSavedSearch({ savedSearchId: id }, { actor: bob.id });
    expect((await sut.listSavedSearches({}, { actor: bob.id })).searches).toEqual([]);
  });

  it('answers UNAUTHENTICATED to a per-user call that names no actor in its metadata', async () => {
    const { sut } = harness;
    const none = { actor: '' };
    const id = '00000000-0000-4000-8000-000000000000';
    const calls: Array<[string, Promise<unknown>]> = [
      ['getUser', sut.getUser({}, none)],
      ['createApiKey', sut.createApiKey({ apiKey: newKey().apiKey }, none)],
      ['listApiKeys', sut.listApiKeys({}, none)],
      ['revokeApiKey', sut.revokeApiKey({ apiKeyId: id }, none)],
      ['putSubscription', sut.putSubscription({ sourceId: id, category: '' }, none)],
      ['deleteSubscription', sut.deleteSubscription({ sourceId: id }, none)],
      ['listSubscriptions', sut.listSubscriptions({}, none)],
      ['setArticleState', sut.setArticleState({ articleId: id, read: MarkChange.MARK_CHANGE_SET, starred: 0 }, none)],
      ['listUserArticles', sut.listUserArticles({ limit: 0, cursor: '', filter: 0, sourceId: '', category: '', ...LIST_DEFAULTS }, none)],
      ['createSavedSearch', sut.createSavedSearch({ search: savedSearch({ name: 'anonymous' }) }, none)],
      ['listSavedSearches', sut.listSavedSearches({}, none)],
      ['getSavedSearch', sut.getSavedSearch({ savedSearchId: id }, none)],
      ['deleteSavedSearch', sut.deleteSavedSearch({ savedSearchId: id }, none)],
      ['recordEvent', sut.recordEvent({ articleId: id, type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0, occurredAt: undefined }, none)],
      ['listUserEvents', sut.listUserEvents({ limit: 10 })],
    ];
    for (const [name, call] of calls) {
      expect([name, (await rejection(call)).code]).toEqual([name, ErrorCode.Unauthenticated]);
    }
    // Its own user is what an actor reads, whoever it is.
    expect((await sut.getUser({}, { actor: bob.id })).user?.id).toBe(bob.id);
  });

  it("never lets one user's actor read another's subscriptions, marks, events or saved searches through the request", async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const [article] = (await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('private-1', { title: 'Private diary entry' })] })).articleIds;
    await sut.putSubscription({ sourceId: source.id, category: 'Private' }, { actor: bob.id });
    await sut.setArticleState({ articleId: article, read: 0, starred: MarkChange.MARK_CHANGE_SET }, { actor: bob.id });
    await sut.recordEvent({ articleId: article, type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0, occurredAt: undefined }, { actor: bob.id });
    const saved = (await sut.createSavedSearch({ search: savedSearch({ name: 'private' }) }, { actor: bob.id })).search?.id ?? '';
    const eve = (await sut.createUser({ name: 'eve', apiKey: newKey().apiKey }, { actor: admin.id })).user as storage.User;

    // Old clients' requests whose field 1 (the former user_id) names bob: storage must not read it.
    const bobField = protoField(1, Buffer.from(bob.id));
    // Each with the id of bob's row its answer would carry.
    const forged: Array<[string, Buffer, string]> = [
      ['ListSubscriptions', bobField, source.id],
      ['ListUserArticles', Buffer.concat([bobField, protoVarint(4, ReadingListFilter.READING_LIST_FILTER_STARRED)]), article],
      ['ListUserEvents', Buffer.concat([bobField, protoVarint(2, 10)]), article],
      ['ListSavedSearches', bobField, saved],
      ['GetSavedSearch', Buffer.concat([bobField, protoField(2, Buffer.from(saved))]), saved],
    ];
    const setup = grpcChannelSetup(embeddedGrpcSecurity(), 10_000);
    const raw = new Client(harness.url, setup.credentials, setup.options);
    const call = (method: string, body: Buffer, actor: string) =>
      new Promise<{ code: number; answer: string }>((resolve) => {
        const metadata = new Metadata();
        metadata.set(ACTOR_METADATA, actor);
        raw.makeUnaryRequest(
          `/autoglm.storage.v1.StorageService/${method}`,
          (bytes: Buffer) => bytes,
          (bytes: Buffer) => bytes,
          body,
          metadata,
          (error, answer) => resolve({ code: error?.code ?? grpcStatus.OK, answer: answer?.toString('latin1') ?? '' }),
        );
      });
    try {
      for (const [method, body, bobsRow] of forged) {
        // Bob's own actor sees his row (so the request does reach it)...
        const own = await call(method, body, bob.id);
        expect([method, own.code, own.answer.includes(bobsRow)]).toEqual([method, grpcStatus.OK, true]);
        // ...and a fresh user's actor never does, whatever the request says.
        const other = await call(method, body, eve.id);
        expect([method, other.code, other.answer.includes(bobsRow)]).toEqual([
          method,
          method === 'GetSavedSearch' ? grpcStatus.NOT_FOUND : grpcStatus.OK,
          false,
        ]);
      }
    } finally {
      raw.close();
    }
    // Nor through any request field it still has: a search filtered by marks is the actor's marks.
    const starredSearch = (actor: string) =>
      sut
        .search(
          {
            query: 'private', mode: SearchMode.SEARCH_MODE_TEXT, limit: 10, cursor: '', sourceId: source.id, topic: '', language: '',
            publishedFrom: undefined, publishedTo: undefined, queryVector: [], modelVersion: '', readState: ReadingListFilter.READING_LIST_FILTER_STARRED,
          },
          { actor },
        )
        .then((answer) => answer.hits.map((hit) => hit.article?.id));
    expect(await starredSearch(bob.id)).toEqual([article]);
    expect(await starredSearch(eve.id)).toEqual([]);
    expect(await rejection(sut.deleteSavedSearch({ savedSearchId: saved }, { actor: eve.id }))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(sut.deleteSubscription({ sourceId: source.id }, { actor: eve.id }))).toMatchObject({ code: ErrorCode.NotFound });
    expect((await sut.getSavedSearch({ savedSearchId: saved }, { actor: bob.id })).search?.id).toBe(saved);
    expect((await sut.listSubscriptions({}, { actor: bob.id })).subscriptions.map((s) => s.source?.id)).toContain(source.id);
  });
});
