import type { analysis, storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { toTimestamp, type AnalysisClient, type CallContext, type StorageClient } from '@autoglm/shared-grpc';
import { StoryBriefService } from './story-brief.service';

const READ_AT = new Date('2026-12-01T10:00:00Z');
const at = (hours: number) => toTimestamp(new Date(READ_AT.getTime() + hours * 3_600_000));

function entry(id: string, publishedHours: number, read: boolean): storage.StoryReadingArticle {
  return {
    article: { id, sourceId: 's', url: `https://example.org/${id}`, title: `Title ${id}`, language: id.startsWith('zh') ? 'zh' : 'en', topic: '', summary: '', publishedAt: at(publishedHours) },
    text: `Text of ${id}.`,
    read,
  };
}

interface Calls {
  reading: Array<{ request: storage.GetStoryReadingRequest; context?: CallContext }>;
  brief: analysis.BriefSentencesRequest[];
}

function fakes(articles: storage.StoryReadingArticle[], lastReadAt: Date | undefined, calls: Calls) {
  const storageClient = {
    getStoryReading: async (request: storage.GetStoryReadingRequest, context?: CallContext) => {
      calls.reading.push({ request, context });
      return { storyId: request.storyId, title: 'The story', articles, lastReadAt: lastReadAt ? toTimestamp(lastReadAt) : undefined };
    },
  } as unknown as StorageClient;
  const analysisClient = {
    // Every new document's one sentence, in reverse order of the request (analysis ranks; the service keeps its order).
    briefSentences: async (request: analysis.BriefSentencesRequest) => {
      calls.brief.push(request);
      const fresh = request.documents.filter((d) => !d.read).reverse();
      return { sentences: fresh.slice(0, request.limit).map((d, i) => ({ documentId: d.id, text: d.text, score: 1 - i / 10, novelty: 1 })) };
    },
  } as unknown as AnalysisClient;
  return new StoryBriefService(storageClient, analysisClient);
}

describe(StoryBriefService.name, () => {
  let calls: Calls;
  beforeEach(() => {
    calls = { reading: [], brief: [] };
  });

  it("briefs the articles published after the user's last read against what they read, each sentence citing its article", async () => {
    const sut = fakes([entry('old-read', -5, true), entry('old-unread', -3, false), entry('new-1', 1, false), entry('zh-new', 2, false), entry('new-read', 3, true)], READ_AT, calls);

    const brief = await sut.brief('alice', 'story-1', 3);

    expect(calls.reading).toEqual([{ request: { storyId: 'story-1', maxArticles: 50 }, context: { actor: 'alice' } }]);
    expect(calls.brief[0].limit).toBe(3);
    expect(calls.brief[0].documents.map((d) => [d.id, d.read, d.language])).toEqual([
      ['new-1', false, 'en'],
      ['zh-new', false, 'zh'],
      ['old-read', true, 'en'],
      ['new-read', true, 'en'],
    ]);
    expect(brief).toMatchObject({ storyId: 'story-1', title: 'The story', since: READ_AT, newArticles: 2 });
    expect(brief.sentences).toEqual([
      { text: 'Text of zh-new.', score: 1, article: entry('zh-new', 2, false).article },
      { text: 'Text of new-1.', score: 0.9, article: entry('new-1', 1, false).article },
    ]);
  });

  it('never read: the whole story is new', async () => {
    const brief = await fakes([entry('a', -5, false), entry('b', -1, false)], undefined, calls).brief('alice', 'story-1', 0);
    expect(brief.since).toBeUndefined();
    expect(brief.newArticles).toBe(2);
    expect(calls.brief[0].limit).toBe(5);
  });

  it('nothing new since the read: an empty brief without asking analysis', async () => {
    const brief = await fakes([entry('a', -5, true), entry('b', -1, false)], READ_AT, calls).brief('alice', 'story-1', 5);
    expect(brief).toMatchObject({ newArticles: 0, sentences: [] });
    expect(calls.brief).toEqual([]);
  });

  it('refuses a bad limit or a call without an actor before reading anything', async () => {
    const sut = fakes([], undefined, calls);
    for (const limit of [-1, 21, 2.5, Number.NaN]) {
      await expect(sut.brief('alice', 'story-1', limit)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    }
    await expect(sut.brief('', 'story-1', 3)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(calls.reading).toEqual([]);
  });
});
