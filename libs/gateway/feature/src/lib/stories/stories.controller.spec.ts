import type { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, STORAGE_CLIENT, toTimestamp, type StorageClient } from '@autoglm/shared-grpc';
import { anArticleRef, FakeRpc } from '../testing/fake-backends';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { StoriesController } from './stories.controller';

function aStory(overrides: Partial<storage.Story> = {}): storage.Story {
  return {
    id: 'story-1',
    title: 'Local models are enough',
    createdAt: toTimestamp(new Date('2026-11-20T10:00:00.000Z')),
    updatedAt: toTimestamp(new Date('2026-11-20T12:00:00.000Z')),
    size: 2,
    timeline: [
      { article: anArticleRef({ id: 'art-1' }), joinedAt: toTimestamp(new Date('2026-11-20T10:00:00.000Z')), similarity: 1 },
      { article: anArticleRef({ id: 'art-2' }), joinedAt: toTimestamp(new Date('2026-11-20T12:00:00.000Z')), similarity: 0.96875 },
    ],
    ...overrides,
  };
}

describe(StoriesController.name, () => {
  let sut: TestGateway;
  let getStory: FakeRpc<storage.GetStoryRequest, storage.GetStoryResponse>;
  let listStories: FakeRpc<storage.ListStoriesRequest, storage.ListStoriesResponse>;

  beforeEach(async () => {
    sut = await startTestGateway();
    getStory = new FakeRpc('storage.getStory');
    listStories = new FakeRpc('storage.listStories');
    // The fake storage client is a plain object: the RPCs these scenarios need are added to it.
    Object.assign(sut.app.get<Partial<StorageClient>>(STORAGE_CLIENT), { getStory: getStory.call, listStories: listStories.call });
  });

  afterEach(async () => {
    await sut.close();
  });

  describe('GET /api/v1/stories/:id', () => {
    it('answers the story with its timeline, oldest first', async () => {
      getStory.returns({ story: aStory() });

      const answer = await send(sut, 'GET', '/api/v1/stories/story-1');

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        id: 'story-1',
        title: 'Local models are enough',
        createdAt: '2026-11-20T10:00:00.000Z',
        updatedAt: '2026-11-20T12:00:00.000Z',
        size: 2,
        timeline: [
          { article: { id: 'art-1' }, joinedAt: '2026-11-20T10:00:00.000Z', similarity: 1 },
          { article: { id: 'art-2' }, joinedAt: '2026-11-20T12:00:00.000Z', similarity: 0.96875 },
        ],
      });
      expect(getStory.requests).toEqual([{ id: 'story-1' }]);
    });

    it('answers 404 for an unknown story', async () => {
      getStory.fails(new RemoteCallError(ErrorCode.NotFound, 'story story-0 not found', 5, 'StorageService/GetStory'));

      const answer = await send(sut, 'GET', '/api/v1/stories/story-0');

      expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'story story-0 not found' });
    });

    it('answers 500 without details when storage answers no story', async () => {
      getStory.returns({ story: undefined });

      const answer = await send(sut, 'GET', '/api/v1/stories/story-1');

      expect(answer.status).toBe(500);
    });
  });

  describe('GET /api/v1/stories', () => {
    it('answers a page of stories with their newest articles and the cursor of the next page', async () => {
      listStories.returns({ stories: [aStory({ id: 'story-2', size: 7 }), aStory()], nextCursor: 'abc' });

      const answer = await send(sut, 'GET', '/api/v1/stories?limit=2&minSize=3&articles=2');

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ items: [{ id: 'story-2', size: 7 }, { id: 'story-1', timeline: [{ article: { id: 'art-1' } }, { article: { id: 'art-2' } }] }], nextCursor: 'abc' });
      expect(listStories.requests).toEqual([{ limit: 2, cursor: '', minSize: 3, articles: 2 }]);
    });

    it('asks for 5 articles per story by default and answers a null cursor on the last page', async () => {
      listStories.returns({ stories: [], nextCursor: '' });

      const answer = await send(sut, 'GET', '/api/v1/stories?cursor=xyz');

      expect(answer.body).toEqual({ items: [], nextCursor: null });
      expect(listStories.requests).toEqual([{ limit: 0, cursor: 'xyz', minSize: 0, articles: 5 }]);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['minSize=0', 'minSize'],
      ['articles=21', 'articles'],
      ['articles=-1', 'articles'],
      ['sort=size', 'sort'],
      [`cursor=${'a'.repeat(513)}`, 'cursor'],
    ])('answers 400 naming the field for ?%s, without calling storage', async (query, field) => {
      const answer = await send(sut, 'GET', `/api/v1/stories?${query}`);

      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain(field);
      expect(listStories.requests).toEqual([]);
    });

    it('answers 400 for a cursor storage does not accept', async () => {
      listStories.fails(new RemoteCallError(ErrorCode.InvalidArgument, 'invalid cursor', 3, 'StorageService/ListStories'));

      const answer = await send(sut, 'GET', '/api/v1/stories?cursor=forged');

      expect(answer.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'invalid cursor' });
    });
  });
});
