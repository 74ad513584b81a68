import type { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { FakeRpc } from '../testing/fake-backends';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { ArticlesController } from './articles.controller';

describe(ArticlesController.name, () => {
  let sut: TestGateway;
  let deleteArticle: FakeRpc<storage.DeleteArticleRequest, storage.DeleteArticleResponse>;

  beforeEach(async () => {
    sut = await startTestGateway();
    deleteArticle = new FakeRpc('storage.deleteArticle');
    // The fake storage client is a plain object: the RPC this scenario needs is added to it.
    Object.assign(sut.app.get<Partial<StorageClient>>(STORAGE_CLIENT), { deleteArticle: deleteArticle.call });
  });

  afterEach(async () => {
    await sut.close();
  });

  describe('DELETE /api/v1/articles/:id', () => {
    it('deletes the article through storage and answers 204 without a body', async () => {
      deleteArticle.returns({});

      const answer = await send(sut, 'DELETE', '/api/v1/articles/art-1');

      expect(answer.status).toBe(204);
      expect(answer.text).toBe('');
      expect(deleteArticle.requests).toEqual([{ articleId: 'art-1' }]);
    });

    it('answers 404 for an unknown article', async () => {
      deleteArticle.fails(new RemoteCallError(ErrorCode.NotFound, 'article art-0 not found', 5, 'StorageService/DeleteArticle'));

      const answer = await send(sut, 'DELETE', '/api/v1/articles/art-0');

      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'article art-0 not found' });
    });

    it('answers 503 when storage is unavailable', async () => {
      deleteArticle.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'StorageService/DeleteArticle'));

      const answer = await send(sut, 'DELETE', '/api/v1/articles/art-1');

      expect(answer.status).toBe(503);
    });
  });
});
