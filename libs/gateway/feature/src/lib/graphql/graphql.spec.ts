import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { aSource, anArticle, anArticleRef } from '../testing/fake-backends';
import { graphQl, send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';

describe('GraphQL API (ApolloDriver)', () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  it('answers articles with filters and the next cursor', async () => {
    sut.backends.storage.listArticles.returns({ articles: [anArticle()], nextCursor: 'c2' });

    const answer = await graphQl(
      sut,
      'query($topic: String) { articles(limit: 3, topic: $topic) { items { id title publishedAt language } nextCursor } }',
      { topic: 'technology' },
    );

    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      articles: {
        items: [{ id: 'art-1', title: 'Local models are enough', publishedAt: '2026-11-19T08:30:00.000Z', language: 'en' }],
        nextCursor: 'c2',
      },
    });
    expect(sut.backends.storage.listArticles.requests).toEqual([
      { limit: 3, cursor: '', sourceId: '', topic: 'technology', language: '', withoutContent: true },
    ]);
  });

  it('answers one article with its similar articles', async () => {
    sut.backends.storage.getArticle.returns({ article: anArticle() });
    sut.backends.storage.similarArticles.returns({ articles: [{ article: anArticleRef(), score: 0.75 }] });

    const answer = await graphQl(sut, '{ article(id: "art-1") { id sourceTitle keywords analyzed similar { id title url score } } }');

    expect(answer.data).toEqual({
      article: {
        id: 'art-1',
        sourceTitle: 'Example feed',
        keywords: ['models', 'laptops'],
        analyzed: true,
        similar: [{ id: 'art-2', title: 'Batching on CPUs', url: 'https://example.org/a/2', score: 0.75 }],
      },
    });
  });

  it('answers the sources', async () => {
    sut.backends.sources.listSources.returns({ sources: [aSource()] });

    const answer = await graphQl(sut, '{ sources { id kind status articleCount lastError } }');

    expect(answer.data).toEqual({ sources: [{ id: 'src-1', kind: 'feed', status: 'active', articleCount: 12, lastError: null }] });
  });

  it('answers how many articles of a source wait for their full text', async () => {
    sut.backends.sources.listSources.returns({ sources: [aSource({ fullText: true, fullTextPending: '40' })] });

    const answer = await graphQl(sut, '{ sources { id fullText fullTextPending } }');

    expect(answer.data).toEqual({ sources: [{ id: 'src-1', fullText: true, fullTextPending: 40 }] });
  });

  it('answers recommendations of a user', async () => {
    sut.backends.recommender.getRecommendations.returns({
      items: [{ article: anArticleRef(), score: 0.6, reason: 'trending in technology', controls: ['follow:topic:technology'] }],
      profileEvents: 2,
    });

    const answer = await graphQl(sut, '{ recommendations(userId: "u1", limit: 4) { profileEvents items { score reason controls article { id topic } } } }');

    expect(answer.data).toEqual({
      recommendations: {
        profileEvents: 2,
        items: [{ score: 0.6, reason: 'trending in technology', controls: ['follow:topic:technology'], article: { id: 'art-2', topic: 'technology' } }],
      },
    });
    expect(sut.backends.recommender.getRecommendations.requests).toEqual([{ limit: 4 }]);
    expect(sut.backends.recommender.getRecommendations.contexts).toEqual([{ actor: 'u1' }]);
  });

  it('reports a missing article as NOT_FOUND', async () => {
    sut.backends.storage.getArticle.fails(new RemoteCallError(ErrorCode.NotFound, 'article nope not found', 5, 'x'));
    sut.backends.storage.similarArticles.returns({ articles: [] });

    const answer = await graphQl(sut, '{ article(id: "nope") { id } }');

    expect(answer.data).toBeNull();
    expect(answer.errors).toEqual([
      { message: 'article nope not found', locations: [{ line: 1, column: 3 }], path: ['article'], extensions: { code: 'NOT_FOUND' } },
    ]);
  });

  it.each([
    [ErrorCode.AlreadyExists, 'CONFLICT'],
    [ErrorCode.Unavailable, 'UNAVAILABLE'],
    [ErrorCode.InvalidArgument, 'BAD_USER_INPUT'],
  ])('reports %s as %s', async (code, graphQlCode) => {
    sut.backends.sources.listSources.fails(new RemoteCallError(code, 'it failed', 2, 'x'));

    const answer = await graphQl(sut, '{ sources { id } }');

    expect(answer.errors?.[0]?.extensions).toEqual({ code: graphQlCode });
  });

  it('reports an unexpected error as INTERNAL_SERVER_ERROR without details or stack', async () => {
    sut.backends.sources.listSources.fails(new Error('connection string postgres://admin:pw@db'));

    const answer = await graphQl(sut, '{ sources { id } }');

    expect(answer.errors).toEqual([
      expect.objectContaining({ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]);
    expect(answer.text).not.toMatch(/postgres|stacktrace/);
  });

  it('rejects out-of-range arguments as BAD_USER_INPUT', async () => {
    const answer = await graphQl(sut, '{ articles(limit: 0) { nextCursor } }');

    expect(answer.errors?.[0]).toMatchObject({
      message: expect.stringContaining('limit must not be less than 1'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(sut.backends.storage.listArticles.requests).toHaveLength(0);
  });

  it('rejects an empty user id as BAD_USER_INPUT', async () => {
    const answer = await graphQl(sut, '{ recommendations(userId: "") { profileEvents } }');

    expect(answer.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('rejects queries nested deeper than 6 levels', async () => {
    // The schema has no cycles, so only a query with unknown fields can be this deep; the depth rule still runs.
    const answer = await graphQl(sut, '{ sources { id { a { b { c { d { e { f { g } } } } } } } } }');

    expect(answer.status).toBe(400);
    expect(answer.errors?.map((e) => e.message)).toContain('Syntax Error: Query depth limit of 6 exceeded, found 9.');
    expect(sut.backends.sources.listSources.requests).toHaveLength(0);
  });

  it('accepts the deepest real query', async () => {
    sut.backends.recommender.getRecommendations.returns({ items: [], profileEvents: 0 });

    const answer = await graphQl(sut, '{ recommendations(userId: "u") { items { article { id } } } }');

    expect(answer.errors).toBeUndefined();
  });

  it('answers malformed JSON with 400', async () => {
    const answer = await send(sut, 'POST', '/graphql', '{"query": ');

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });
});
