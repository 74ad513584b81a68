import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { EventType, SourceKind, SourceStatus, type storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import { createGrpcClient, fromTimestamp, type RunningService, type StorageClient } from '@autoglm/shared-grpc';
import {
  InProcessQueueFactory,
  QUEUE_NAMES,
  type AnalyzeJob,
  type EnqueueOptions,
  type JobHandler,
  type JobQueue,
  type QueueFactory,
  type QueueName,
  type QueuedJob,
} from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { STORAGE_MIGRATIONS } from './migrations';
import type { Clock } from './shared/clock';
import { startStorageService } from './start-storage-service';
import {
  createTestDatabase,
  rejection,
  TEST_BACKENDS,
  testAnalysis,
  testFeedItem,
  type TestBackend,
  type TestDatabase,
} from './testing/storage-harness';

/** The conditional-GET, adaptive-interval and Retry-After fields of RecordFetchResult, at their zero values. */
const CHECK_DEFAULTS = { notModified: false, newItems: 0, publishGapSeconds: 0, etag: '', lastModified: '', retryAfterSeconds: 0 };

/** Which kNN path storage logs that it uses on each backend. */
const KNN_PATH: Record<TestBackend, RegExp> = { PGlite: /kNN search: pgvector/, PostgreSQL: /kNN search: exact cosine/ };

/** The in-process queue, recording every enqueue with its job id. */
class RecordingQueueFactory implements QueueFactory {
  readonly added: Array<{ data: AnalyzeJob; jobId: string | undefined }> = [];
  private readonly inner = new InProcessQueueFactory();

  get<T>(name: QueueName): JobQueue<T> {
    const queue = this.inner.get<T>(name);
    const added = this.added;
    return {
      name,
      add: async (data: T, options?: EnqueueOptions) => {
        if (name === QUEUE_NAMES.analyze) added.push({ data: data as AnalyzeJob, jobId: options?.jobId });
        await queue.add(data, options);
      },
      addMany: async (jobs: ReadonlyArray<{ data: T; options?: EnqueueOptions }>) => {
        if (name === QUEUE_NAMES.analyze) added.push(...jobs.map(({ data, options }) => ({ data: data as AnalyzeJob, jobId: options?.jobId })));
        await queue.addMany(jobs);
      },
      process: (handler: JobHandler<T>, options?: { concurrency?: number }) => queue.process(handler, options),
      depth: () => queue.depth(),
      stopConsuming: (deadline: number) => queue.stopConsuming(deadline),
      takeUnfinished: () => queue.takeUnfinished(),
      ensure: (jobs: Array<QueuedJob<T>>) => queue.ensure(jobs),
      close: () => queue.close(),
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    // Whole milliseconds, like every timestamp that crosses the wire.
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const feedItem = testFeedItem;

function analysis(articleId: string, overrides: Partial<storage.SaveAnalysisRequest> = {}): storage.SaveAnalysisRequest {
  return testAnalysis(articleId, { keywords: ['alpha', 'beta'], simhash: 'a1b2c3d4e5f60718', ...overrides });
}

const at = (iso: string) => {
  const ms = Date.parse(iso);
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
};

// One in-process queue registry per test file: both backends publish to it, one consumer reads it.
const queues = new RecordingQueueFactory();
const consumed: string[] = [];
queues.get<AnalyzeJob>(QUEUE_NAMES.analyze).process(async (job) => void consumed.push(job.articleId));
afterAll(() => queues.close());

describe.each(TEST_BACKENDS)('StorageService on %s', (backendName) => {
  let backend: TestDatabase;
  const clock = new TestClock();
  let config: AppConfig;
  let service: RunningService | undefined;
  let handle: ReturnType<typeof createGrpcClient<storage.StorageServiceClient>>;
  let sut: StorageClient;
  let logged: string[];

  const sourceCounter = { n: 0 };
  const createSource = async (overrides: Partial<storage.CreateSourceRequest> = {}) => {
    const response = await sut.createSource({
      url: `https://feeds.example.org/${++sourceCounter.n}/${randomUUID()}.xml`,
      title: '',
      kind: SourceKind.SOURCE_KIND_UNSPECIFIED,
      intervalSeconds: 0,
      origin: '',
      ifMissing: false,
      category: '',
      fullText: false,
      ...overrides,
    });
    return response.source!;
  };

  beforeAll(async () => {
    const logSpy = jest.spyOn(Logger.prototype, 'log');
    const base = defaultConfig();
    config = {
      ...base,
      database: (backend = await createTestDatabase(backendName)).config,
      grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` },
      scheduler: { ...base.scheduler, defaultIntervalSeconds: 600 },
    };
    service = await startStorageService(config, { clock, queueFactory: queues });
    logged = logSpy.mock.calls.map((call) => String(call[0]));
    logSpy.mockRestore();
    handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 20_000 });
    sut = handle.client;
  });

  afterAll(async () => {
    handle?.close();
    await service?.close();
    await backend?.dispose();
  });

  describe('migrations', () => {
    it('builds the schema from zero and reports which kNN path it uses', async () => {
      expect(logged.some((line) => KNN_PATH[backendName].test(line))).toBe(true);
      expect(await sut.listSources({})).toEqual({ sources: [] });
    });

    if (backendName === 'PostgreSQL') {
      it('records the migration and adds no vector column without pgvector', async () => {
        const migrations = await backend.sql(`SELECT name FROM migrations ORDER BY id`);
        const vec = await backend.sql(
          `SELECT 1 FROM information_schema.columns WHERE table_name = 'article_embeddings' AND column_name = 'vec'`,
        );

        expect(migrations.map((m) => m['name'])).toEqual(STORAGE_MIGRATIONS.map((migration) => new migration().name));
        expect(vec).toHaveLength(0);
      });
    }
  });

  describe('sources', () => {
    it('creates an active feed source, due now, with the configured default interval', async () => {
      const source = await createSource({ url: 'https://Example.ORG/feed.xml', title: ' Example ' });

      expect(source).toMatchObject({
        url: 'https://example.org/feed.xml',
        title: 'Example',
        kind: SourceKind.SOURCE_KIND_FEED,
        status: SourceStatus.SOURCE_STATUS_ACTIVE,
        intervalSeconds: 600,
        consecutiveFailures: 0,
        lastError: '',
        lastFetchedAt: null,
        articleCount: '0',
        origin: 'api',
      });
      expect(Math.abs(fromTimestamp(source.nextCheckAt)!.getTime() - Date.now())).toBeLessThan(5_000);
      expect(await sut.getSource({ id: source.id })).toEqual({ source });
    });

    it('rejects a second source with the same URL unless if_missing is set', async () => {
      const first = await createSource({ intervalSeconds: 120, origin: 'config' });

      const error = await rejection(createSource({ url: first.url }));
      const again = await sut.createSource({ ...first, kind: 0, ifMissing: true, title: 'other', origin: 'config' });

      expect(error).toMatchObject({ code: ErrorCode.AlreadyExists, message: 'a source with this URL already exists' });
      expect(again.created).toBe(false);
      expect(again.source).toEqual(first);
    });

    it.each([
      ['a relative URL', '/feed.xml'],
      ['an ftp URL', 'ftp://example.org/feed.xml'],
      ['a javascript URL', 'javascript:alert(1)'],
      ['an empty URL', ''],
    ])('rejects %s with INVALID_ARGUMENT', async (_label, url) => {
      const error = await rejection(createSource({ url }));

      expect(error.code).toBe(ErrorCode.InvalidArgument);
      expect(error.message).toMatch(/url/);
    });

    it('rejects a negative interval and an unknown origin', async () => {
      expect((await rejection(createSource({ intervalSeconds: -5 }))).code).toBe(ErrorCode.InvalidArgument);
      expect((await rejection(createSource({ origin: 'ftp' }))).code).toBe(ErrorCode.InvalidArgument);
    });

    it.each([['an unknown id', randomUUID()], ['a malformed id', 'not-a-uuid']])(
      'answers NOT_FOUND for %s',
      async (_label, id) => {
        const error = await rejection(sut.getSource({ id }));

        expect(error).toMatchObject({ code: ErrorCode.NotFound, message: `source ${id} not found` });
      },
    );

    it('lists sources with their article counts', async () => {
      const source = await createSource();
      await sut.upsertArticles({ sourceId: source.id, items: [feedItem('c1'), feedItem('c2'), feedItem('c3')] });

      const { sources } = await sut.listSources({});

      expect(sources.find((s) => s.id === source.id)?.articleCount).toBe('3');
    });
  });

  describe('fetch results', () => {
    it('backs off exponentially on errors and recovers on success', async () => {
      const source = await createSource({ intervalSeconds: 1000 });
      const before = Date.now();

      const first = (await sut.recordFetchResult({ ...CHECK_DEFAULTS, sourceId: source.id, ok: false, error: 'HTTP 503', feedTitle: '' })).source!;
      const second = (await sut.recordFetchResult({ ...CHECK_DEFAULTS, sourceId: source.id, ok: false, error: 'HTTP 504', feedTitle: '' })).source!;
      const wait = (s: typeof first) => fromTimestamp(s.nextCheckAt)!.getTime() - before;

      expect(first).toMatchObject({ status: SourceStatus.SOURCE_STATUS_ERROR, consecutiveFailures: 1, lastError: 'HTTP 503' });
      expect(wait(first)).toBeGreaterThanOrEqual(1000_000);
      expect(wait(first)).toBeLessThan(1005_000);
      expect(second).toMatchObject({ consecutiveFailures: 2, lastError: 'HTTP 504' });
      expect(wait(second)).toBeGreaterThanOrEqual(2000_000);
      expect(wait(second)).toBeLessThan(2005_000);

      const ok = (await sut.recordFetchResult({ ...CHECK_DEFAULTS, sourceId: source.id, ok: true, error: '', feedTitle: 'Feed title' })).source!;

      expect(ok).toMatchObject({ status: SourceStatus.SOURCE_STATUS_ACTIVE, consecutiveFailures: 0, lastError: '', title: 'Feed title' });
      expect(fromTimestamp(ok.lastFetchedAt)!.getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(wait(ok)).toBeGreaterThanOrEqual(1000_000);
      expect(wait(ok)).toBeLessThan(1005_000);
    });

    it('caps the backoff at six hours and keeps a title that was already set', async () => {
      const source = await createSource({ intervalSeconds: 7200, title: 'Mine' });
      const before = Date.now();
      let last = source;
      for (let i = 0; i < 4; i++) {
        last = (await sut.recordFetchResult({ ...CHECK_DEFAULTS, sourceId: source.id, ok: false, error: 'timeout', feedTitle: '' })).source!;
      }
      const ok = (await sut.recordFetchResult({ ...CHECK_DEFAULTS, sourceId: source.id, ok: true, error: '', feedTitle: 'Theirs' })).source!;

      expect(fromTimestamp(last.nextCheckAt)!.getTime() - before).toBeLessThan(6 * 3600_000 + 5_000);
      expect(fromTimestamp(last.nextCheckAt)!.getTime() - before).toBeGreaterThanOrEqual(6 * 3600_000);
      expect(ok.title).toBe('Mine');
    });

    it('answers NOT_FOUND for an unknown source', async () => {
      const error = await rejection(sut.recordFetchResult({ ...CHECK_DEFAULTS, sourceId: randomUUID(), ok: true, error: '', feedTitle: '' }));

      expect(error.code).toBe(ErrorCode.NotFound);
    });
  });

  describe('claiming due sources', () => {
    it('never hands the same source to two concurrent claimers', async () => {
      const mine = new Set<string>();
      for (let i = 0; i < 24; i++) mine.add((await createSource()).id);

      const claims: string[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          for (;;) {
            const { sources } = await sut.claimDueSources({ limit: 3, leaseSeconds: 120, sourceId: '' });
            if (sources.length === 0) return;
            claims.push(...sources.map((s) => s.id));
          }
        }),
      );

      const claimedMine = claims.filter((id) => mine.has(id));
      expect(claimedMine).toHaveLength(mine.size);
      expect(new Set(claims).size).toBe(claims.length);
    });

    it('leases claimed sources until the lease ends', async () => {
      const source = await createSource();
      const first = await sut.claimDueSources({ limit: 1000, leaseSeconds: 60, sourceId: '' });
      const leased = await sut.claimDueSources({ limit: 1000, leaseSeconds: 60, sourceId: '' });
      clock.advance(61);
      try {
        const after = await sut.claimDueSources({ limit: 1000, leaseSeconds: 60, sourceId: '' });

        expect(first.sources.map((s) => s.id)).toContain(source.id);
        expect(leased.sources.map((s) => s.id)).not.toContain(source.id);
        expect(after.sources.map((s) => s.id)).toContain(source.id);
      } finally {
        clock.advance(-61);
      }
    });

    it('claims one named source now regardless of its schedule', async () => {
      const source = await createSource();
      await sut.recordFetchResult({ ...CHECK_DEFAULTS, sourceId: source.id, ok: true, error: '', feedTitle: '' });

      const { sources } = await sut.claimDueSources({ limit: 0, leaseSeconds: 30, sourceId: source.id });

      expect(sources.map((s) => s.id)).toEqual([source.id]);
      expect((await rejection(sut.claimDueSources({ limit: 0, leaseSeconds: 30, sourceId: randomUUID() }))).code).toBe(
        ErrorCode.NotFound,
      );
    });

    it('rejects a negative limit', async () => {
      const error = await rejection(sut.claimDueSources({ limit: -1, leaseSeconds: 30, sourceId: '' }));

      expect(error.code).toBe(ErrorCode.InvalidArgument);
    });
  });

  describe('upserting articles', () => {
    it('is idempotent: the same items twice leave one row each, changed content updates', async () => {
      const source = await createSource();
      const items = [feedItem('b'), feedItem('a'), feedItem('c')];

      const first = await sut.upsertArticles({ sourceId: source.id, items });
      const second = await sut.upsertArticles({ sourceId: source.id, items });
      const third = await sut.upsertArticles({
        sourceId: source.id,
        items: [feedItem('a', { title: 'New title', contentHash: 'hash-a2' }), feedItem('d')],
      });

      expect(first).toMatchObject({ inserted: 3, updated: 0, unchanged: 0 });
      expect([...first.insertedIds].sort()).toEqual([...first.articleIds].sort());
      expect(second).toEqual({ inserted: 0, updated: 0, unchanged: 3, skipped: 0, articleIds: first.articleIds, insertedIds: [] });
      expect(third).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 });
      expect(third.insertedIds).toEqual([third.articleIds[1]]);
      expect(third.articleIds[0]).toBe(first.articleIds[1]);
      expect((await sut.getSource({ id: source.id })).source?.articleCount).toBe('4');
      const article = (await sut.getArticle({ id: first.articleIds[1] })).article!;
      expect(article).toMatchObject({ title: 'New title', sourceId: source.id, analyzed: false, sourceTitle: '' });
    });

    it('commits an outbox row with every written article and publishes it to the analyze queue', async () => {
      const source = await createSource();
      const { articleIds } = await sut.upsertArticles({ sourceId: source.id, items: [feedItem('o1'), feedItem('o2')] });
      await sut.upsertArticles({ sourceId: source.id, items: [feedItem('o1'), feedItem('o2', { contentHash: 'changed' })] });

      await eventually(() => queues.added.filter((j) => articleIds.includes(j.data.articleId)).length === 3);
      await eventually(() => consumed.filter((id) => articleIds.includes(id)).length === 3);

      const jobs = queues.added.filter((j) => articleIds.includes(j.data.articleId));
      expect(jobs.filter((j) => j.data.articleId === articleIds[0])).toHaveLength(1);
      expect(jobs.filter((j) => j.data.articleId === articleIds[1])).toHaveLength(2);
      for (const job of jobs) expect(job.jobId).toMatch(new RegExp(`^analyze:${job.data.articleId}:\\d+$`));
      expect(new Set(jobs.map((j) => j.jobId)).size).toBe(3);
    });

    it('keeps exactly one row when 50 identical upserts race', async () => {
      const source = await createSource();

      const results = await Promise.all(
        Array.from({ length: 50 }, () => sut.upsertArticles({ sourceId: source.id, items: [feedItem('race')] })),
      );

      expect(results.filter((r) => r.inserted === 1)).toHaveLength(1);
      expect(results.filter((r) => r.unchanged === 1)).toHaveLength(49);
      expect(new Set(results.map((r) => r.articleIds[0])).size).toBe(1);
      const { articles } = await sut.listArticles({ limit: 100, cursor: '', sourceId: source.id, topic: '', language: '', withoutContent: false });
      expect(articles).toHaveLength(1);
      await eventually(() => queues.added.some((j) => j.data.articleId === results[0].articleIds[0]));
      await new Promise((r) => setTimeout(r, 300));
      expect(queues.added.filter((j) => j.data.articleId === results[0].articleIds[0])).toHaveLength(1);
    });

    it('answers NOT_FOUND for an unknown or malformed source', async () => {
      for (const sourceId of [randomUUID(), 'nope']) {
        const error = await rejection(sut.upsertArticles({ sourceId, items: [feedItem('x')] }));
        expect(error).toMatchObject({ code: ErrorCode.NotFound, message: `source ${sourceId} not found` });
      }
    });

    it('rejects an item without item_key or without both title and text, writing nothing', async () => {
      const source = await createSource();

      const noKey = await rejection(sut.upsertArticles({ sourceId: source.id, items: [feedItem('ok'), feedItem('')] }));
      const noContent = await rejection(
        sut.upsertArticles({ sourceId: source.id, items: [feedItem('empty', { title: '', text: '' })] }),
      );

      expect(noKey).toMatchObject({ code: ErrorCode.InvalidArgument, message: 'items[1]: item_key is required' });
      expect(noContent).toMatchObject({ code: ErrorCode.InvalidArgument, message: 'items[0]: an item needs a title or a text' });
      expect((await sut.getSource({ id: source.id })).source?.articleCount).toBe('0');
    });
  });

  describe('reading articles', () => {
    it('pages newest first with an opaque cursor and filters on the newest analysis', async () => {
      const source = await createSource();
      const items = Array.from({ length: 23 }, (_, i) =>
        feedItem(`p${i}`, { publishedAt: i < 20 ? at(`2026-01-01T00:00:${String(i).padStart(2, '0')}.500Z`) : undefined }),
      );
      const { articleIds } = await sut.upsertArticles({ sourceId: source.id, items });
      const query = { limit: 10, cursor: '', sourceId: source.id, topic: '', language: '', withoutContent: false };

      const seen: storage.Article[] = [];
      let cursor = '';
      let pages = 0;
      do {
        const page = await sut.listArticles({ ...query, cursor });
        seen.push(...page.articles);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);

      expect(pages).toBe(3);
      expect(new Set(seen.map((a) => a.id)).size).toBe(23);
      // The three undated items sort by their fetch time (now), ahead of the 2026-01-01 ones.
      expect(seen.slice(3).map((a) => a.title)).toEqual(Array.from({ length: 20 }, (_, i) => `Title p${19 - i}`));
      const keys = seen.map((a) => fromTimestamp(a.publishedAt ?? a.fetchedAt)!.getTime());
      expect([...keys].sort((a, b) => b - a)).toEqual(keys);

      await sut.saveAnalysis(analysis(articleIds[4], { topic: 'sport', language: 'de' }));
      await sut.saveAnalysis(analysis(articleIds[5], { topic: 'sport', language: 'en' }));
      const sport = await sut.listArticles({ ...query, topic: 'sport' });
      const german = await sut.listArticles({ ...query, topic: 'sport', language: 'de' });
      expect(sport.articles.map((a) => a.id)).toEqual([articleIds[5], articleIds[4]]);
      expect(german.articles.map((a) => a.id)).toEqual([articleIds[4]]);
    });

    it('leaves text and contentHtml out of a page asked for without content, and nothing else', async () => {
      const source = await createSource();
      await sut.upsertArticles({ sourceId: source.id, items: [feedItem('c1'), feedItem('c2')] });
      const query = { limit: 10, cursor: '', sourceId: source.id, topic: '', language: '' };

      const full = await sut.listArticles({ ...query, withoutContent: false });
      const compact = await sut.listArticles({ ...query, withoutContent: true });

      expect(full.articles.every((a) => a.text && a.contentHtml)).toBe(true);
      expect(compact.articles).toEqual(full.articles.map((a) => ({ ...a, text: '', contentHtml: '' })));
      expect(compact.nextCursor).toBe(full.nextCursor);
    });

    it.each([
      ['a cursor that is not base64url JSON', 'bm90LWpzb24'],
      ['a tampered cursor', Buffer.from('{"k":"x","i":"y"}').toString('base64url')],
    ])('rejects %s with "invalid cursor"', async (_label, cursor) => {
      const error = await rejection(sut.listArticles({ limit: 10, cursor, sourceId: '', topic: '', language: '', withoutContent: false }));

      expect(error).toMatchObject({ code: ErrorCode.InvalidArgument, message: 'invalid cursor' });
    });

    it.each([101, -1])('rejects limit %p', async (limit) => {
      const error = await rejection(sut.listArticles({ limit, cursor: '', sourceId: '', topic: '', language: '', withoutContent: false }));

      expect(error.code).toBe(ErrorCode.InvalidArgument);
    });

    it('joins the source title and the newest analysis', async () => {
      const source = await createSource({ title: 'The Source' });
      const [id] = (await sut.upsertArticles({ sourceId: source.id, items: [feedItem('g1')] })).articleIds;

      const before = (await sut.getArticle({ id })).article!;
      await sut.saveAnalysis(analysis(id, { modelVersion: 'm@1', topic: 'old' }));
      clock.advance(1);
      await sut.saveAnalysis(analysis(id, { modelVersion: 'm@2', topic: 'new', keywords: ['k'] }));
      clock.advance(-1);
      const after = (await sut.getArticle({ id })).article!;

      expect(before).toMatchObject({ analyzed: false, modelVersion: '', topic: '', keywords: [], sourceTitle: 'The Source' });
      expect(after).toMatchObject({ analyzed: true, modelVersion: 'm@2', topic: 'new', keywords: ['k'], language: 'en' });
      expect(after.simhash).toBe('a1b2c3d4e5f60718');
    });

    it.each([['an unknown id', randomUUID()], ['a malformed id', '12']])('answers NOT_FOUND for %s', async (_label, id) => {
      const error = await rejection(sut.getArticle({ id }));

      expect(error).toMatchObject({ code: ErrorCode.NotFound, message: `article ${id} not found` });
    });
  });

  describe('analyses and embeddings', () => {
    it('is replay-safe and stores no embedding for an empty vector', async () => {
      const source = await createSource();
      const [withVector, withoutVector] = (
        await sut.upsertArticles({ sourceId: source.id, items: [feedItem('e1'), feedItem('e2')] })
      ).articleIds;

      const saved = await sut.saveAnalysis(analysis(withVector, { embedding: [0.5, 0.5, 0.5, 0.5] }));
      await sut.saveAnalysis(analysis(withVector, { embedding: [0.5, 0.5, 0.5, 0.5] }));
      await sut.saveAnalysis(analysis(withoutVector, { embedding: [] }));

      const { embeddings } = await sut.getEmbeddings({ articleIds: [withoutVector, withVector, 'junk'] });
      expect(saved).toEqual({ saved: true });
      expect(embeddings).toEqual([
        { articleId: withVector, modelVersion: 'test-model@1', vector: [0.5, 0.5, 0.5, 0.5], title: 'Title e1' },
      ]);
      expect((await sut.getArticle({ id: withoutVector })).article?.analyzed).toBe(true);
    });

    it('answers NOT_FOUND for an unknown article and INVALID_ARGUMENT without a model version', async () => {
      const source = await createSource();
      const [id] = (await sut.upsertArticles({ sourceId: source.id, items: [feedItem('e3')] })).articleIds;

      expect((await rejection(sut.saveAnalysis(analysis(randomUUID())))).code).toBe(ErrorCode.NotFound);
      expect((await rejection(sut.saveAnalysis(analysis(id, { modelVersion: ' ' })))).code).toBe(ErrorCode.InvalidArgument);
    });
    it('saves a batch in one call as single saves would, reporting the articles that are gone', async () => {
      const source = await createSource();
      const [first, second, third] = (
        await sut.upsertArticles({ sourceId: source.id, items: [feedItem('b1'), feedItem('b2'), feedItem('b3')] })
      ).articleIds;
      const gone = randomUUID();
      const batch = {
        analyses: [
          analysis(first, { embedding: [1, 0, 0, 0], simhash: '00000000000000ff', topic: 'first' }),
          analysis(gone, { embedding: [1, 0, 0, 0] }),
          // Same text fingerprint as the first: joins the story the first one started in this batch.
          analysis(second.toUpperCase(), { embedding: [0.99, 0.01, 0, 0], simhash: '00000000000000fe', keywords: [' k1 ', '', 'k2'] }),
          analysis(third, { embedding: [] }),
          analysis(first, { embedding: [0, 1, 0, 0], simhash: '00000000000000ff', topic: 'replayed' }),
        ],
      };

      const { missingArticleIds } = await sut.saveAnalyses(batch);
      await sut.saveAnalyses(batch);

      expect(missingArticleIds).toEqual([gone]);
      const { embeddings } = await sut.getEmbeddings({ articleIds: [first, second, third] });
      expect(embeddings.map((e) => [e.articleId, e.vector])).toEqual([
        [first, [0, 1, 0, 0]],
        [second, [expect.closeTo(0.99, 5), expect.closeTo(0.01, 5), 0, 0]],
      ]);
      const [one, two, three] = await Promise.all([first, second, third].map(async (id) => (await sut.getArticle({ id })).article));
      expect(one).toMatchObject({ topic: 'replayed', analyzed: true });
      expect(two).toMatchObject({ keywords: ['k1', 'k2'], analyzed: true, storyId: one?.storyId });
      expect(three).toMatchObject({ analyzed: true });
      expect(three?.storyId).not.toBe(one?.storyId);
    });

    it('answers the texts to analyse of the articles that exist, in request order', async () => {
      const source = await createSource();
      const [first, second] = (await sut.upsertArticles({ sourceId: source.id, items: [feedItem('t1'), feedItem('t2')] })).articleIds;

      const { inputs } = await sut.getAnalysisInputs({ articleIds: [second, 'junk', randomUUID(), first] });

      expect(inputs.map((i) => [i.articleId, i.title])).toEqual([
        [second, 'Title t2'],
        [first, 'Title t1'],
      ]);
      expect(inputs[0].text.length).toBeGreaterThan(0);
    });

    it('rejects batches over 100 items and a batch item without a model version, saving nothing', async () => {
      const source = await createSource();
      const [id] = (await sut.upsertArticles({ sourceId: source.id, items: [feedItem('b4')] })).articleIds;

      const tooMany = { analyses: Array.from({ length: 101 }, () => analysis(id)) };
      expect((await rejection(sut.saveAnalyses(tooMany))).code).toBe(ErrorCode.InvalidArgument);
      const bad = await rejection(sut.saveAnalyses({ analyses: [analysis(id), analysis(id, { modelVersion: '' })] }));
      expect(bad).toMatchObject({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('analysis 1') });
      expect((await rejection(sut.getAnalysisInputs({ articleIds: Array.from({ length: 101 }, () => id) }))).code).toBe(
        ErrorCode.InvalidArgument,
      );
      expect((await sut.getArticle({ id })).article?.analyzed).toBe(false);
    });
  });

  describe('kNN', () => {
    const model = 'knn-model@1';
    let ids: string[];

    beforeAll(async () => {
      const source = await createSource();
      ids = (
        await sut.upsertArticles({ sourceId: source.id, items: ['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => feedItem(k)) })
      ).articleIds;
      // Deliberately not normalised: the score must still be the cosine.
      const vectors = [
        [10, 0, 0],
        [3, 1, 0],
        [1, 1, 0],
        [0, 0.2, 0],
        [-1, 0, 0],
      ];
      for (let i = 0; i < vectors.length; i++) await sut.saveAnalysis(analysis(ids[i], { modelVersion: model, embedding: vectors[i] }));
    });

    it('returns the nearest articles by cosine similarity, best first', async () => {
      const { articles } = await sut.nearestArticles({ vector: [1, 0, 0], limit: 4, excludeIds: [], modelVersion: model });

      expect(articles.map((a) => a.article?.id)).toEqual([ids[0], ids[1], ids[2], ids[3]]);
      expect(articles[0].score).toBeCloseTo(1, 5);
      expect(articles[1].score).toBeCloseTo(3 / Math.sqrt(10), 5);
      expect(articles[2].score).toBeCloseTo(1 / Math.sqrt(2), 5);
      expect(articles[3].score).toBeCloseTo(0, 5);
      expect(articles[0].article).toMatchObject({ title: 'Title k0', topic: 'science', language: 'en', summary: 'A summary.' });
    });

    it('leaves out excluded articles', async () => {
      const { articles } = await sut.nearestArticles({ vector: [1, 0, 0], limit: 2, excludeIds: [ids[0], 'junk'], modelVersion: model });

      expect(articles.map((a) => a.article?.id)).toEqual([ids[1], ids[2]]);
    });

    it('finds articles similar to an article, excluding itself', async () => {
      const { articles } = await sut.similarArticles({ articleId: ids[1], limit: 3 });

      expect(articles.map((a) => a.article?.id)).toEqual([ids[0], ids[2], ids[3]]);
    });

    it('returns nothing for an article without an embedding and NOT_FOUND for an unknown one', async () => {
      const source = await createSource();
      const [bare] = (await sut.upsertArticles({ sourceId: source.id, items: [feedItem('bare')] })).articleIds;

      expect(await sut.similarArticles({ articleId: bare, limit: 3 })).toEqual({ articles: [] });
      expect((await rejection(sut.similarArticles({ articleId: randomUUID(), limit: 3 }))).code).toBe(ErrorCode.NotFound);
    });

    it('falls back to keyword overlap (jieba-segmented full text) for an article without an embedding', async () => {
      const source = await createSource();
      const { articleIds } = await sut.upsertArticles({
        sourceId: source.id,
        items: [
          feedItem('zh-football', { title: '国家队赢得足球比赛', text: '国家足球队在世界杯预选赛中战胜对手。' }),
          feedItem('zh-league', { title: '足球联赛开幕', text: '新赛季足球联赛今天开幕，球迷涌入球场观看世界杯冠军。' }),
          feedItem('zh-soup', { title: '冬季热汤', text: '营养专家建议多喝热汤。' }),
        ],
      });
      const [football, league] = articleIds;
      await sut.saveAnalysis(analysis(football, { language: 'zh', keywords: ['足球', '世界杯', '预选赛'], embedding: [] }));

      const { articles } = await sut.similarArticles({ articleId: football, limit: 5 });

      expect(articles.map((a) => a.article?.id)).toEqual([league]);
      expect(articles[0].score).toBeGreaterThan(0);
    });

    it('returns compact refs of existing articles in request order, skipping unknown ids', async () => {
      const source = await createSource();
      const { articleIds } = await sut.upsertArticles({ sourceId: source.id, items: [feedItem('ref-1'), feedItem('ref-2')] });
      await sut.saveAnalysis(analysis(articleIds[1], { topic: 'sports', language: 'en' }));

      const { articles } = await sut.getArticleRefs({ articleIds: [articleIds[1], randomUUID(), 'junk', articleIds[0]] });

      expect(articles.map((a) => [a.id, a.topic, a.sourceId])).toEqual([
        [articleIds[1], 'sports', source.id],
        [articleIds[0], '', source.id],
      ]);
    });

    it('rejects an empty query vector', async () => {
      const error = await rejection(sut.nearestArticles({ vector: [], limit: 3, excludeIds: [], modelVersion: '' }));

      expect(error).toMatchObject({ code: ErrorCode.InvalidArgument, message: 'vector must not be empty' });
    });
  });

  describe('reading events', () => {
    it('records events and lists them newest first', async () => {
      const source = await createSource();
      const [a, b] = (await sut.upsertArticles({ sourceId: source.id, items: [feedItem('r1'), feedItem('r2')] })).articleIds;
      const user = `user-${randomUUID()}`;

      const older = await sut.recordEvent({ articleId: a, type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0, occurredAt: at('2026-02-01T10:00:00Z') }, { actor: user });
      const newer = await sut.recordEvent({ articleId: b, type: EventType.EVENT_TYPE_DWELL, dwellSeconds: 42.5, occurredAt: undefined }, { actor: user });
      const { events } = await sut.listUserEvents({ limit: 10 }, { actor: user });

      expect(events.map((e) => e.id)).toEqual([newer.eventId, older.eventId]);
      expect(events[0]).toMatchObject({ userId: user, articleId: b, type: EventType.EVENT_TYPE_DWELL, dwellSeconds: 42.5 });
      expect(fromTimestamp(events[1].occurredAt)?.toISOString()).toBe('2026-02-01T10:00:00.000Z');
    });

    it('validates the event', async () => {
      const source = await createSource();
      const [a] = (await sut.upsertArticles({ sourceId: source.id, items: [feedItem('v1')] })).articleIds;
      const event = { articleId: a, type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0, occurredAt: undefined };
      const actor = { actor: 'u1' };

      // The user is the call's actor metadata: none is UNAUTHENTICATED, a malformed one INVALID_ARGUMENT.
      expect((await rejection(sut.recordEvent(event))).code).toBe(ErrorCode.Unauthenticated);
      expect((await rejection(sut.recordEvent(event, { actor: 'x'.repeat(129) }))).code).toBe(ErrorCode.InvalidArgument);
      expect((await rejection(sut.recordEvent({ ...event, type: EventType.EVENT_TYPE_UNSPECIFIED }, actor))).code).toBe(ErrorCode.InvalidArgument);
      expect((await rejection(sut.recordEvent({ ...event, dwellSeconds: -1 }, actor))).code).toBe(ErrorCode.InvalidArgument);
      expect((await rejection(sut.recordEvent({ ...event, articleId: randomUUID() }, actor))).code).toBe(ErrorCode.NotFound);
      expect((await rejection(sut.listUserEvents({ limit: 10 }))).code).toBe(ErrorCode.Unauthenticated);
    });
  });

  describe('restart', () => {
    it('re-publishes outbox rows that were never published', async () => {
      const source = await createSource();
      const [id] = (await sut.upsertArticles({ sourceId: source.id, items: [feedItem('lost')] })).articleIds;
      await eventually(() => queues.added.some((j) => j.data.articleId === id));
      await service!.close();
      service = undefined;

      const [row] = await backend.sql(
        `INSERT INTO outbox (topic, article_id) VALUES ('article.analyze', $1) RETURNING id::text AS id`,
        [id],
      );
      const vec = await backend.sql(
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'article_embeddings' AND column_name = 'vec'`,
      );
      service = await startStorageService(config, { clock, queueFactory: queues });

      expect(vec).toHaveLength(backendName === 'PGlite' ? 1 : 0);
      await eventually(() => queues.added.some((j) => j.jobId === `analyze:${id}:${String(row['id'])}`));
      expect((await sut.getArticle({ id })).article?.id).toBe(id);
    });
  });
});
