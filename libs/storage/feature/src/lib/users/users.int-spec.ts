import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { storage } from '@autoglm/contracts';
import { Client, status as grpcStatus } from '@grpc/grpc-js';
import { ErrorCode } from '@autoglm/shared-errors';
import { embeddedGrpcSecurity, grpcChannelSetup } from '@autoglm/shared-grpc';
import { rejection, startStorageHarness, TEST_BACKENDS, testFeedItem, type StorageHarness } from '../testing/storage-harness';

const { MarkChange, ReadingListFilter, SearchMode } = storage;

function newKey(name = 'laptop'): { key: string; apiKey: storage.NewApiKey } {
  const key = `agl_${randomBytes(32).toString('base64url')}`;
  return { key, apiKey: { name, prefix: key.slice(0, 12), keyHash: createHash('sha256').update(key).digest('hex') } };
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
    const { apiKey } = await sut.createApiKey({ userId: bob.id, apiKey: extra.apiKey });
    expect(apiKey).toMatchObject({ name: 'phone', prefix: extra.key.slice(0, 12) });
    expect(JSON.stringify(await sut.listApiKeys({ userId: bob.id }))).not.toContain(extra.apiKey.keyHash);
    expect((await sut.authenticateApiKey({ keyHash: extra.apiKey.keyHash })).user?.id).toBe(bob.id);

    // Another user's key id is NOT_FOUND, as is a key that does not exist.
    expect(await rejection(sut.revokeApiKey({ userId: admin.id, apiKeyId: apiKey?.id ?? '' }))).toMatchObject({ code: ErrorCode.NotFound });
    const revoked = await sut.revokeApiKey({ userId: bob.id, apiKeyId: apiKey?.id ?? '' });
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

    const put = await sut.putSubscription({ userId: bob.id, sourceId: followed.id, category: 'Tech' });
    expect(put).toMatchObject({ created: true, subscription: { category: 'Tech', source: { id: followed.id } } });
    expect((await sut.putSubscription({ userId: bob.id, sourceId: followed.id, category: 'News' })).created).toBe(false);
    expect((await sut.listSubscriptions({ userId: bob.id })).subscriptions.map((s) => [s.source?.id, s.category])).toEqual([
      [followed.id, 'News'],
    ]);
    expect((await sut.listSubscriptions({ userId: admin.id })).subscriptions).toEqual([]);

    const all = await sut.listUserArticles({ userId: bob.id, limit: 0, cursor: '', filter: 0, sourceId: '', category: '' });
    expect(all.articles.map((a) => a.article?.id)).toEqual([...articleIds].reverse());
    expect(all.articles.map((a) => a.article?.id)).not.toContain(elsewhere);

    const [r1, r2] = articleIds;
    await sut.setArticleState({ userId: bob.id, articleId: r1, read: MarkChange.MARK_CHANGE_SET, starred: MarkChange.MARK_CHANGE_UNSPECIFIED });
    const starred = await sut.setArticleState({ userId: bob.id, articleId: r2, read: 0, starred: MarkChange.MARK_CHANGE_SET });
    expect(starred.marks).toMatchObject({ read: false, starred: true });
    // Starring an article of a source bob does not follow keeps it in his starred list.
    await sut.setArticleState({ userId: bob.id, articleId: elsewhere, read: 0, starred: MarkChange.MARK_CHANGE_SET });
    const list = (filter: storage.ReadingListFilter, userId = bob.id) =>
      sut.listUserArticles({ userId, limit: 10, cursor: '', filter, sourceId: '', category: '' }).then((r) => r.articles.map((a) => a.article?.id));
    expect(await list(ReadingListFilter.READING_LIST_FILTER_READ)).toEqual([r1]);
    expect(await list(ReadingListFilter.READING_LIST_FILTER_UNREAD)).toEqual([articleIds[2], r2]);
    expect((await list(ReadingListFilter.READING_LIST_FILTER_STARRED)).sort()).toEqual([r2, elsewhere].sort());
    // Alice's marks are her own.
    expect(await list(ReadingListFilter.READING_LIST_FILTER_STARRED, admin.id)).toEqual([]);

    const unread = await sut.setArticleState({ userId: bob.id, articleId: r1, read: MarkChange.MARK_CHANGE_CLEAR, starred: 0 });
    expect(unread.marks).toMatchObject({ read: false, starred: false });

    const firstPage = await sut.listUserArticles({ userId: bob.id, limit: 2, cursor: '', filter: 0, sourceId: '', category: 'News' });
    const secondPage = await sut.listUserArticles({ userId: bob.id, limit: 2, cursor: firstPage.nextCursor, filter: 0, sourceId: '', category: 'News' });
    expect([...firstPage.articles, ...secondPage.articles].map((a) => a.article?.id)).toEqual([...articleIds].reverse());
    expect(secondPage.nextCursor).toBe('');

    await sut.deleteSubscription({ userId: bob.id, sourceId: followed.id });
    expect(await rejection(sut.deleteSubscription({ userId: bob.id, sourceId: followed.id }))).toMatchObject({ code: ErrorCode.NotFound });
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
    await sut.setArticleState({ userId: bob.id, articleId: read, read: MarkChange.MARK_CHANGE_SET, starred: MarkChange.MARK_CHANGE_SET });
    const search = (readState: storage.ReadingListFilter, userId = bob.id) =>
      sut
        .search({
          query: 'quasar', mode: SearchMode.SEARCH_MODE_TEXT, limit: 10, cursor: '', sourceId: source.id, topic: '', language: '',
          publishedFrom: undefined, publishedTo: undefined, queryVector: [], modelVersion: '', userId, readState,
        })
        .then((answer) => answer.hits.map((hit) => hit.article?.id).sort());
    expect(await search(ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED)).toEqual([read, unread].sort());
    const highlights = await sut
      .search({
        query: 'quasar', mode: SearchMode.SEARCH_MODE_TEXT, limit: 10, cursor: '', sourceId: source.id, topic: '', language: '',
        publishedFrom: undefined, publishedTo: undefined, queryVector: [], modelVersion: '', userId: '', readState: 0,
      })
      .then((answer) => answer.hits.map((hit) => hit.highlight).join(' '));
    expect(highlights).toContain('forged mark beside the <mark>quasar</mark> survey');
    expect(await search(ReadingListFilter.READING_LIST_FILTER_UNREAD)).toEqual([unread]);
    expect(await search(ReadingListFilter.READING_LIST_FILTER_READ)).toEqual([read]);
    expect(await search(ReadingListFilter.READING_LIST_FILTER_STARRED)).toEqual([read]);
    // Bob's marks say nothing about Alice's reading.
    expect(await search(ReadingListFilter.READING_LIST_FILTER_UNREAD, admin.id)).toEqual([read, unread].sort());
    expect(await rejection(search(ReadingListFilter.READING_LIST_FILTER_READ, ''))).toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'read_state needs the user_id of an existing user',
    });
  });

  it('rejects bad input with a message and unknown things with NOT_FOUND', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await rejection(sut.putSubscription({ userId: bob.id, sourceId: unknown, category: '' }))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(sut.putSubscription({ userId: unknown, sourceId: source.id, category: '' }))).toMatchObject({
      code: ErrorCode.NotFound,
      message: `user ${unknown} not found`,
    });
    expect(await rejection(sut.putSubscription({ userId: bob.id, sourceId: source.id, category: 'x'.repeat(201) }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    expect(await rejection(sut.setArticleState({ userId: bob.id, articleId: unknown, read: 1, starred: 0 }))).toMatchObject({
      code: ErrorCode.NotFound,
    });
    expect(
      await rejection(sut.listUserArticles({ userId: bob.id, limit: 101, cursor: '', filter: 0, sourceId: '', category: '' })),
    ).toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(
      await rejection(sut.listUserArticles({ userId: bob.id, limit: 5, cursor: 'bogus!', filter: 0, sourceId: '', category: '' })),
    ).toMatchObject({ code: ErrorCode.InvalidArgument, message: 'invalid cursor' });
    expect(await rejection(sut.listUserArticles({ userId: bob.id, limit: 5, cursor: '', filter: 9 as storage.ReadingListFilter, sourceId: '', category: '' }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
  });

  it('keeps saved searches private: another user gets NOT_FOUND for their id', async () => {
    const { sut } = harness;
    const { search } = await sut.createSavedSearch({
      userId: bob.id,
      search: savedSearch({ language: 'en', publishedFrom: { seconds: '1700000000', nanos: 0 } }),
    });
    expect(search).toMatchObject({ name: 'chips', query: 'processor', mode: SearchMode.SEARCH_MODE_HYBRID, language: 'en' });
    expect(search?.publishedFrom?.seconds).toBe('1700000000');
    const id = search?.id ?? '';
    expect((await sut.getSavedSearch({ userId: bob.id, savedSearchId: id })).search?.id).toBe(id);
    expect(await rejection(sut.getSavedSearch({ userId: admin.id, savedSearchId: id }))).toMatchObject({
      code: ErrorCode.NotFound,
      message: `saved search ${id} not found`,
    });
    expect(await rejection(sut.deleteSavedSearch({ userId: admin.id, savedSearchId: id }))).toMatchObject({ code: ErrorCode.NotFound });
    expect((await sut.listSavedSearches({ userId: admin.id })).searches).toEqual([]);
    expect(await rejection(sut.createSavedSearch({ userId: bob.id, search: savedSearch() }))).toMatchObject({ code: ErrorCode.AlreadyExists });
    expect(await rejection(sut.createSavedSearch({ userId: bob.id, search: savedSearch({ name: 'long', query: 'q'.repeat(501) }) }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    expect(await rejection(sut.createSavedSearch({ userId: bob.id, search: savedSearch({ name: 'src', sourceId: 'nope' }) }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });

    await sut.deleteSavedSearch({ userId: bob.id, savedSearchId: id });
    expect((await sut.listSavedSearches({ userId: bob.id })).searches).toEqual([]);
  });
});
