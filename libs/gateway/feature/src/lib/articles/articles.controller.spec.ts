import { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { anArticle, anArticleRef } from '../testing/fake-backends';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { ArticlesController } from './articles.controller';

describe(ArticlesController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  describe('GET /api/v1/articles', () => {
    it('passes the filters to storage and answers summaries with the next cursor', async () => {
      sut.backends.storage.listArticles.returns({
        articles: [anArticle(), anArticle({ id: 'art-2', language: '', topic: '', summary: '', publishedAt: undefined })],
        nextCursor: 'c2',
      });

      const answer = await send(sut, 'GET', '/api/v1/articles?limit=2&cursor=c1&sourceId=src-1&topic=technology&language=en');

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        items: [
          {
            id: 'art-1',
            sourceId: 'src-1',
            url: 'https://example.org/a/1',
            title: 'Local models are enough',
            language: 'en',
            topic: 'technology',
            summary: 'Small models run on laptops.',
            publishedAt: '2026-11-19T08:30:00.000Z',
          },
          {
            id: 'art-2',
            sourceId: 'src-1',
            url: 'https://example.org/a/1',
            title: 'Local models are enough',
            language: null,
            topic: null,
            summary: null,
            publishedAt: null,
          },
        ],
        nextCursor: 'c2',
      });
      expect(sut.backends.storage.listArticles.requests).toEqual([
        { limit: 2, cursor: 'c1', sourceId: 'src-1', topic: 'technology', language: 'en', withoutContent: true },
      ]);
    });

    it('asks for a default page and answers nextCursor null on the last page', async () => {
      sut.backends.storage.listArticles.returns({ articles: [], nextCursor: '' });

      const answer = await send(sut, 'GET', '/api/v1/articles');

      expect(answer.body).toEqual({ items: [], nextCursor: null });
      expect(sut.backends.storage.listArticles.requests).toEqual([
        { limit: 20, cursor: '', sourceId: '', topic: '', language: '', withoutContent: true },
      ]);
    });

    it.each([
      ['limit=0', 'limit must not be less than 1'],
      ['limit=101', 'limit must not be greater than 100'],
      ['limit=ten', 'limit must be an integer'],
      ['order=asc', 'property order should not exist'],
    ])('rejects ?%s with 400', async (query, message) => {
      const answer = await send(sut, 'GET', `/api/v1/articles?${query}`);

      expect(answer.status).toBe(400);
      expect((answer.body as { message: string }).message).toContain(message);
      expect(sut.backends.storage.listArticles.requests).toHaveLength(0);
    });

    it('answers 503 when storage is unavailable', async () => {
      sut.backends.storage.listArticles.fails(
        new RemoteCallError(ErrorCode.Unavailable, 'service unavailable (StorageService/ListArticles)', 14, 'StorageService/ListArticles'),
      );

      const answer = await send(sut, 'GET', '/api/v1/articles');

      expect(answer.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'service unavailable (StorageService/ListArticles)',
      });
    });
  });

  describe('GET /api/v1/articles/:id', () => {
    it('says which article it near-duplicates, apart from its story', async () => {
      sut.backends.storage.getArticle.returns({
        article: anArticle({ storyId: 'story-1', nearDuplicateOf: { articleId: 'art-0', title: 'Local models suffice', hammingDistance: 4, cosine: 0 } }),
      });
      sut.backends.storage.similarArticles.returns({ articles: [] });

      const answer = await send(sut, 'GET', '/api/v1/articles/art-1');

      expect(answer.body).toMatchObject({
        storyId: 'story-1',
        nearDuplicateOf: { articleId: 'art-0', title: 'Local models suffice', hammingDistance: 4, cosine: null },
      });
    });

    it('answers the full article with its five nearest neighbours', async () => {
      sut.backends.storage.getArticle.returns({ article: anArticle() });
      sut.backends.storage.similarArticles.returns({
        articles: [
          { article: anArticleRef(), score: 0.91 },
          { article: undefined, score: 0.5 },
        ],
      });

      const answer = await send(sut, 'GET', '/api/v1/articles/art-1');

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        id: 'art-1',
        sourceId: 'src-1',
        sourceTitle: 'Example feed',
        storyId: null,
        nearDuplicateOf: null,
        fullTextState: null,
        fullTextFailure: null,
        url: 'https://example.org/a/1',
        title: 'Local models are enough',
        author: 'Ada',
        publishedAt: '2026-11-19T08:30:00.000Z',
        fetchedAt: '2026-11-20T10:00:00.000Z',
        text: 'Small models run on laptops.',
        contentHtml: '<p>Small models run on laptops.</p>',
        language: 'en',
        keywords: ['models', 'laptops'],
        topic: 'technology',
        summary: 'Small models run on laptops.',
        llmSummary: null,
        analyzed: true,
        modelVersion: 'use-lite@1',
        similar: [{ id: 'art-2', title: 'Batching on CPUs', url: 'https://example.org/a/2', score: 0.91 }],
      });
      expect(sut.backends.storage.getArticle.requests).toEqual([{ id: 'art-1' }]);
      expect(sut.backends.storage.similarArticles.requests).toEqual([{ articleId: 'art-1', limit: 5 }]);
    });

    it('still answers the article when the neighbour search fails', async () => {
      sut.backends.storage.getArticle.returns({ article: anArticle({ analyzed: false, modelVersion: '', keywords: [] }) });
      sut.backends.storage.similarArticles.fails(
        new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'StorageService/SimilarArticles'),
      );

      const answer = await send(sut, 'GET', '/api/v1/articles/art-1');

      expect(answer).toMatchObject({ status: 200, body: { id: 'art-1', analyzed: false, modelVersion: null, similar: [] } });
    });

    it.each([
      [storage.FullTextState.FULL_TEXT_STATE_FAILED, 'https://example.org/a/1 answered HTTP 404 Not Found', 'failed'],
      [storage.FullTextState.FULL_TEXT_STATE_PENDING, '', 'pending'],
      [storage.FullTextState.FULL_TEXT_STATE_DONE, '', 'done'],
    ])('shows whether the article holds its page text (state %p)', async (state, failure, name) => {
      sut.backends.storage.getArticle.returns({ article: anArticle({ fullTextState: state, fullTextFailure: failure }) });
      sut.backends.storage.similarArticles.returns({ articles: [] });

      const answer = await send(sut, 'GET', '/api/v1/articles/art-1');

      expect(answer.body).toMatchObject({ fullTextState: name, fullTextFailure: failure || null });
    });

    it('answers 404 for an unknown article', async () => {
      sut.backends.storage.getArticle.fails(new RemoteCallError(ErrorCode.NotFound, 'article art-0 not found', 5, 'StorageService/GetArticle'));
      sut.backends.storage.similarArticles.fails(new RemoteCallError(ErrorCode.NotFound, 'article art-0 not found', 5, 'x'));

      const answer = await send(sut, 'GET', '/api/v1/articles/art-0');

      expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'article art-0 not found' });
    });
  });
});
