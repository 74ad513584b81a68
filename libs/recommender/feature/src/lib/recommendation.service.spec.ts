import { EventType } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { toTimestamp, type StorageClient } from '@autoglm/shared-grpc';
import { RecommendationService } from './recommendation.service';

const NOW = new Date('2026-11-25T12:00:00Z');

const articles = [
  { id: 'sport-1', title: 'Football final', vector: [1, 0, 0], hoursAgo: 30 },
  { id: 'sport-2', title: 'Tennis open', vector: [0.9, 0.1, 0], hoursAgo: 20 },
  { id: 'tech-1', title: 'New GPU', vector: [0, 1, 0], hoursAgo: 1 },
  { id: 'tech-2', title: 'Compiler release', vector: [0, 0.95, 0.05], hoursAgo: 2 },
  { id: 'food-1', title: 'Dumplings', vector: [0, 0, 1], hoursAgo: 3 },
];

function ref(id: string) {
  const a = articles.find((x) => x.id === id)!;
  return {
    id: a.id,
    sourceId: 's',
    url: `https://example.com/${a.id}`,
    title: a.title,
    language: 'en',
    topic: '',
    summary: '',
    publishedAt: toTimestamp(new Date(NOW.getTime() - a.hoursAgo * 3_600_000)),
  };
}

function fakeStorage(events: Array<{ articleId: string; type: EventType; dwellSeconds?: number }>): StorageClient {
  const cos = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
  return {
    listUserEvents: async () => ({
      events: events.map((e, i) => ({
        id: String(i),
        userId: 'u',
        articleId: e.articleId,
        type: e.type,
        dwellSeconds: e.dwellSeconds ?? 0,
        occurredAt: toTimestamp(NOW),
      })),
    }),
    getEmbeddings: async ({ articleIds }: { articleIds: string[] }) => ({
      embeddings: articles
        .filter((a) => articleIds.includes(a.id))
        .map((a) => ({ articleId: a.id, modelVersion: 'm', vector: a.vector, title: a.title })),
    }),
    nearestArticles: async ({ vector, excludeIds, limit }: { vector: number[]; excludeIds: string[]; limit: number }) => ({
      articles: articles
        .filter((a) => !excludeIds.includes(a.id))
        .map((a) => ({ article: ref(a.id), score: cos(vector, a.vector) }))
        .sort((x, y) => y.score - x.score)
        .slice(0, limit),
    }),
    listArticles: async () => ({
      articles: [...articles]
        .sort((x, y) => x.hoursAgo - y.hoursAgo)
        .map((a) => ({ ...ref(a.id), author: '', fetchedAt: undefined, contentHtml: '', text: '', keywords: [], simhash: '', modelVersion: '', analyzed: true, sourceTitle: '' })),
      nextCursor: '',
    }),
    recordEvent: async () => ({ eventId: 'e1' }),
  } as unknown as StorageClient;
}

describe(RecommendationService.name, () => {
  const clock = { now: () => NOW };

  it('cold start: freshest first, explained as fresh', async () => {
    const sut = new RecommendationService(fakeStorage([]), clock);
    const result = await sut.recommend('u', 3);
    expect(result.profileEvents).toBe(0);
    expect(result.items.map((i) => i.article.id)).toEqual(['tech-1', 'tech-2', 'food-1']);
    expect(result.items[0].reason).toBe('fresh');
  });

  it('moves toward what was read and explains with the closest read article', async () => {
    const sut = new RecommendationService(fakeStorage([{ articleId: 'sport-1', type: EventType.EVENT_TYPE_LIKE }]), clock);
    const result = await sut.recommend('u', 3);
    expect(result.items[0].article.id).toBe('sport-2');
    expect(result.items[0].reason).toBe('similar to "Football final"');
    expect(result.items.map((i) => i.article.id)).not.toContain('sport-1');
  });

  it('demotes what is close to a hidden article', async () => {
    const sut = new RecommendationService(
      fakeStorage([
        { articleId: 'tech-1', type: EventType.EVENT_TYPE_DWELL, dwellSeconds: 90 },
        { articleId: 'food-1', type: EventType.EVENT_TYPE_HIDE },
      ]),
      clock,
    );
    const ids = (await sut.recommend('u', 4)).items.map((i) => i.article.id);
    expect(ids[0]).toBe('tech-2');
    expect(ids).not.toContain('food-1');
  });

  it.each([
    [{ userId: '', articleId: 'a', type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0 }],
    [{ userId: 'u', articleId: '', type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0 }],
    [{ userId: 'u', articleId: 'a', type: EventType.EVENT_TYPE_UNSPECIFIED, dwellSeconds: 0 }],
    [{ userId: 'u', articleId: 'a', type: 42 as EventType, dwellSeconds: 0 }],
    [{ userId: 'u', articleId: 'a', type: EventType.EVENT_TYPE_DWELL, dwellSeconds: -1 }],
  ])('rejects the bad event %p', async (event) => {
    const sut = new RecommendationService(fakeStorage([]), clock);
    await expect(sut.recordEvent(event)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });

  it('rejects a bad limit', async () => {
    const sut = new RecommendationService(fakeStorage([]), clock);
    await expect(sut.recommend('u', 101)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});
