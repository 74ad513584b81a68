import { status } from '@grpc/grpc-js';
import { SourceKind, SourceStatus, type Source, type storage } from '@autoglm/contracts';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, type StorageClient } from '@autoglm/shared-grpc';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { FixtureServer, readFixture } from '../testing/fixture-server';
import { CrawlRunner, isMissingSource, MAX_FETCHES_PER_HOST } from './crawl-runner.service';

type Call = { method: string; request: unknown };

/** A StorageClient that keeps sources in memory and records every call. */
class FakeStorage {
  readonly calls: Call[] = [];
  readonly sources = new Map<string, Source>();
  failing: string | null = null;

  addSource(id: string, url: string): void {
    this.sources.set(id, {
      id,
      url,
      title: '',
      kind: SourceKind.SOURCE_KIND_FEED,
      status: SourceStatus.SOURCE_STATUS_ACTIVE,
      intervalSeconds: 900,
      lastError: '',
      consecutiveFailures: 0,
      lastFetchedAt: undefined,
      nextCheckAt: undefined,
      createdAt: undefined,
      articleCount: '0',
      origin: 'api',
    });
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
    return { inserted: request.items.length - 1, updated: 1, unchanged: 0, articleIds: request.items.map((_, i) => `a${i}`) };
  }

  async recordFetchResult(request: storage.RecordFetchResultRequest): Promise<storage.RecordFetchResultResponse> {
    this.record('recordFetchResult', request);
    return { source: this.sources.get(request.sourceId) };
  }
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

    expect(outcome).toEqual({ ok: true, error: '', itemsFound: 3, inserted: 2, updated: 1 });
    const [upsert] = storage.callsOf('upsertArticles') as storage.UpsertArticlesRequest[];
    expect(upsert.sourceId).toBe('s1');
    expect(upsert.items.map((i) => i.title)).toEqual(['Scaling feeds: A & B part 1', 'Second post', 'No identity but a link']);
    // Relative links resolve against the URL the feed was served from.
    expect(upsert.items[0].url.startsWith(server.url('/posts/scaling-feeds'))).toBe(true);
    expect(storage.callsOf('recordFetchResult')).toEqual([
      { sourceId: 's1', ok: true, error: '', feedTitle: 'Example Engineering & Research' },
    ]);
    expect(storage.calls.map((c) => c.method)).toEqual(['getSource', 'upsertArticles', 'recordFetchResult']);
  });

  it(`fetches at most ${MAX_FETCHES_PER_HOST} feeds of one host at a time`, async () => {
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
    for (let i = 0; i < 6; i++) storage.addSource(`s${i}`, `${server.url('/slow')}?n=${i}`);

    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => sut.crawl(`s${i}`)));

    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(peak).toBe(MAX_FETCHES_PER_HOST);
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

    expect(outcome).toEqual({ ok: true, error: '', itemsFound: 0, inserted: 0, updated: 0 });
    expect(storage.callsOf('upsertArticles')).toHaveLength(0);
    expect(storage.callsOf('recordFetchResult')).toEqual([{ sourceId: 's1', ok: true, error: '', feedTitle: 'Quiet' }]);
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
    expect(storage.callsOf('recordFetchResult')).toEqual([{ sourceId: 's1', ok: false, error: outcome.error, feedTitle: '' }]);
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
});
