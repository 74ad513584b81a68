import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { SourceKind, storage, type Source } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { QUEUE_NAMES } from '@autoglm/shared-queue';
import type { Clock } from '../shared/clock';
import { rejection, startStorageHarness, TEST_BACKENDS, testFeedItem, type StorageHarness } from '../testing/storage-harness';
import { FULL_TEXT_RETRY_BASE_SECONDS, MAX_FULL_TEXT_ATTEMPTS } from './full-text-retry';

const { FullTextState } = storage;

class TestClock implements Clock {
  current = new Date('2026-12-01T08:00:00.000Z');

  now(): Date {
    return new Date(this.current);
  }

  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

describe.each(TEST_BACKENDS)('full text of teaser items on %s', (backend) => {
  let harness: StorageHarness;
  const clock = new TestClock();

  beforeAll(async () => {
    harness = await startStorageHarness(backend, clock);
  });

  afterAll(() => harness?.close());

  /** Each test works on its own source and claims everything due, so leftovers of one test never reach another. */
  async function fullTextSource(fullText = true): Promise<Source> {
    const { source } = await harness.sut.createSource({
      url: `https://teasers.example.org/${randomUUID()}.xml`,
      title: '',
      kind: SourceKind.SOURCE_KIND_FEED,
      intervalSeconds: 0,
      origin: 'api',
      ifMissing: false,
      category: '',
      fullText,
    });
    return source!;
  }

  async function claimOf(sourceId: string, limit = 200): Promise<storage.FullTextWork[]> {
    const { work } = await harness.sut.claimFullTextWork({ limit, leaseSeconds: 60 });
    return work.filter((w) => w.sourceId === sourceId);
  }

  const pending = async (sourceId: string) => (await harness.sut.getSource({ id: sourceId })).source?.fullTextPending;
  const article = async (id: string) => (await harness.sut.getArticle({ id })).article!;
  const analyzeJobs = () => harness.queues.get(QUEUE_NAMES.analyze).depth();

  async function waitForJobs(atLeast: number): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const depth = await analyzeJobs();
      if (depth >= atLeast) return depth;
      await new Promise((r) => setTimeout(r, 25));
    }
    return analyzeJobs();
  }

  function page(work: storage.FullTextWork, text = `The whole story of ${work.title}, much longer than its teaser.`): storage.RecordFullTextResultRequest {
    return {
      articleId: work.articleId,
      claim: work.claim,
      page: { url: work.url, contentHtml: `<p>${text}</p>`, text, author: '', contentHash: `page:${text}` },
      failure: '',
      retryable: false,
      retryAfterSeconds: 0,
    };
  }

  function failure(work: storage.FullTextWork, reason: string, retryable: boolean, retryAfterSeconds = 0): storage.RecordFullTextResultRequest {
    return { articleId: work.articleId, claim: work.claim, page: undefined, failure: reason, retryable, retryAfterSeconds };
  }

  it("records every new item of a full-text source as waiting for its page's text, and none of other sources", async () => {
    const source = await fullTextSource();
    const plain = await fullTextSource(false);
    const items = Array.from({ length: 60 }, (_, i) => testFeedItem(`t${i}`));

    await harness.sut.upsertArticles({ sourceId: source.id, items });
    await harness.sut.upsertArticles({ sourceId: plain.id, items });

    expect(await pending(source.id)).toBe('60');
    expect(await pending(plain.id)).toBe('0');
    const first = await claimOf(source.id, 20);
    expect(first).toHaveLength(20);
    for (const work of first) {
      const key = work.url.replace('https://example.org/', '');
      expect(work).toMatchObject({ title: `Title ${key}`, text: `Text of ${key}`, author: 'Ada', attempt: 1 });
    }
    // Claimed items are leased: the next round gets the others.
    const rest = await claimOf(source.id);
    expect(rest).toHaveLength(40);
    expect(new Set([...first, ...rest].map((w) => w.articleId)).size).toBe(60);
    expect(await claimOf(plain.id)).toEqual([]);
    // Still waiting while claimed: the count is what has no result yet.
    expect(await pending(source.id)).toBe('60');
  });

  it("stores a page's text on its article, re-analyses it once, and keeps it when the feed repeats the teaser", async () => {
    const source = await fullTextSource();
    const { articleIds } = await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('p1')] });
    await waitForJobs(0);
    const [work] = await claimOf(source.id);
    const jobsBefore = await waitForJobs(0);

    const recorded = await harness.sut.recordFullTextResult(page(work));
    const again = await harness.sut.recordFullTextResult(page(work));

    expect(recorded).toEqual({ applied: true, state: FullTextState.FULL_TEXT_STATE_DONE });
    expect(again).toEqual({ applied: false, state: FullTextState.FULL_TEXT_STATE_DONE });
    expect(await article(articleIds[0])).toMatchObject({
      text: 'The whole story of Title p1, much longer than its teaser.',
      fullTextState: FullTextState.FULL_TEXT_STATE_DONE,
      fullTextFailure: '',
    });
    expect(await waitForJobs(jobsBefore + 1)).toBe(jobsBefore + 1);
    expect(await pending(source.id)).toBe('0');

    const repeated = await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('p1')] });
    expect(repeated).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    expect((await article(articleIds[0])).text).toContain('The whole story');
    // Full-text search finds the page's words.
    const { hits } = await harness.sut.search({
      query: 'whole story',
      mode: storage.SearchMode.SEARCH_MODE_TEXT,
      limit: 5,
      cursor: '',
      sourceId: source.id,
      topic: '',
      language: '',
      publishedFrom: undefined,
      publishedTo: undefined,
      queryVector: [],
      modelVersion: '',
      readState: storage.ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED,
    });
    expect(hits.map((h) => h.article?.id)).toEqual([articleIds[0]]);
  });

  it('starts over when the feed changes the item, and drops a result for the old version', async () => {
    const source = await fullTextSource();
    const { articleIds } = await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('c1')] });
    const [old] = await claimOf(source.id);

    await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('c1', { text: 'A corrected teaser', contentHash: 'hash-c1-v2' })] });
    const stale = await harness.sut.recordFullTextResult(page(old));

    expect(stale).toEqual({ applied: false, state: FullTextState.FULL_TEXT_STATE_PENDING });
    expect((await article(articleIds[0])).text).toBe('A corrected teaser');
    const [fresh] = await claimOf(source.id);
    expect(fresh).toMatchObject({ articleId: articleIds[0], text: 'A corrected teaser', attempt: 1 });
    expect(fresh.claim).not.toBe(old.claim);
  });

  it('records why a page has no text when the failure cannot pass', async () => {
    const source = await fullTextSource();
    const { articleIds } = await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('f1')] });
    const [work] = await claimOf(source.id);

    const recorded = await harness.sut.recordFullTextResult(failure(work, 'the server answered HTTP 404', false));

    expect(recorded).toEqual({ applied: true, state: FullTextState.FULL_TEXT_STATE_FAILED });
    expect(await article(articleIds[0])).toMatchObject({
      text: 'Text of f1',
      fullTextState: FullTextState.FULL_TEXT_STATE_FAILED,
      fullTextFailure: 'the server answered HTTP 404',
    });
    expect(await pending(source.id)).toBe('0');
    clock.advanceSeconds(24 * 3600);
    expect(await claimOf(source.id)).toEqual([]);
  });

  it('retries a passing failure with backoff, then gives up after the last attempt', async () => {
    const source = await fullTextSource();
    const { articleIds } = await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('r1')] });

    for (let attempt = 1; attempt <= MAX_FULL_TEXT_ATTEMPTS; attempt++) {
      const [work] = await claimOf(source.id);
      expect(work).toMatchObject({ articleId: articleIds[0], attempt });
      const recorded = await harness.sut.recordFullTextResult(failure(work, `HTTP 503 (attempt ${attempt})`, true));
      if (attempt < MAX_FULL_TEXT_ATTEMPTS) {
        expect(recorded.state).toBe(FullTextState.FULL_TEXT_STATE_PENDING);
        const wait = FULL_TEXT_RETRY_BASE_SECONDS * 2 ** (attempt - 1);
        clock.advanceSeconds(wait - 1);
        expect(await claimOf(source.id)).toEqual([]);
        clock.advanceSeconds(1);
      } else {
        expect(recorded.state).toBe(FullTextState.FULL_TEXT_STATE_FAILED);
      }
    }
    expect(await article(articleIds[0])).toMatchObject({
      fullTextState: FullTextState.FULL_TEXT_STATE_FAILED,
      fullTextFailure: `HTTP 503 (attempt ${MAX_FULL_TEXT_ATTEMPTS})`,
    });
  });

  it('hands a claimed item out again when its lease ran out (a crawler stopped), and gives up on one that never reports', async () => {
    const source = await fullTextSource();
    const { articleIds } = await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('l1')] });

    for (let attempt = 1; attempt <= MAX_FULL_TEXT_ATTEMPTS; attempt++) {
      expect(await claimOf(source.id)).toMatchObject([{ articleId: articleIds[0], attempt }]);
      expect(await claimOf(source.id)).toEqual([]);
      clock.advanceSeconds(61);
    }

    expect(await claimOf(source.id)).toEqual([]);
    expect(await article(articleIds[0])).toMatchObject({
      fullTextState: FullTextState.FULL_TEXT_STATE_FAILED,
      fullTextFailure: `no result after ${MAX_FULL_TEXT_ATTEMPTS} attempts`,
    });
  });

  it('forgets the work of a deleted article', async () => {
    const source = await fullTextSource();
    const { articleIds } = await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('d1'), testFeedItem('d2')] });

    await harness.sut.deleteArticle({ articleId: articleIds[0] });

    expect(await pending(source.id)).toBe('1');
    expect((await claimOf(source.id)).map((w) => w.articleId)).toEqual([articleIds[1]]);
  });

  it.each([
    ['a limit over the maximum', () => harness.sut.claimFullTextWork({ limit: 500, leaseSeconds: 0 })],
    ['a negative lease', () => harness.sut.claimFullTextWork({ limit: 1, leaseSeconds: -1 })],
    ['a result without its claim', () => harness.sut.recordFullTextResult({ articleId: randomUUID(), claim: '', page: undefined, failure: 'x', retryable: false, retryAfterSeconds: 0 })],
    ['a result with neither page nor failure', () => harness.sut.recordFullTextResult({ articleId: randomUUID(), claim: '1:x', page: undefined, failure: '', retryable: false, retryAfterSeconds: 0 })],
    [
      'a page without text',
      () =>
        harness.sut.recordFullTextResult({
          articleId: randomUUID(),
          claim: '1:x',
          page: { url: '', contentHtml: '', text: ' ', author: '', contentHash: 'h' },
          failure: '',
          retryable: false,
          retryAfterSeconds: 0,
        }),
    ],
  ])('rejects %s as INVALID_ARGUMENT', async (_name, call) => {
    expect(await rejection(call())).toMatchObject({ code: ErrorCode.InvalidArgument });
  });

  it('answers a result for an unknown article as not applied', async () => {
    const unknown = { claim: '1:x', page: undefined, failure: 'HTTP 404', retryable: false, retryAfterSeconds: 0 };

    expect(await harness.sut.recordFullTextResult({ articleId: randomUUID(), ...unknown })).toEqual({
      applied: false,
      state: FullTextState.FULL_TEXT_STATE_UNSPECIFIED,
    });
    expect(await harness.sut.recordFullTextResult({ articleId: 'not-a-uuid', ...unknown })).toMatchObject({ applied: false });
  });
});
