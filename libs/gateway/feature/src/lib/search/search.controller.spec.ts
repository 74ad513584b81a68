import { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, toTimestamp } from '@autoglm/shared-grpc';
import { anArticleRef } from '../testing/fake-backends';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { SearchController } from './search.controller';

const hit = (overrides: Partial<storage.SearchHit> = {}): storage.SearchHit => ({
  article: anArticleRef(),
  score: 0.03,
  highlight: 'Dynamic <mark>batching</mark> helps.',
  ...overrides,
});

const answerOf = (overrides: Partial<storage.SearchResponse> = {}): storage.SearchResponse => ({
  hits: [hit()],
  nextCursor: 'next',
  mode: storage.SearchMode.SEARCH_MODE_HYBRID,
  notice: '',
  ...overrides,
});

describe(SearchController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  it('embeds the query, searches hybrid by default and answers summaries with score and highlight', async () => {
    sut.backends.analysis.embedQueries.returns({ embeddings: [{ vector: [0.6, 0.8], knownTokens: 1, truncated: false }], modelVersion: 'wink@1' });
    sut.backends.storage.search.returns(answerOf());

    const answer = await send(sut, 'GET', '/api/v1/search?q=batching&limit=5&cursor=c1&sourceId=src-1&topic=technology&language=en&from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      items: [
        {
          article: {
            id: 'art-2',
            sourceId: 'src-1',
            url: 'https://example.org/a/2',
            title: 'Batching on CPUs',
            language: 'en',
            topic: 'technology',
            summary: 'Dynamic batching helps.',
            publishedAt: '2026-11-18T12:00:00.000Z',
          },
          score: 0.03,
          highlight: 'Dynamic <mark>batching</mark> helps.',
        },
      ],
      nextCursor: 'next',
      mode: 'hybrid',
      notice: null,
    });
    expect(sut.backends.analysis.embedQueries.requests).toEqual([{ texts: ['batching'], model: '' }]);
    expect(sut.backends.storage.search.requests).toEqual([
      {
        query: 'batching',
        mode: storage.SearchMode.SEARCH_MODE_HYBRID,
        limit: 5,
        cursor: 'c1',
        sourceId: 'src-1',
        topic: 'technology',
        language: 'en',
        publishedFrom: toTimestamp(new Date('2026-01-01T00:00:00Z')),
        publishedTo: toTimestamp(new Date('2026-12-31T00:00:00Z')),
        queryVector: [0.6, 0.8],
        modelVersion: 'wink@1',
        readState: storage.ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED,
      },
    ]);
  });

  it('does not embed in text mode', async () => {
    sut.backends.storage.search.returns(answerOf({ mode: storage.SearchMode.SEARCH_MODE_TEXT, nextCursor: '', hits: [] }));

    const answer = await send(sut, 'GET', `/api/v1/search?q=${encodeURIComponent('足球')}&mode=text`);

    expect(answer.body).toEqual({ items: [], nextCursor: null, mode: 'text', notice: null });
    expect(sut.backends.analysis.embedQueries.requests).toHaveLength(0);
    expect(sut.backends.storage.search.requests[0]).toMatchObject({ query: '足球', mode: storage.SearchMode.SEARCH_MODE_TEXT, limit: 20, queryVector: [] });
  });

  it('passes no vector when the model knows none of the words, and shows the notice', async () => {
    sut.backends.analysis.embedQueries.returns({ embeddings: [{ vector: [0, 0], knownTokens: 0, truncated: false }], modelVersion: 'wink@1' });
    sut.backends.storage.search.returns(answerOf({ hits: [], nextCursor: '', mode: storage.SearchMode.SEARCH_MODE_SEMANTIC, notice: 'no vector' }));

    const answer = await send(sut, 'GET', `/api/v1/search?q=${encodeURIComponent('足球')}&mode=semantic`);

    expect(answer.body).toEqual({ items: [], nextCursor: null, mode: 'semantic', notice: 'no vector' });
    expect(sut.backends.storage.search.requests[0]).toMatchObject({ queryVector: [], modelVersion: '' });
  });

  it('falls back to text when analysis is down in hybrid mode', async () => {
    sut.backends.analysis.embedQueries.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'AnalysisService/Embed'));
    sut.backends.storage.search.returns(answerOf({ mode: storage.SearchMode.SEARCH_MODE_TEXT, notice: 'no vector' }));

    const answer = await send(sut, 'GET', '/api/v1/search?q=batching');

    expect(answer).toMatchObject({
      status: 200,
      body: { mode: 'text', notice: 'semantic search is unavailable (service unavailable); showing full-text matches only' },
    });
    expect(sut.backends.storage.search.requests[0]).toMatchObject({ queryVector: [] });
  });

  it('answers 503 when analysis is down in semantic mode', async () => {
    sut.backends.analysis.embedQueries.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'AnalysisService/Embed'));

    const answer = await send(sut, 'GET', '/api/v1/search?q=batching&mode=semantic');

    expect(answer.status).toBe(503);
    expect(sut.backends.storage.search.requests).toHaveLength(0);
  });

  it.each([
    ['', 'q should not be empty'],
    ['q=', 'q should not be empty'],
    [`q=${'x'.repeat(501)}`, 'q must be shorter than or equal to 500 characters'],
    ['q=a&mode=fuzzy', 'mode must be one of the following values: text, semantic, hybrid'],
    ['q=a&limit=0', 'limit must not be less than 1'],
    ['q=a&limit=51', 'limit must not be greater than 50'],
    ['q=a&from=yesterday', 'from must be a valid ISO 8601 date string'],
    ['q=a&order=asc', 'property order should not exist'],
  ])('rejects ?%s with 400', async (query, message) => {
    const answer = await send(sut, 'GET', `/api/v1/search?${query}`);

    expect(answer.status).toBe(400);
    expect((answer.body as { message: string }).message).toContain(message);
    expect(sut.backends.storage.search.requests).toHaveLength(0);
  });

  it('answers storage validation errors (invalid cursor, from after to) with 400', async () => {
    sut.backends.storage.search.fails(new RemoteCallError(ErrorCode.InvalidArgument, 'invalid cursor', 3, 'StorageService/Search'));

    const answer = await send(sut, 'GET', '/api/v1/search?q=a&mode=text&cursor=zzz');

    expect(answer.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'invalid cursor' });
  });

  it('documents the route in OpenAPI', async () => {
    const answer = await send(sut, 'GET', '/docs-json');
    const paths = (answer.body as { paths?: Record<string, { get?: { parameters?: Array<{ name: string }> } }> } | undefined)?.paths ?? {};

    expect(paths['/api/v1/search']?.get?.parameters?.map((p) => p.name).sort()).toEqual(
      ['cursor', 'from', 'language', 'limit', 'mode', 'q', 'sourceId', 'state', 'to', 'topic'],
    );
  });
});
