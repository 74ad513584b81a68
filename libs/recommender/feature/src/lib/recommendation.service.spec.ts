import { EventType, FeedbackDirection, FeedRuleAction, FeedRuleKind, type FeedControls, type FeedRule } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { toTimestamp, type CallContext, type StorageClient } from '@autoglm/shared-grpc';
import { RecommendationService } from './recommendation.service';

const NOW = new Date('2026-11-25T12:00:00Z');

interface FixtureArticle {
  id: string;
  title: string;
  vector: number[];
  hoursAgo: number;
  topic?: string;
  source?: string;
}

let articles: FixtureArticle[] = [];
const BASE_ARTICLES: FixtureArticle[] = [
  { id: 'sport-1', title: 'Football final', vector: [1, 0, 0], hoursAgo: 30 },
  { id: 'sport-2', title: 'Tennis open', vector: [0.9, 0.1, 0], hoursAgo: 20 },
  { id: 'tech-1', title: 'New GPU', vector: [0, 1, 0], hoursAgo: 1 },
  { id: 'tech-2', title: 'Compiler release', vector: [0, 0.95, 0.05], hoursAgo: 2 },
  { id: 'food-1', title: 'Dumplings', vector: [0, 0, 1], hoursAgo: 3 },
];
let controls: FeedControls | undefined;
/** Storage's story facts: article id → its story and the article it near-duplicates. */
let stories: Record<string, { storyId: string; nearDuplicateOf: string }> = {};
beforeEach(() => {
  articles = BASE_ARTICLES;
  controls = undefined;
  stories = {};
});

function rule(kind: FeedRuleKind, value: string, action = FeedRuleAction.FEED_RULE_ACTION_FOLLOW): FeedRule {
  return { id: `${kind}-${value}`, kind, value, action, createdAt: toTimestamp(NOW) };
}

function ref(id: string) {
  const a = articles.find((x) => x.id === id)!;
  return {
    id: a.id,
    sourceId: a.source ?? 's',
    url: `https://example.com/${a.id}`,
    title: a.title,
    language: 'en',
    topic: a.topic ?? '',
    summary: '',
    publishedAt: toTimestamp(new Date(NOW.getTime() - a.hoursAgo * 3_600_000)),
  };
}

function fakeStorage(
  events: Array<{ articleId: string; type: EventType; dwellSeconds?: number }>,
  lexical: Record<string, Array<{ id: string; score: number }>> = {},
  perUserCalls: Array<{ method: string; request: object; context: CallContext | undefined }> = [],
  storyRequests: string[][] = [],
): StorageClient {
  const cos = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
  return {
    listUserEvents: async (request: object, context?: CallContext) => (perUserCalls.push({ method: 'listUserEvents', request, context }), {
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
        .filter((a) => articleIds.includes(a.id) && a.vector.length > 0)
        .map((a) => ({ articleId: a.id, modelVersion: 'm', vector: a.vector, title: a.title })),
    }),
    nearestArticles: async ({ vector, excludeIds, limit }: { vector: number[]; excludeIds: string[]; limit: number }) => ({
      articles: articles
        .filter((a) => !excludeIds.includes(a.id) && a.vector.length > 0)
        .map((a) => ({ article: ref(a.id), score: cos(vector, a.vector) }))
        .sort((x, y) => y.score - x.score)
        .slice(0, limit),
    }),
    getFeedControls: async (request: object, context?: CallContext) => (perUserCalls.push({ method: 'getFeedControls', request, context }), { controls }),
    search: async ({ query }: { query: string }) => ({
      hits: articles
        .filter((a) => a.title.toLowerCase().includes(query.replace(/"/g, '')))
        .map((a) => ({ article: ref(a.id), score: 1, highlight: '' })),
      nextCursor: '',
    }),
    listArticles: async ({ topic, sourceId }: { topic: string; sourceId: string }) => ({
      articles: articles
        .filter((a) => (!topic || a.topic === topic) && (!sourceId || (a.source ?? 's') === sourceId))
        .sort((x, y) => x.hoursAgo - y.hoursAgo)
        .map((a) => ({ ...ref(a.id), author: '', fetchedAt: undefined, contentHtml: '', text: '', keywords: [], simhash: '', modelVersion: '', analyzed: true, sourceTitle: '' })),
      nextCursor: '',
    }),
    getArticleRefs: async ({ articleIds }: { articleIds: string[] }) => ({
      articles: articleIds.filter((id) => articles.some((a) => a.id === id)).map(ref),
    }),
    getArticleStories: async ({ articleIds }: { articleIds: string[] }) => (
      storyRequests.push([...articleIds].sort()),
      { stories: articleIds.filter((id) => stories[id]).map((id) => ({ articleId: id, ...stories[id] })) }
    ),
    similarArticles: async ({ articleId }: { articleId: string }) => ({
      articles: (lexical[articleId] ?? []).map((x) => ({ article: ref(x.id), score: x.score })),
    }),
    recordEvent: async (request: object, context?: CallContext) => (perUserCalls.push({ method: 'recordEvent', request, context }), { eventId: 'e1' }),
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

  it('keeps the list diverse: a near-duplicate of the top item gives way to another topic', async () => {
    articles = [
      { id: 'read', title: 'Chip news', vector: [1, 0, 0], hoursAgo: 5, topic: 'technology' },
      { id: 'dup-a', title: 'Chip launch', vector: [0.99, 0.14, 0], hoursAgo: 5, topic: 'technology' },
      { id: 'dup-b', title: 'Chip launch (again)', vector: [0.99, 0.13, 0], hoursAgo: 5, topic: 'technology' },
      { id: 'other', title: 'Markets rally', vector: [0.75, 0, 0.66], hoursAgo: 5, topic: 'markets' },
    ];
    const sut = new RecommendationService(fakeStorage([{ articleId: 'read', type: EventType.EVENT_TYPE_LIKE }]), clock);
    const ids = (await sut.recommend('u', 3)).items.map((i) => i.article.id);
    expect(ids[0]).toMatch(/^dup-/);
    expect(ids[1]).toBe('other');
  });

  it('reserves an exploration slot for a topic the user never read', async () => {
    const axis = (i: number) => Array.from({ length: 13 }, (_, d) => (d === i ? 1 : 0));
    const sport = (i: number) => axis(0).map((x, d) => 0.8 * x + 0.6 * axis(i + 1)[d]);
    articles = [
      { id: 'read', title: 'Match report', vector: axis(0), hoursAgo: 5, topic: 'sports' },
      ...Array.from({ length: 10 }, (_, i) => ({ id: `sport-${i}`, title: `Sport ${i}`, vector: sport(i), hoursAgo: 5 + i, topic: 'sports' })),
      { id: 'science', title: 'Comet seen', vector: axis(12), hoursAgo: 1, topic: 'science' },
    ];
    const sut = new RecommendationService(fakeStorage([{ articleId: 'read', type: EventType.EVENT_TYPE_LIKE }]), clock);
    const items = (await sut.recommend('u', 8)).items;
    expect(items.slice(0, 7).map((i) => i.article.topic)).toEqual(Array(7).fill('sports'));
    expect(items[7]).toMatchObject({ article: expect.objectContaining({ id: 'science' }), reason: 'exploring science' });
  });

  it('finds neighbours of liked articles without embeddings by word overlap (Chinese readers)', async () => {
    articles = [
      { id: 'zh-read', title: '国家队赢得比赛', vector: [], hoursAgo: 5, topic: 'sports' },
      { id: 'zh-match', title: '足球联赛开幕', vector: [], hoursAgo: 30, topic: 'sports' },
      { id: 'zh-soup', title: '冬季热汤', vector: [], hoursAgo: 1, topic: 'food' },
    ];
    const sut = new RecommendationService(
      fakeStorage([{ articleId: 'zh-read', type: EventType.EVENT_TYPE_LIKE }], { 'zh-read': [{ id: 'zh-match', score: 0.2 }] }),
      clock,
    );
    const items = (await sut.recommend('u', 2)).items;
    expect(items[0]).toMatchObject({ article: expect.objectContaining({ id: 'zh-match' }), reason: 'similar to "国家队赢得比赛"' });
  });

  it('explains an item by the topic the user reads most when nothing closer explains it', async () => {
    articles = [
      { id: 'read', title: 'Cup final', vector: [], hoursAgo: 5, topic: 'sports' },
      { id: 'sports-new', title: 'Transfer news', vector: [], hoursAgo: 2, topic: 'sports' },
    ];
    const sut = new RecommendationService(fakeStorage([{ articleId: 'read', type: EventType.EVENT_TYPE_LIKE }]), clock);
    const items = (await sut.recommend('u', 1)).items;
    expect(items[0]).toMatchObject({ article: expect.objectContaining({ id: 'sports-new' }), reason: 'more sports, which you read' });
  });

  it.each([
    [{ userId: 'u', articleId: '', type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0 }],
    [{ userId: 'u', articleId: 'a', type: EventType.EVENT_TYPE_UNSPECIFIED, dwellSeconds: 0 }],
    [{ userId: 'u', articleId: 'a', type: 42 as EventType, dwellSeconds: 0 }],
    [{ userId: 'u', articleId: 'a', type: EventType.EVENT_TYPE_DWELL, dwellSeconds: -1 }],
  ])('rejects the bad event %p', async (event) => {
    const sut = new RecommendationService(fakeStorage([]), clock);
    await expect(sut.recordEvent(event)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });

  it('acts for no one without an actor: UNAUTHENTICATED, and storage is not asked', async () => {
    const calls: Array<{ method: string; request: object; context: CallContext | undefined }> = [];
    const sut = new RecommendationService(fakeStorage([], {}, calls), clock);
    await expect(sut.recommend('', 3)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    await expect(sut.recordEvent({ userId: '', articleId: 'a', type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0 })).rejects.toMatchObject({
      code: ErrorCode.Unauthenticated,
    });
    expect(calls).toEqual([]);
  });

  it('passes the user it acts for to storage as the call actor, never in a request', async () => {
    const calls: Array<{ method: string; request: object; context: CallContext | undefined }> = [];
    const sut = new RecommendationService(fakeStorage([{ articleId: 'sport-1', type: EventType.EVENT_TYPE_LIKE }], {}, calls), clock);
    await sut.recommend('user-7', 3);
    await sut.recordEvent({ userId: 'user-7', articleId: 'sport-1', type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0 });
    expect(calls.map((c) => [c.method, c.context])).toEqual([
      ['listUserEvents', { actor: 'user-7' }],
      ['getFeedControls', { actor: 'user-7' }],
      ['recordEvent', { actor: 'user-7' }],
    ]);
    for (const call of calls) expect(call.request).not.toHaveProperty('userId');
  });

  it('rejects a bad limit', async () => {
    const sut = new RecommendationService(fakeStorage([]), clock);
    await expect(sut.recommend('u', 101)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });

  describe('with the user\'s controls', () => {
    const ranked = async (limit = 5) => (await new RecommendationService(fakeStorage([{ articleId: 'sport-1', type: EventType.EVENT_TYPE_LIKE }]), clock).recommend('u', limit)).items;

    it('never shows a muted topic, source or keyword, even the best match', async () => {
      articles = BASE_ARTICLES.map((a) => ({ ...a, topic: a.id.split('-')[0], source: a.id === 'tech-2' ? 'compilers' : 's' }));
      expect((await ranked()).map((i) => i.article.id)).toContain('sport-2');
      controls = { rules: [rule(FeedRuleKind.FEED_RULE_KIND_TOPIC, 'sport', FeedRuleAction.FEED_RULE_ACTION_MUTE)], feedback: [] };
      expect((await ranked()).map((i) => i.article.id).sort()).toEqual(['food-1', 'tech-1', 'tech-2']);
      controls = {
        rules: [
          rule(FeedRuleKind.FEED_RULE_KIND_SOURCE, 'compilers', FeedRuleAction.FEED_RULE_ACTION_MUTE),
          rule(FeedRuleKind.FEED_RULE_KIND_KEYWORD, 'dumplings', FeedRuleAction.FEED_RULE_ACTION_MUTE),
        ],
        feedback: [],
      };
      expect((await ranked()).map((i) => i.article.id).sort()).toEqual(['sport-2', 'tech-1']);
    });

    it('lifts a followed topic and names the rule', async () => {
      articles = BASE_ARTICLES.map((a) => ({ ...a, topic: a.id.split('-')[0] }));
      const before = (await ranked()).map((i) => i.article.id);
      expect(before).toEqual(['sport-2', 'food-1', 'tech-1', 'tech-2']);
      controls = { rules: [rule(FeedRuleKind.FEED_RULE_KIND_TOPIC, 'tech')], feedback: [] };
      const items = await ranked();
      expect(items.map((i) => i.article.id).slice(0, 3)).toEqual(['sport-2', 'tech-1', 'food-1']);
      expect(items[1]).toEqual(expect.objectContaining({ reason: 'you follow tech', controls: ['follow:topic:tech'] }));
      expect(items[0].controls).toEqual([]);
    });

    it('finds and lifts articles with a followed keyword (whole words only)', async () => {
      articles = [...BASE_ARTICLES, { id: 'old-gpu', title: 'GPU prices fall', vector: [0, 0, 0.2], hoursAgo: 400 }, { id: 'gpus', title: 'GPUs', vector: [], hoursAgo: 1 }];
      const before = (await ranked(7)).map((i) => i.article.id);
      controls = { rules: [rule(FeedRuleKind.FEED_RULE_KIND_KEYWORD, 'gpu')], feedback: [] };
      const items = await ranked(7);
      const oldGpu = items.findIndex((i) => i.article.id === 'old-gpu');
      expect(oldGpu).toBeLessThan(before.indexOf('old-gpu'));
      expect(items[oldGpu]).toEqual(expect.objectContaining({ reason: 'mentions "gpu", which you follow', controls: ['follow:keyword:gpu'] }));
      expect(items.find((i) => i.article.id === 'gpus')?.controls).toEqual([]);
    });

    it('shifts the profile with "more like this" and names it', async () => {
      controls = { rules: [], feedback: [{ articleId: 'food-1', direction: FeedbackDirection.FEEDBACK_DIRECTION_MORE, createdAt: toTimestamp(NOW), title: 'Dumplings' }] };
      articles = [...BASE_ARTICLES, { id: 'food-2', title: 'Noodles', vector: [0.1, 0, 0.99], hoursAgo: 10 }];
      const items = await ranked();
      expect(items[0]).toEqual(expect.objectContaining({ reason: 'more like "Dumplings", as you asked', controls: ['more-like:food-1'] }));
      expect(items[0].article.id).toBe('food-2');
      expect(items.map((i) => i.article.id)).not.toContain('food-1');
    });

    it('pushes down what is close to "less like this" and names it', async () => {
      articles = [...BASE_ARTICLES, { id: 'sport-3', title: 'Golf', vector: [0.92, 0.08, 0], hoursAgo: 20 }];
      expect((await ranked(6))[0].article.id).toMatch(/^sport-[23]$/);
      controls = { rules: [], feedback: [{ articleId: 'sport-2', direction: FeedbackDirection.FEEDBACK_DIRECTION_LESS, createdAt: toTimestamp(NOW), title: 'Tennis open' }] };
      const items = await ranked(6);
      expect(items.map((i) => i.article.id)).not.toContain('sport-2');
      const golf = items.find((i) => i.article.id === 'sport-3');
      expect(golf?.score).toBe(Math.min(...items.map((i) => i.score)));
      expect(golf?.controls).toEqual(['less-like:sport-2']);
    });

    it('weighs freshness and relevance as the blend says', async () => {
      expect((await ranked())[0].article.id).toBe('sport-2');
      controls = { rules: [], feedback: [], blend: { relevance: 0.1, freshness: 1, diversity: 0 } };
      const items = await ranked();
      expect(items[0].article.id).toBe('tech-1');
      expect(items[0].controls).toEqual(['blend']);
    });

    it('orders by pure score with diversity 0 and spreads topics with diversity 1', async () => {
      articles = [
        { id: 'read', title: 'Chip news', vector: [1, 0, 0], hoursAgo: 5, topic: 'technology' },
        { id: 'dup-a', title: 'Chip launch', vector: [0.99, 0.14, 0], hoursAgo: 5, topic: 'technology' },
        { id: 'dup-b', title: 'Chip launch (again)', vector: [0.9, 0.43, 0], hoursAgo: 5, topic: 'technology' },
        { id: 'other', title: 'Markets rally', vector: [0.6, 0, 0.8], hoursAgo: 5, topic: 'markets' },
      ];
      const sut = new RecommendationService(fakeStorage([{ articleId: 'read', type: EventType.EVENT_TYPE_LIKE }]), clock);
      controls = { rules: [], feedback: [], blend: { relevance: 0.6, freshness: 0.2, diversity: 0 } };
      expect((await sut.recommend('u', 3)).items.map((i) => i.article.id)).toEqual(['dup-a', 'dup-b', 'other']);
      controls = { rules: [], feedback: [], blend: { relevance: 0.6, freshness: 0.2, diversity: 1 } };
      expect((await sut.recommend('u', 3)).items.map((i) => i.article.id)[1]).toBe('other');
    });
  });

  describe('novelty', () => {
    beforeEach(() => {
      articles = [
        { id: 'read', title: 'Quake hits the coast', vector: [1, 0, 0], hoursAgo: 6, topic: 'world' },
        { id: 'copy', title: 'Quake hits coast (wire copy)', vector: [0.9, 0.3, 0.3], hoursAgo: 2, topic: 'world' },
        { id: 'follow-up', title: 'Aid arrives after the quake', vector: [0.8, 0.2, 0.55], hoursAgo: 3, topic: 'world' },
        { id: 'other', title: 'Markets calm', vector: [0.5, 0.85, 0.1], hoursAgo: 4, topic: 'business' },
      ];
    });

    it('puts a near-duplicate of a read article after the news, naming it; a follow-up keeps its place', async () => {
      const withoutStories = (await new RecommendationService(fakeStorage([{ articleId: 'read', type: EventType.EVENT_TYPE_LIKE }]), clock).recommend('u', 3)).items;
      expect(withoutStories[0].article.id).toBe('copy');

      stories = {
        read: { storyId: 'quake', nearDuplicateOf: '' },
        copy: { storyId: 'quake', nearDuplicateOf: 'read' },
        'follow-up': { storyId: 'quake', nearDuplicateOf: '' },
        other: { storyId: 'markets', nearDuplicateOf: '' },
      };
      const items = (await new RecommendationService(fakeStorage([{ articleId: 'read', type: EventType.EVENT_TYPE_LIKE }]), clock).recommend('u', 3)).items;
      expect(items.map((i) => i.article.id)).toEqual(['follow-up', 'other', 'copy']);
      expect(items[2]).toMatchObject({ reason: 'retells "Quake hits the coast", which you read', controls: ['novelty:read'] });
      expect(items[0].reason).toBe('new in the story of "Quake hits the coast", which you read');
      expect(items[0].controls).toEqual([]);
    });

    it('keeps the story facts of articles in a story and asks again about articles in none', async () => {
      stories = { read: { storyId: 'quake', nearDuplicateOf: '' }, copy: { storyId: 'quake', nearDuplicateOf: 'read' }, other: { storyId: '', nearDuplicateOf: '' } };
      const asked: string[][] = [];
      const sut = new RecommendationService(fakeStorage([{ articleId: 'read', type: EventType.EVENT_TYPE_LIKE }], {}, [], asked), clock);
      await sut.recommend('u', 3);
      // 'follow-up' joins the story afterwards: the next call sees it.
      stories = { ...stories, 'follow-up': { storyId: 'quake', nearDuplicateOf: '' } };
      const items = (await sut.recommend('u', 3)).items;
      expect(asked).toEqual([
        ['copy', 'follow-up', 'other', 'read'],
        ['follow-up', 'other'],
      ]);
      expect(items.find((i) => i.article.id === 'follow-up')?.reason).toBe('new in the story of "Quake hits the coast", which you read');
    });
  });
});
