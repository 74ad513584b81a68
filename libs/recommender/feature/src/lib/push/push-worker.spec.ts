import { EventType, type ArticleRef, type storage } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { toTimestamp, type StorageClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { RecommendationService } from '../recommendation.service';
import { PushWorker } from './push-worker';

const NOW = new Date('2026-12-01T12:00:00Z');

function ref(id: string, topic: string): ArticleRef {
  return { id, sourceId: 's1', url: `https://example.org/${id}`, title: `Title ${id}`, language: 'en', topic, summary: '', publishedAt: toTimestamp(NOW) };
}

const VECTORS: Record<string, number[]> = { liked: [1, 0, 0], close: [0.99, 0.1, 0], far: [0, 0, 1], copy: [0.999, 0.02, 0], next: [0.97, 0.2, 0] };
const REFS: Record<string, ArticleRef> = Object.fromEntries(
  Object.entries({ liked: 'science', close: 'science', far: 'sports', copy: 'science', next: 'science' }).map(([id, topic]) => [id, ref(id, topic)]),
);

/** One user who liked "liked"; everything the worker and the profile read (stories: storage's story facts by article). */
function fakeStorage(appended: storage.ForYouCandidate[], applied: string[][], stories: storage.ArticleStory[] = []): StorageClient {
  return {
    applyPushRules: async (request: storage.ApplyPushRulesRequest) => (applied.push(request.articleIds), { hits: 0, events: 0, deliveries: 0 }),
    listPushAudience: async () => ({ userIds: ['u1', 'u2'] }),
    getFeedControls: async () => ({ controls: undefined }),
    listUserEvents: async (_request: unknown, context?: { actor?: string }) => ({
      events:
        context?.actor === 'u1'
          ? [{ id: 'e1', userId: 'u1', articleId: 'liked', type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0, occurredAt: toTimestamp(NOW) }]
          : [],
    }),
    getEmbeddings: async (request: storage.GetEmbeddingsRequest) => ({
      embeddings: request.articleIds.filter((id) => VECTORS[id]).map((id) => ({ articleId: id, modelVersion: 'm', vector: VECTORS[id], title: `Title ${id}` })),
    }),
    getArticleStories: async (request: storage.GetArticleStoriesRequest) => ({ stories: stories.filter((s) => request.articleIds.includes(s.articleId)) }),
    getArticleRefs: async (request: storage.GetArticleRefsRequest) => ({ articles: request.articleIds.flatMap((id) => (REFS[id] ? [REFS[id]] : [])) }),
    appendPushEvents: async (request: storage.AppendPushEventsRequest) => (appended.push(...request.events), { added: request.events.length }),
  } as unknown as StorageClient;
}

describe(PushWorker.name, () => {
  it('runs the rules, then pushes to each active user the new articles the ranking scores above the bar', async () => {
    const appended: storage.ForYouCandidate[] = [];
    const applied: string[][] = [];
    const storage = fakeStorage(appended, applied);
    const clock = { now: () => NOW };
    const config = defaultConfig();
    const sut = new PushWorker(new InProcessQueueFactory(), config, storage, clock, new RecommendationService(storage, clock));

    await sut.run(['close', 'far']);

    expect(applied).toEqual([['close', 'far']]);
    // u2 has no events: nothing is pushed to a profile that knows nothing.
    expect(appended.map((e) => [e.userId, e.articleId])).toEqual([['u1', 'close']]);
    expect(appended[0].score).toBeGreaterThanOrEqual(config.push.forYou.minScore);
    expect(appended[0].reason).toBe('similar to "Title liked"');
  });

  it('pushes a follow-up in the story of an article the user read, and not a copy of that article', async () => {
    const appended: storage.ForYouCandidate[] = [];
    const story = (articleId: string, nearDuplicateOf = '') => ({ articleId, storyId: 'story-1', nearDuplicateOf }) as storage.ArticleStory;
    const storage = fakeStorage(appended, [], [story('liked'), story('copy', 'liked'), story('next')]);
    const clock = { now: () => NOW };
    const sut = new PushWorker(new InProcessQueueFactory(), defaultConfig(), storage, clock, new RecommendationService(storage, clock));

    await sut.run(['copy', 'next']);

    expect(appended.map((e) => [e.userId, e.articleId])).toEqual([['u1', 'next']]);
    expect(appended[0].reason).toBe('new in the story of "Title liked", which you read');
  });

  it('gathers jobs into one batch and finishes each job with it', async () => {
    const appended: storage.ForYouCandidate[] = [];
    const applied: string[][] = [];
    const storage = fakeStorage(appended, applied);
    const clock = { now: () => NOW };
    const config = defaultConfig();
    config.push.forYou = { ...config.push.forYou, batchSize: 3, batchDelayMs: 10_000 };
    const sut = new PushWorker(new InProcessQueueFactory(), config, storage, clock, new RecommendationService(storage, clock));

    // A full batch runs at once, without waiting for the delay.
    await Promise.all([sut.handle({ articleId: 'close' }), sut.handle({ articleId: 'far' }), sut.handle({ articleId: 'close' })]);

    expect(applied).toEqual([['close', 'far']]);
  });
});
