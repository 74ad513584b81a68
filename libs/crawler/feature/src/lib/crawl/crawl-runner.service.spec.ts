import { status } from '@grpc/grpc-js';
import type { Source, storage } from '@autoglm/contracts';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, type StorageClient } from '@autoglm/shared-grpc';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { FixtureServer, readFixture } from '../testing/fixture-server';
import { CrawlRunner, isMissingSource, MAX_FETCHES_PER_HOST } from './crawl-runner.service';
import { systemCrawlClock } from './crawl-clock';
import type { FullTextRounds } from './full-text-rounds';
import { KeyedSemaphore } from './keyed-semaphore';
import { testSource } from '@autoglm/shared-testing';

type Call = { method: string; request: unknown };

/** A StorageClient that keeps sources in memory and records every call. */
class FakeStorage {
  readonly calls: Call[] = [];
  readonly sources = new Map<string, Source>();
  failing: string | null = null;

  addSource(id: string, url: string, overrides: Partial<Source> = {}): void {
    this.sources.set(id, testSource({ id, url, ...overrides }));
  }

  callsOf(method: string): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request);
  }

  private record(method: string, request: unknown): void {
    this.calls.push({ method, request });
    if (this.failing === method) {
      throw new RemoteCallError(ErrorCode.Unavailable, 'service unavailable (StorageService)', status.UNAVAILABLE, method);
    }
  }

  async getSource(request: storage.GetSourceRequest): Promise<storage.GetSourceResponse> {
    this.record('getSource', request);
    const source = this.sources.get(request.id);
    if (!source) throw new RemoteCallError(ErrorCode.NotFound, `source ${request.id} not found`, status.NOT_FOUND, 'getSource');
    return { source };
  }

  async upsertArticles(request: storage.UpsertArticlesRequest): Promise<storage.UpsertArticlesResponse> {
    this.record('upsertArticles', request);
    return { inserted: request.items.length - 1, updated: 1, unchanged: 0, skipped: 0, articleIds: request.items.map((_, i) => `a${i}`), insertedIds: [] };
  }

  async recordFetchResult(request: storage.RecordFetchResultRequest): Promise<storage.RecordFetchResultResponse> {
    this.record('recordFetchResult', request);
    const source = this.sources.get(request.sourceId);
    // Like storage: the validators of a full successful response are kept for the next fetch.
    if (source && request.ok && !request.notModified) {
      this.sources.set(request.sourceId, { ...source, etag: request.etag, lastModified: request.lastModified });
    }
    return { source: this.sources.get(request.sourceId) };
  }
}

/** The RecordFetchResult request of a successful check of s1, with overrides. */
function success(overrides: Partial<storage.RecordFetchResultRequest> = {}): storage.RecordFetchResultRequest {
  return {
    sourceId: 's1',
    ok: true,
    error: '',
    feedTitle: '',
    notModified: false,
    newItems: 0,
    publishGapSeconds: 0,
    etag: '',
    lastModified: '',
    retryAfterSeconds: 0,
    ...overrides,
  };
}

function manyItemsFeed(count: number): string {
  const items = Array.from(
    { length: count },
    (_, i) => `<item><title>Item ${i}</title><link>/items/${i}</link><guid isPermaLink="false">id-${i}</guid></item>`,
  ).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>${items}</channel></rss>`;
}

describe(CrawlRunner.name, () => {
  const server = new FixtureServer();
  let fetcher: GuardedFetcher;
  let storage: FakeStorage;
  let sut: CrawlRunner;

  beforeAll(async () => {
    await server.start();
    fetcher = new GuardedFetcher({ timeoutMs: 1_000, maxBytes: 1024 * 1024, maxRedirects: 2, userAgent: 'test', allowHosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    storage = new FakeStorage();
    sut = new CrawlRunner(storage as unknown as StorageClient, fetcher);
  });

  it('fetches, parses, upserts the items and records success with the feed title', async () => {
    server.serve('/rss', readFixture('rss2.xml'), 'application/rss+xml');
    storage.addSource('s1', server.url('/rss'));

    const outcome = await sut.crawl('s1');

    expect(outcome).toEqual({ ok: true, error: '', itemsFound: 3, inserted: 2, updated: 1, notModified: false });
    const [upsert] = storage.callsOf('upsertArticles') as storage.UpsertArticlesRequest[];
    expect(upsert.sourceId).toBe('s1');
    expect(upsert.items.map((i) => i.title)).toEqual(['Scaling feeds: A & B part 1', 'Second post', 'No identity but a link']);
    // Relative links resolve against the URL the feed was served from.
    expect(upsert.items[0].url.startsWith(server.url('/posts/scaling-feeds'))).toBe(true);
    expect(storage.callsOf('recordFetchResult')).toEqual([
      success({ feedTitle: 'Example Engineering & Research', newItems: 2, publishGapSeconds: expect.any(Number) }),
    ]);
    expect(storage.calls.map((c) => c.method)).toEqual(['getSource', 'upsertArticles', 'recordFetchResult']);
  });

  /** Crawls `count` sources of one slow host at once; the most feed requests that host saw in flight. */
  async function peakOfSlowHost(runner: CrawlRunner, count: number): Promise<number> {
    let inFlight = 0;
    let peak = 0;
    server.route('/slow', (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(manyItemsFeed(1));
      }, 30);
    });
    for (let i = 0; i < count; i++) storage.addSource(`s${i}`, `${server.url('/slow')}?n=${i}`);
    const outcomes = await Promise.all(Array.from({ length: count }, (_, i) => runner.crawl(`s${i}`)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    return peak;
  }

  it(`fetches at most ${MAX_FETCHES_PER_HOST} feeds of one host at a time`, async () => {
    expect(await peakOfSlowHost(sut, 6)).toBe(MAX_FETCHES_PER_HOST);
  });

  it('uses the Content-Location header as the base of relative links', async () => {
    const feed = '<rss version="2.0"><channel><title>t</title><item><title>a</title><link>items/1</link></item></channel></rss>';
    server.serve('/feed', feed, 'application/rss+xml', { 'content-location': '/elsewhere/feed.xml' });
    storage.addSource('s1', server.url('/feed'));

    await sut.crawl('s1');

    const [upsert] = storage.callsOf('upsertArticles') as storage.UpsertArticlesRequest[];
    expect(upsert.items[0].url).toBe(server.url('/elsewhere/items/1'));
  });

  it('resolves links against the final URL after a redirect', async () => {
    server.redirect('/old', '/new/feed.json');
    server.serve('/new/feed.json', readFixture('json-feed.json'), 'application/feed+json');
    storage.addSource('s1', server.url('/old'));

    await sut.crawl('s1');

    const [upsert] = storage.callsOf('upsertArticles') as storage.UpsertArticlesRequest[];
    expect(upsert.items[0].url).toBe(server.url('/new/posts/hello-json'));
  });

  it("starts a full-text round once a full-text source's items are stored, and none for other sources", async () => {
    server.serve('/many', manyItemsFeed(60), 'application/rss+xml');
    storage.addSource('s1', server.url('/many'), { fullText: true });
    storage.addSource('s2', `${server.url('/many')}?plain`);
    const rounds = { kick: jest.fn(async () => undefined) };
    const withRounds = new CrawlRunner(storage as unknown as StorageClient, fetcher, systemCrawlClock, rounds as unknown as FullTextRounds);

    await withRounds.crawl('s2');
    expect(rounds.kick).not.toHaveBeenCalled();
    await withRounds.crawl('s1');

    expect(rounds.kick).toHaveBeenCalledTimes(1);
    // The crawl itself reads no page: every item goes to storage as the feed gave it.
    const upserts = storage.callsOf('upsertArticles') as storage.UpsertArticlesRequest[];
    expect(upserts.flatMap((u) => u.items)).toHaveLength(120);
    expect(server.requests.map((r) => r.path).filter((path) => path.startsWith('/items/'))).toEqual([]);
  });

  it('fetches within the per-host limit it is given (shared with the full-text rounds)', async () => {
    const limited = new CrawlRunner(storage as unknown as StorageClient, fetcher, systemCrawlClock, undefined, undefined, undefined, new KeyedSemaphore(1));

    expect(await peakOfSlowHost(limited, 4)).toBe(1);
  });

  it('upserts in chunks of 100 items', async () => {
    server.serve('/many', manyItemsFeed(250), 'application/rss+xml');
    storage.addSource('s1', server.url('/many'));

    const outcome = await sut.crawl('s1');

    const chunks = storage.callsOf('upsertArticles') as storage.UpsertArticlesRequest[];
    expect(chunks.map((c) => c.items.length)).toEqual([100, 100, 50]);
    expect(outcome).toMatchObject({ ok: true, itemsFound: 250, inserted: 247, updated: 3 });
  });

  it('records success without upserting for an empty feed', async () => {
    server.serve('/empty', '<rss version="2.0"><channel><title>Quiet</title></channel></rss>', 'application/rss+xml');
    storage.addSource('s1', server.url('/empty'));

    const outcome = await sut.crawl('s1');

    expect(outcome).toEqual({ ok: true, error: '', itemsFound: 0, inserted: 0, updated: 0, notModified: false });
    expect(storage.callsOf('upsertArticles')).toHaveLength(0);
    expect(storage.callsOf('recordFetchResult')).toEqual([success({ feedTitle: 'Quiet' })]);
  });

  it.each([
    ['an HTTP error', '/missing', 'HTTP 404 Not Found'],
    ['a page that is not a feed', '/page', 'is not an RSS, Atom, RDF or JSON feed (it is an HTML page)'],
  ])('records %s on the source and completes', async (_label, path, message) => {
    server.serve('/page', readFixture('not-a-feed.html'), 'text/html');
    storage.addSource('s1', server.url(path));

    const outcome = await sut.crawl('s1');

    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain(message);
    expect(storage.callsOf('upsertArticles')).toHaveLength(0);
    expect(storage.callsOf('recordFetchResult')).toEqual([success({ ok: false, error: outcome.error })]);
  });

  it('records a refused address', async () => {
    storage.addSource('s1', 'http://169.254.169.254/latest/meta-data/');

    const outcome = await sut.crawl('s1');

    expect(outcome.error).toBe('refusing to fetch 169.254.169.254: link-local address');
    expect(storage.callsOf('recordFetchResult')).toHaveLength(1);
  });

  it('throws when storage is unreachable while upserting, so the job is retried', async () => {
    server.serve('/rss', readFixture('rss2.xml'), 'application/rss+xml');
    storage.addSource('s1', server.url('/rss'));
    storage.failing = 'upsertArticles';

    await expect(sut.crawl('s1')).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(storage.callsOf('recordFetchResult')).toHaveLength(0);
  });

  it('throws when the failure cannot be recorded', async () => {
    storage.addSource('s1', server.url('/missing'));
    storage.failing = 'recordFetchResult';

    await expect(sut.crawl('s1')).rejects.toBeInstanceOf(RemoteCallError);
  });

  it('throws when storage cannot be reached for the source', async () => {
    storage.failing = 'getSource';

    await expect(sut.crawl('s1')).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('reports a source that does not exist as NOT_FOUND', async () => {
    const error = await sut.crawl('nope').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DomainError);
    expect(isMissingSource(error)).toBe(true);
    expect(storage.callsOf('recordFetchResult')).toHaveLength(0);
  });

  it('refuses an empty source id', async () => {
    await expect(sut.crawl(' ')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(storage.calls).toHaveLength(0);
  });

  describe('HTTP semantics', () => {
    const LAST_MODIFIED = 'Tue, 24 Nov 2026 08:00:00 GMT';

    /** A feed that honours conditional requests like a well-behaved server. */
    function conditionalFeed(path: string, state: { etag: string; body: string; lastModified?: string }): void {
      server.route(path, (req, res) => {
        const matchesEtag = state.etag && req.headers['if-none-match'] === state.etag;
        const notChangedSince = state.lastModified && req.headers['if-modified-since'] === state.lastModified;
        if (matchesEtag || (!state.etag && notChangedSince)) {
          res.writeHead(304, state.etag ? { etag: state.etag } : {}).end();
          return;
        }
        const headers: Record<string, string> = { 'content-type': 'application/rss+xml' };
        if (state.etag) headers['etag'] = state.etag;
        if (state.lastModified) headers['last-modified'] = state.lastModified;
        res.writeHead(200, headers).end(state.body);
      });
    }

    it('sends the stored ETag and records a 304 as a successful check without parsing or upserting', async () => {
      const state = { etag: '"v1"', body: manyItemsFeed(2), lastModified: LAST_MODIFIED };
      conditionalFeed('/cond', state);
      storage.addSource('s1', server.url('/cond'));

      const first = await sut.crawl('s1');
      const second = await sut.crawl('s1');

      expect(first).toMatchObject({ ok: true, itemsFound: 2, notModified: false });
      expect(server.requests[0]?.headers['if-none-match']).toBeUndefined();
      expect(server.requests[1]?.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': LAST_MODIFIED });
      expect(second).toEqual({ ok: true, error: '', itemsFound: 0, inserted: 0, updated: 0, notModified: true });
      expect(storage.callsOf('upsertArticles')).toHaveLength(1);
      expect(storage.callsOf('recordFetchResult')).toEqual([
        success({ feedTitle: 'Many', newItems: 1, etag: '"v1"', lastModified: LAST_MODIFIED }),
        success({ notModified: true }),
      ]);
    });

    it('fetches and stores the new version once the ETag changes', async () => {
      const state = { etag: '"v1"', body: manyItemsFeed(1) };
      conditionalFeed('/cond', state);
      storage.addSource('s1', server.url('/cond'));
      await sut.crawl('s1');

      state.etag = '"v2"';
      state.body = manyItemsFeed(3);
      const outcome = await sut.crawl('s1');

      expect(outcome).toMatchObject({ ok: true, itemsFound: 3, notModified: false });
      expect(storage.callsOf('recordFetchResult').at(-1)).toMatchObject({ etag: '"v2"', notModified: false });
    });

    it('uses If-Modified-Since alone when the server gives no ETag', async () => {
      conditionalFeed('/lm', { etag: '', body: manyItemsFeed(1), lastModified: LAST_MODIFIED });
      storage.addSource('s1', server.url('/lm'));

      await sut.crawl('s1');
      const outcome = await sut.crawl('s1');

      expect(server.requests[1]?.headers['if-modified-since']).toBe(LAST_MODIFIED);
      expect(server.requests[1]?.headers['if-none-match']).toBeUndefined();
      expect(outcome.notModified).toBe(true);
    });

    it('does not send validators that would inject headers', async () => {
      server.serve('/rss', manyItemsFeed(1), 'application/rss+xml');
      storage.addSource('s1', server.url('/rss'), { etag: '"x"\r\nX-Injected: 1', lastModified: '' });

      const outcome = await sut.crawl('s1');

      expect(outcome.ok).toBe(true);
      expect(server.requests[0]?.headers['if-none-match']).toBeUndefined();
      expect(server.requests[0]?.headers['x-injected']).toBeUndefined();
    });

    it('records a 429 with its Retry-After (seconds) as an error with a clear message', async () => {
      server.route('/busy', (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end());
      storage.addSource('s1', server.url('/busy'));

      const outcome = await sut.crawl('s1');

      expect(outcome.ok).toBe(false);
      expect(outcome.error).toBe(`${server.url('/busy')} answered HTTP 429 Too Many Requests; the server asks to wait 2 min before the next check`);
      expect(storage.callsOf('recordFetchResult')).toEqual([success({ ok: false, error: outcome.error, retryAfterSeconds: 120 })]);
    });

    it('reads a Retry-After HTTP date of a 503 against the injected clock', async () => {
      const now = new Date('2026-11-25T12:00:00.000Z');
      sut = new CrawlRunner(storage as unknown as StorageClient, fetcher, { now: () => now });
      server.route('/down', (_req, res) => res.writeHead(503, { 'retry-after': 'Wed, 25 Nov 2026 15:00:00 GMT' }).end());
      storage.addSource('s1', server.url('/down'));

      const outcome = await sut.crawl('s1');

      expect(outcome.error).toContain('HTTP 503 Service Unavailable; the server asks to wait 3 h');
      expect(storage.callsOf('recordFetchResult')).toEqual([success({ ok: false, error: outcome.error, retryAfterSeconds: 3 * 3600 })]);
    });

    it('ignores Retry-After on other statuses and unparseable values', async () => {
      server.route('/gone', (_req, res) => res.writeHead(404, { 'retry-after': '600' }).end());
      server.route('/odd', (_req, res) => res.writeHead(429, { 'retry-after': 'later, maybe' }).end());
      storage.addSource('s1', server.url('/gone'));
      storage.addSource('s2', server.url('/odd'));

      await sut.crawl('s1');
      await sut.crawl('s2');

      const recorded = storage.callsOf('recordFetchResult') as storage.RecordFetchResultRequest[];
      expect(recorded.map((r) => r.retryAfterSeconds)).toEqual([0, 0]);
      expect(recorded[1]?.error).toBe(`${server.url('/odd')} answered HTTP 429 Too Many Requests`);
    });

    it('treats a 304 to an unconditional request as an HTTP error', async () => {
      server.route('/weird', (_req, res) => res.writeHead(304).end());
      storage.addSource('s1', server.url('/weird'));

      const outcome = await sut.crawl('s1');

      expect(outcome).toMatchObject({ ok: false, notModified: false });
      expect(outcome.error).toContain('HTTP 304');
    });

    it('reports how many items were new and how often the feed publishes', async () => {
      const items = [0, 1, 2, 3]
        .map((h) => `<item><title>t${h}</title><guid>g${h}</guid><pubDate>${new Date(Date.UTC(2026, 10, 25, h)).toUTCString()}</pubDate></item>`)
        .join('');
      server.serve('/dated', `<rss version="2.0"><channel><title>D</title>${items}</channel></rss>`, 'application/rss+xml');
      storage.addSource('s1', server.url('/dated'));

      await sut.crawl('s1');

      expect(storage.callsOf('recordFetchResult')).toEqual([success({ feedTitle: 'D', newItems: 3, publishGapSeconds: 3600 })]);
    });
  });
});
