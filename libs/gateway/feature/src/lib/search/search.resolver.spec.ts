import { storage } from '@autoglm/contracts';
import { anArticleRef } from '../testing/fake-backends';
import { graphQl, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { SearchResolver } from './search.resolver';

describe(SearchResolver.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  it('answers search hits with their article, score and highlight', async () => {
    sut.backends.storage.search.returns({
      hits: [{ article: anArticleRef(), score: 0.5, highlight: '<mark>CPU</mark> batching' }],
      nextCursor: 'c2',
      mode: storage.SearchMode.SEARCH_MODE_TEXT,
      notice: '',
    });

    const answer = await graphQl(
      sut,
      'query($q: String!) { search(q: $q, mode: text, limit: 3, topic: "technology") { items { score highlight article { id title } } nextCursor mode notice } }',
      { q: 'cpu' },
    );

    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      search: {
        items: [{ score: 0.5, highlight: '<mark>CPU</mark> batching', article: { id: 'art-2', title: 'Batching on CPUs' } }],
        nextCursor: 'c2',
        mode: 'text',
        notice: null,
      },
    });
    expect(sut.backends.storage.search.requests[0]).toMatchObject({ query: 'cpu', mode: storage.SearchMode.SEARCH_MODE_TEXT, limit: 3, topic: 'technology' });
  });

  it('embeds the query for a hybrid search', async () => {
    sut.backends.analysis.embedQueries.returns({ embeddings: [{ vector: [1, 0], knownTokens: 2, truncated: false }], modelVersion: 'm@1' });
    sut.backends.storage.search.returns({ hits: [], nextCursor: '', mode: storage.SearchMode.SEARCH_MODE_HYBRID, notice: '' });

    const answer = await graphQl(sut, '{ search(q: "local models") { mode nextCursor } }');

    expect(answer.data).toEqual({ search: { mode: 'hybrid', nextCursor: null } });
    expect(sut.backends.storage.search.requests[0]).toMatchObject({ queryVector: [1, 0], modelVersion: 'm@1', limit: 20 });
  });

  it.each([
    ['{ search(q: "") { mode } }', 'q should not be empty'],
    ['{ search(q: "a", limit: 51) { mode } }', 'limit must not be greater than 50'],
    ['{ search(q: "a", from: "soon") { mode } }', 'from must be a valid ISO 8601 date string'],
  ])('rejects %s as BAD_USER_INPUT', async (query, message) => {
    const answer = await graphQl(sut, query);

    expect(answer.errors?.[0]).toMatchObject({ message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT' } });
    expect(sut.backends.storage.search.requests).toHaveLength(0);
  });

  it('rejects an unknown mode', async () => {
    const answer = await graphQl(sut, '{ search(q: "a", mode: fuzzy) { mode } }');

    expect(answer.errors?.[0]?.message).toContain('Value "fuzzy" does not exist in "SearchMode" enum');
  });
});
