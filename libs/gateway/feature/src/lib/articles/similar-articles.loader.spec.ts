import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { anArticle, anArticleRef } from '../testing/fake-backends';
import { graphQl, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { SIMILAR_LOOKUP_CONCURRENCY, SimilarArticlesLoader } from './similar-articles.loader';

describe(SimilarArticlesLoader.name, () => {
  let sut: TestGateway;
  let inFlight = 0;
  let mostInFlight = 0;

  beforeEach(async () => {
    sut = await startTestGateway();
    inFlight = 0;
    mostInFlight = 0;
    // Each article's neighbour is "near-<id>", answered after a turn of the event loop so lookups overlap.
    sut.backends.storage.similarArticles.answers(async ({ articleId }) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (articleId === 'broken') throw DomainError.unavailable('vector index is rebuilding');
      return { articles: [{ article: anArticleRef({ id: `near-${articleId}` }), score: 0.5 }] };
    });
  });

  afterEach(async () => {
    await sut.close();
  });

  it("answers each listed article's neighbours, searching each article once per request", async () => {
    const ids = ['a1', 'a2', 'a1', 'a3'];
    sut.backends.storage.listArticles.returns({ articles: ids.map((id) => anArticle({ id })), nextCursor: '' });
    sut.backends.storage.search.returns({
      hits: [{ article: anArticleRef({ id: 'a2' }), score: 0.9, highlight: '' }],
      nextCursor: '',
      mode: storage.SearchMode.SEARCH_MODE_TEXT,
      notice: '',
    });

    const answer = await graphQl(
      sut,
      '{ articles { items { id similar { id score } } } search(q: "x", mode: text) { items { article { id similar { id } } } } }',
    );

    expect(answer.errors).toBeUndefined();
    const items = (answer.data?.['articles'] as { items: Array<{ id: string; similar: Array<{ id: string }> }> }).items;
    expect(items.map((item) => [item.id, item.similar.map((s) => s.id)])).toEqual([
      ['a1', ['near-a1']],
      ['a2', ['near-a2']],
      ['a1', ['near-a1']],
      ['a3', ['near-a3']],
    ]);
    expect(answer.data?.['search']).toEqual({ items: [{ article: { id: 'a2', similar: [{ id: 'near-a2' }] } }] });
    expect(sut.backends.storage.similarArticles.requests.map((r) => r.articleId).sort()).toEqual(['a1', 'a2', 'a3']);
  });

  it('keeps nothing across requests', async () => {
    sut.backends.storage.listArticles.returns({ articles: [anArticle({ id: 'a1' })], nextCursor: '' });

    await graphQl(sut, '{ articles { items { similar { id } } } }');
    await graphQl(sut, '{ articles { items { similar { id } } } }');

    expect(sut.backends.storage.similarArticles.requests.map((r) => r.articleId)).toEqual(['a1', 'a1']);
  });

  it(`runs at most ${SIMILAR_LOOKUP_CONCURRENCY} lookups of a page at once, and one failing lookup leaves the others`, async () => {
    const ids = [...Array.from({ length: 20 }, (_, i) => `a${i}`), 'broken'];
    sut.backends.storage.listArticles.returns({ articles: ids.map((id) => anArticle({ id })), nextCursor: '' });

    const answer = await graphQl(sut, '{ articles(limit: 21) { items { id similar { id } } } }');

    expect(answer.errors).toBeUndefined();
    const items = (answer.data?.['articles'] as { items: Array<{ id: string; similar: unknown[] }> }).items;
    expect(items).toHaveLength(21);
    expect(items.find((item) => item.id === 'broken')?.similar).toEqual([]);
    expect(items.filter((item) => item.similar.length === 1)).toHaveLength(20);
    expect(sut.backends.storage.similarArticles.requests).toHaveLength(21);
    expect(mostInFlight).toBe(SIMILAR_LOOKUP_CONCURRENCY);
  });
});
