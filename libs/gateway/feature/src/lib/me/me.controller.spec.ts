import { createHash } from 'node:crypto';
import { EventType, storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, toTimestamp } from '@autoglm/shared-grpc';
import { generateApiKey } from '../auth/api-key';
import { aSubscription, aUserArticle } from '../testing/fake-backends';
import { graphQl, send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { MeController } from './me.controller';

const CREATED = toTimestamp(new Date('2026-11-25T10:00:00.000Z'));
const ALICE: storage.User = { id: '11111111-1111-4111-8111-111111111111', name: 'alice', isAdmin: false, createdAt: CREATED };
const ROOT: storage.User = { id: '22222222-2222-4222-8222-222222222222', name: 'root', isAdmin: true, createdAt: CREATED };

function anApiKey(overrides: Partial<storage.ApiKey> = {}): storage.ApiKey {
  return { id: 'key-1', name: 'laptop', prefix: 'agl_abcdefgh', createdAt: CREATED, lastUsedAt: undefined, revokedAt: undefined, ...overrides };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe(MeController.name, () => {
  let sut: TestGateway;
  const aliceKey = generateApiKey().key;
  const rootKey = generateApiKey().key;

  function knowKeys(gateway: TestGateway): void {
    const users = new Map([
      [createHash('sha256').update(aliceKey).digest('hex'), ALICE],
      [createHash('sha256').update(rootKey).digest('hex'), ROOT],
    ]);
    // Known hashes → their user, others → UNAUTHENTICATED, as storage answers.
    gateway.backends.storage.authenticateApiKey.answers((request) => {
      const user = users.get(request.keyHash);
      return user
        ? Promise.resolve({ user, apiKeyId: 'key-1' })
        : Promise.reject(new RemoteCallError(ErrorCode.Unauthenticated, 'the API key is not valid (unknown or revoked)', 16, 'StorageService/AuthenticateApiKey'));
    });
  }

  describe('with auth optional (the default)', () => {
    beforeEach(async () => {
      sut = await startTestGateway();
      knowKeys(sut);
    });

    afterEach(() => sut.close());

    it('creates the first user without a key and shows the new key once, sending storage only its hash', async () => {
      sut.backends.storage.createUser.returns({ user: { ...ALICE, isAdmin: true }, apiKey: anApiKey({ name: 'first key' }) });

      const answer = await send(sut, 'POST', '/api/v1/users', { name: 'alice' });

      expect(answer.status).toBe(201);
      const body = answer.body as { user: { name: string; isAdmin: boolean }; apiKey: { key: string } };
      expect(body.user).toMatchObject({ name: 'alice', isAdmin: true });
      expect(body.apiKey.key).toMatch(/^agl_[A-Za-z0-9_-]{43}$/);
      const [request] = sut.backends.storage.createUser.requests;
      expect(request).toMatchObject({ name: 'alice' });
      expect(sut.backends.storage.createUser.contexts[0]).toEqual({ actor: '' });
      expect(request?.apiKey?.keyHash).toBe(createHash('sha256').update(body.apiKey.key).digest('hex'));
      expect(JSON.stringify(request)).not.toContain(body.apiKey.key);
    });

    it("refuses a non-administrator's key before storage, and passes the administrator as the actor", async () => {
      const refused = await send(sut, 'POST', '/api/v1/users', { name: 'bob' }, bearer(aliceKey));
      expect(refused).toMatchObject({ status: 403, body: { message: "this needs an administrator's API key" } });
      expect(sut.backends.storage.createUser.requests).toHaveLength(0);

      sut.backends.storage.createUser.fails(new RemoteCallError(ErrorCode.AlreadyExists, 'a user named bob already exists', 6, 'x'));
      const answer = await send(sut, 'POST', '/api/v1/users', { name: 'bob' }, bearer(rootKey));
      expect(answer).toMatchObject({ status: 409, body: { message: 'a user named bob already exists' } });
      expect(sut.backends.storage.createUser.contexts[0]).toEqual({ actor: ROOT.id });
    });

    it('needs a key for /me and says how to send one', async () => {
      const answer = await send(sut, 'GET', '/api/v1/me');
      expect(answer.status).toBe(401);
      expect((answer.body as { message: string }).message).toContain('Authorization: Bearer <key>');
      expect(answer.text).not.toContain('at ');
    });

    it.each([
      ['a malformed key', { authorization: 'Bearer nope' }],
      ['an unknown key', bearer(generateApiKey().key)],
      ['an unknown X-API-Key', { 'x-api-key': generateApiKey().key }],
    ])('answers 401 to %s, even on an open endpoint', async (_case, headers) => {
      const answer = await send(sut, 'GET', '/api/v1/me', undefined, headers);
      expect(answer.status).toBe(401);
      const open = await send(sut, 'GET', '/api/v1/users/u1/recommendations', undefined, headers);
      expect(open.status).toBe(401);
    });

    it('answers /me with the key\'s user (Bearer or X-API-Key)', async () => {
      sut.backends.storage.getUser.returns({ user: ALICE });
      expect(await send(sut, 'GET', '/api/v1/me', undefined, bearer(aliceKey))).toMatchObject({ status: 200, body: { id: ALICE.id, name: 'alice' } });
      expect(await send(sut, 'GET', '/api/v1/me', undefined, { 'x-api-key': aliceKey })).toMatchObject({ status: 200 });
      expect(sut.backends.storage.getUser.requests).toEqual([{}, {}]);
      expect(sut.backends.storage.getUser.contexts).toEqual([{ actor: ALICE.id }, { actor: ALICE.id }]);
    });

    it('creates, lists and revokes keys of the caller only', async () => {
      sut.backends.storage.createApiKey.returns({ apiKey: anApiKey({ id: 'key-2', name: 'phone' }) });
      const created = await send(sut, 'POST', '/api/v1/me/api-keys', { name: 'phone' }, bearer(aliceKey));
      expect(created.status).toBe(201);
      expect((created.body as { key: string }).key).toMatch(/^agl_/);
      expect(sut.backends.storage.createApiKey.requests[0]).toEqual({ apiKey: expect.objectContaining({ name: 'phone' }) });
      expect(sut.backends.storage.createApiKey.contexts[0]).toEqual({ actor: ALICE.id });

      sut.backends.storage.listApiKeys.returns({ apiKeys: [anApiKey()] });
      const list = await send(sut, 'GET', '/api/v1/me/api-keys', undefined, bearer(aliceKey));
      expect(list).toMatchObject({ status: 200, body: [{ id: 'key-1', prefix: 'agl_abcdefgh', revokedAt: null }] });
      expect(list.text).not.toContain('keyHash');
      expect(sut.backends.storage.listApiKeys.contexts[0]).toEqual({ actor: ALICE.id });

      sut.backends.storage.revokeApiKey.fails(new RemoteCallError(ErrorCode.NotFound, 'API key k9 not found', 5, 'x'));
      expect(await send(sut, 'DELETE', '/api/v1/me/api-keys/k9', undefined, bearer(aliceKey))).toMatchObject({ status: 404 });
      expect(sut.backends.storage.revokeApiKey.requests[0]).toEqual({ apiKeyId: 'k9' });
      expect(sut.backends.storage.revokeApiKey.contexts[0]).toEqual({ actor: ALICE.id });
    });

    it('keeps subscriptions, marks, the reading list and saved searches under the caller\'s id', async () => {
      const auth = bearer(aliceKey);
      sut.backends.storage.putSubscription.returns({ subscription: aSubscription({ category: 'Tech', createdAt: CREATED }), created: true });
      expect(await send(sut, 'PUT', '/api/v1/me/subscriptions/src-1', { category: 'Tech' }, auth)).toMatchObject({
        status: 200,
        body: { category: 'Tech', source: { id: 'src-1' } },
      });
      sut.backends.storage.setArticleState.returns({ marks: { read: true, starred: false, readAt: CREATED, starredAt: undefined } });
      expect(await send(sut, 'PUT', '/api/v1/me/articles/a1/state', { read: true }, auth)).toMatchObject({
        status: 200,
        body: { read: true, starred: false, starredAt: null },
      });
      expect(sut.backends.storage.putSubscription.requests[0]).toEqual({ sourceId: 'src-1', category: 'Tech' });
      expect(sut.backends.storage.putSubscription.contexts[0]).toEqual({ actor: ALICE.id });
      expect(sut.backends.storage.setArticleState.contexts[0]).toEqual({ actor: ALICE.id });
      expect(sut.backends.storage.setArticleState.requests[0]).toEqual({
        articleId: 'a1',
        read: storage.MarkChange.MARK_CHANGE_SET,
        starred: storage.MarkChange.MARK_CHANGE_UNSPECIFIED,
      });
      sut.backends.storage.listUserArticles.returns({
        articles: [aUserArticle({ marks: { read: false, starred: true, readAt: undefined, starredAt: CREATED } })],
        nextCursor: '',
        total: 0,
      });
      const list = await send(sut, 'GET', '/api/v1/me/articles?filter=starred&limit=5', undefined, auth);
      expect(list).toMatchObject({ status: 200, body: { items: [{ marks: { starred: true } }], nextCursor: null } });
      expect(sut.backends.storage.listUserArticles.contexts[0]).toEqual({ actor: ALICE.id });
      expect(sut.backends.storage.listUserArticles.requests[0]).not.toHaveProperty('userId');
      expect(sut.backends.storage.listUserArticles.requests[0]).toMatchObject({
        filter: storage.ReadingListFilter.READING_LIST_FILTER_STARRED,
        limit: 5,
      });
      expect(await send(sut, 'GET', '/api/v1/me/articles?filter=everything', undefined, auth)).toMatchObject({ status: 400 });
      expect(await send(sut, 'PUT', '/api/v1/me/articles/a1/state', { read: 'yes' }, auth)).toMatchObject({ status: 400 });

      sut.backends.storage.getSavedSearch.fails(new RemoteCallError(ErrorCode.NotFound, 'saved search s1 not found', 5, 'x'));
      expect(await send(sut, 'GET', '/api/v1/me/saved-searches/s1/results', undefined, auth)).toMatchObject({
        status: 404,
        body: { message: 'saved search s1 not found' },
      });
      expect(sut.backends.storage.getSavedSearch.requests[0]).toEqual({ savedSearchId: 's1' });
      expect(sut.backends.storage.getSavedSearch.contexts[0]).toEqual({ actor: ALICE.id });
    });

    it('runs a saved search with its stored query and filters', async () => {
      sut.backends.storage.getSavedSearch.returns({
        search: {
          id: 's1', name: 'chips', query: 'processor', mode: storage.SearchMode.SEARCH_MODE_TEXT, sourceId: '', topic: 'technology',
          language: 'en', publishedFrom: undefined, publishedTo: undefined, createdAt: CREATED,
        },
      });
      sut.backends.storage.search.returns({ hits: [], nextCursor: '', mode: storage.SearchMode.SEARCH_MODE_TEXT, notice: '' });
      const answer = await send(sut, 'GET', '/api/v1/me/saved-searches/s1/results?limit=3', undefined, bearer(aliceKey));
      expect(answer.status).toBe(200);
      expect(sut.backends.storage.search.requests[0]).toMatchObject({ query: 'processor', topic: 'technology', language: 'en', limit: 3 });
      // No state filter: the search acts for no one (storage shares its answer between users).
      expect(sut.backends.storage.search.contexts[0]).toEqual({ actor: '' });
    });

    it('sends the caller as the actor of a search filtered by their marks, never in the request', async () => {
      sut.backends.storage.search.returns({ hits: [], nextCursor: '', mode: storage.SearchMode.SEARCH_MODE_TEXT, notice: '' });
      expect(await send(sut, 'GET', '/api/v1/search?q=chips&mode=text&state=unread', undefined, bearer(aliceKey))).toMatchObject({ status: 200 });
      expect(sut.backends.storage.search.requests[0]).toMatchObject({ readState: storage.ReadingListFilter.READING_LIST_FILTER_UNREAD });
      expect(sut.backends.storage.search.requests[0]).not.toHaveProperty('userId');
      expect(sut.backends.storage.search.contexts[0]).toEqual({ actor: ALICE.id });
    });

    it('shows another user\'s recommendations as 404 to a key holder, their own as usual', async () => {
      sut.backends.recommender.getRecommendations.returns({ items: [], modelVersion: '' } as never);
      expect(await send(sut, 'GET', `/api/v1/users/${ROOT.id}/recommendations`, undefined, bearer(aliceKey))).toMatchObject({ status: 404 });
      expect(sut.backends.recommender.getRecommendations.requests).toHaveLength(0);
      await send(sut, 'GET', '/api/v1/users/me/recommendations', undefined, bearer(aliceKey));
      expect(sut.backends.recommender.getRecommendations.requests[0]).not.toHaveProperty('userId');
      expect(sut.backends.recommender.getRecommendations.contexts[0]).toEqual({ actor: ALICE.id });
    });

    it('records events as the key\'s user and refuses another user id', async () => {
      sut.backends.recommender.recordEvent.returns({ eventId: 'ev-1' });
      expect(await send(sut, 'POST', '/api/v1/events', { articleId: 'a1', type: 'like' }, bearer(aliceKey))).toMatchObject({ status: 201 });
      expect(sut.backends.recommender.recordEvent.requests[0]).toEqual({ articleId: 'a1', type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0 });
      expect(sut.backends.recommender.recordEvent.contexts[0]).toEqual({ actor: ALICE.id });
      expect(await send(sut, 'POST', '/api/v1/events', { userId: ROOT.id, articleId: 'a1', type: 'like' }, bearer(aliceKey))).toMatchObject({ status: 404 });
      expect(await send(sut, 'POST', '/api/v1/events', { articleId: 'a1', type: 'like' })).toMatchObject({ status: 400 });
    });

    it('answers me, the reading list and marks over GraphQL for the key holder only', async () => {
      sut.backends.storage.getUser.returns({ user: ALICE });
      sut.backends.storage.listUserArticles.returns({
        articles: [aUserArticle({ marks: { read: false, starred: true, readAt: undefined, starredAt: CREATED } })],
        nextCursor: '',
        total: 0,
      });
      const answer = await graphQl(sut, '{ me { name isAdmin } readingList(filter: "starred", limit: 5) { items { id marks { starred } } nextCursor } }', {}, bearer(aliceKey));
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toMatchObject({ me: { name: 'alice', isAdmin: false }, readingList: { items: [{ marks: { starred: true } }], nextCursor: null } });
      expect(sut.backends.storage.listUserArticles.requests[0]).toMatchObject({ filter: storage.ReadingListFilter.READING_LIST_FILTER_STARRED, limit: 5 });
      expect(sut.backends.storage.listUserArticles.contexts[0]).toEqual({ actor: ALICE.id });

      sut.backends.storage.setArticleState.returns({ marks: { read: true, starred: false, readAt: CREATED, starredAt: undefined } });
      const marked = await graphQl(sut, 'mutation { setArticleState(articleId: "a1", read: true) { read starred } }', {}, bearer(aliceKey));
      expect(marked.data).toMatchObject({ setArticleState: { read: true, starred: false } });
      expect(sut.backends.storage.setArticleState.requests[0]).toEqual({ articleId: 'a1', read: storage.MarkChange.MARK_CHANGE_SET, starred: storage.MarkChange.MARK_CHANGE_UNSPECIFIED });
      expect(sut.backends.storage.setArticleState.contexts[0]).toEqual({ actor: ALICE.id });

      const anonymous = await graphQl(sut, '{ me { name } }');
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const badFilter = await graphQl(sut, '{ readingList(filter: "everything") { nextCursor } }', {}, bearer(aliceKey));
      expect(badFilter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it("does not show another user's recommendations over GraphQL either", async () => {
      const answer = await graphQl(sut, `{ recommendations(userId: "${ROOT.id}") { profileEvents } }`, {}, bearer(aliceKey));
      expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(sut.backends.recommender.getRecommendations.requests).toHaveLength(0);
    });

    it('keeps /api/v1/admin for administrators', async () => {
      expect((await send(sut, 'GET', '/api/v1/admin/models')).status).toBe(401);
      expect((await send(sut, 'GET', '/api/v1/admin/models', undefined, bearer(aliceKey))).status).toBe(403);
    });
  });

  describe('with auth required', () => {
    beforeEach(async () => {
      sut = await startTestGateway({ authRequired: true });
      knowKeys(sut);
    });

    afterEach(() => sut.close());

    it('refuses REST and GraphQL requests without a key, but not health or the first-user request', async () => {
      expect((await send(sut, 'GET', '/api/v1/articles')).status).toBe(401);
      const gql = await graphQl(sut, '{ sources { id } }');
      expect(gql.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await send(sut, 'GET', '/health')).status).not.toBe(401);
      sut.backends.storage.createUser.fails(
        new RemoteCallError(ErrorCode.Unauthenticated, "this instance already has users: creating another one needs an administrator's API key", 16, 'x'),
      );
      expect((await send(sut, 'POST', '/api/v1/users', { name: 'eve' })).status).toBe(401);
      expect(sut.backends.storage.createUser.requests).toHaveLength(1);
    });

    it('lets a key holder in', async () => {
      sut.backends.storage.listArticles.returns({ articles: [], nextCursor: '' });
      expect((await send(sut, 'GET', '/api/v1/articles', undefined, bearer(aliceKey))).status).toBe(200);
    });
  });
});
