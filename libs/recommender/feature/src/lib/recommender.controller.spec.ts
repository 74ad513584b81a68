import { Metadata } from '@grpc/grpc-js';
import { EventType } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { ACTOR_METADATA, type AnalysisClient, type CallContext, type StorageClient } from '@autoglm/shared-grpc';
import { FeedControlsService } from './feed-controls.service';
import { RecommendationService } from './recommendation.service';
import { RecommenderController } from './recommender.controller';
import { StoryBriefService } from './story-brief.service';
import { DigestComposer } from './push/digest-composer';
import { defaultConfig } from '@autoglm/shared-config';

interface StorageCall {
  method: string;
  request: object;
  context: CallContext | undefined;
}

/** Storage with no articles and no events that records who each per-user call acted for. */
function recordingStorage(calls: StorageCall[]): StorageClient {
  return {
    listUserEvents: async (request: object, context?: CallContext) => (calls.push({ method: 'listUserEvents', request, context }), { events: [] }),
    recordEvent: async (request: object, context?: CallContext) => (calls.push({ method: 'recordEvent', request, context }), { eventId: 'e1' }),
    listArticles: async () => ({ articles: [], nextCursor: '' }),
    getEmbeddings: async () => ({ embeddings: [] }),
    getArticleRefs: async () => ({ articles: [] }),
    getArticleStories: async () => ({ stories: [] }),
    nearestArticles: async () => ({ articles: [] }),
    similarArticles: async () => ({ articles: [] }),
    getFeedControls: async (request: object, context?: CallContext) => (calls.push({ method: 'getFeedControls', request, context }), { controls: undefined }),
    listDigestHits: async (request: object, context?: CallContext) => (
      calls.push({ method: 'listDigestHits', request, context }),
      { articles: [{ id: 'a9', sourceId: 's1', url: 'javascript:alert(1)', title: '<b>Rates</b> cut', language: 'en', topic: 'business', summary: 'The bank cut rates.' }] }
    ),
  } as unknown as StorageClient;
}

function actorMetadata(actor: string): Metadata {
  const metadata = new Metadata();
  metadata.set(ACTOR_METADATA, actor);
  return metadata;
}

describe(RecommenderController.name, () => {
  let calls: StorageCall[];
  let sut: RecommenderController;

  beforeEach(() => {
    calls = [];
    const storage = recordingStorage(calls);
    const clock = { now: () => new Date('2026-12-01T00:00:00Z') };
    const recommendations = new RecommendationService(storage, clock);
    const briefs = new StoryBriefService(storage, {} as AnalysisClient);
    sut = new RecommenderController(recommendations, new FeedControlsService(storage), new DigestComposer(storage, defaultConfig(), recommendations), briefs, clock);
  });

  it("acts for the incoming call's actor and passes it on to storage as the actor", async () => {
    await sut.getRecommendations({ limit: 3 }, actorMetadata('user-1'));
    await sut.recordEvent({ articleId: 'a1', type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0 }, actorMetadata('user-2'));

    expect(calls.map((c) => [c.method, c.context])).toEqual([
      ['listUserEvents', { actor: 'user-1' }],
      ['getFeedControls', { actor: 'user-1' }],
      ['recordEvent', { actor: 'user-2' }],
    ]);
    expect(calls[2].request).toEqual({ articleId: 'a1', type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0, occurredAt: undefined });
  });

  it('answers UNAUTHENTICATED to a call that names no actor, whatever its request holds', async () => {
    // An old client's user_id would arrive as an unknown property: it must not be read.
    const forged = { limit: 3, userId: 'user-1' } as { limit: number };
    await expect(sut.getRecommendations(forged)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    await expect(
      sut.recordEvent({ articleId: 'a1', type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0, userId: 'user-1' } as never, new Metadata()),
    ).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(calls).toEqual([]);
  });

  it("composes the actor's digest: rule hits first, escaped HTML, no script links", async () => {
    const digest = await sut.getDigest({ period: 'daily' }, actorMetadata('user-3'));

    expect(calls.find((c) => c.method === 'listDigestHits')?.context).toEqual({ actor: 'user-3' });
    expect(digest.items.map((i) => i.article?.id)).toEqual(['a9']);
    expect(digest.html).toContain('&lt;b&gt;Rates&lt;/b&gt; cut');
    expect(digest.html).not.toContain('javascript:');
    expect(digest.text).toContain('The bank cut rates.');
  });

  it('refuses a digest for an unknown period or without an actor', async () => {
    await expect(sut.getDigest({ period: 'weekly' }, actorMetadata('user-3'))).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(sut.getDigest({ period: 'daily' }, new Metadata())).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  });
});
