import { status } from '@grpc/grpc-js';
import { SourceKind, SourceStatus, type Source, type storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, type StorageClient } from '@autoglm/shared-grpc';
import { CrawlRunner } from '../crawl/crawl-runner.service';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { RobotsTxtRules } from '../fetch/robots-txt';
import { FixtureServer } from '../testing/fixture-server';
import { WEB_PAGE_ARTICLES_PER_CRAWL } from './web-page-reader';

// linkedom requires ES-module-only packages this Jest setup does not transform; neither the
// extractor nor the selector engine calls them, so stand-ins do.
jest.mock('css-select', () => ({ is: () => false, selectAll: () => [], selectOne: () => null }));
jest.mock('cssomnom/parse', () => ({ parse: () => ({ cssRules: [] }) }));

/** A StorageClient holding sources in memory, recording upserts and fetch results. */
class FakeStorage {
  readonly sources = new Map<string, Source>();
  readonly upserts: storage.UpsertArticlesRequest[] = [];
  readonly results: storage.RecordFetchResultRequest[] = [];

  add(kind: SourceKind, url: string, options: unknown): void {
    this.sources.set('s1', {
      id: 's1',
      url,
      title: '',
      kind,
      status: SourceStatus.SOURCE_STATUS_ACTIVE,
      intervalSeconds: 900,
      lastError: '',
      consecutiveFailures: 0,
      lastFetchedAt: undefined,
      nextCheckAt: undefined,
      createdAt: undefined,
      articleCount: '0',
      fullTextPending: '0',
      pausedAt: undefined,
      origin: 'config',
      effectiveIntervalSeconds: 900,
      category: '',
      fullText: false,
      etag: '',
      lastModified: '',
      sourceOptionsJson: typeof options === 'string' ? options : JSON.stringify(options),
    });
  }

  get items(): storage.FeedItem[] {
    return this.upserts.flatMap((u) => u.items);
  }

  async getSource(request: storage.GetSourceRequest): Promise<storage.GetSourceResponse> {
    const source = this.sources.get(request.id);
    if (!source) throw new RemoteCallError(ErrorCode.NotFound, 'not found', status.NOT_FOUND, 'getSource');
    return { source };
  }

  async upsertArticles(request: storage.UpsertArticlesRequest): Promise<storage.UpsertArticlesResponse> {
    this.upserts.push(request);
    const ids = request.items.map((_, i) => `a${this.upserts.length}-${i}`);
    return { inserted: ids.length, updated: 0, unchanged: 0, skipped: 0, articleIds: ids, insertedIds: ids };
  }

  async recordFetchResult(request: storage.RecordFetchResultRequest): Promise<storage.RecordFetchResultResponse> {
    this.results.push(request);
    return { source: this.sources.get(request.sourceId) };
  }
}

const ARTICLE = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body>
  <nav><a href="/">Home</a> <a href="/about">About</a></nav>
  <article><h1>${title}</h1>
    <p>${body} The council met on Tuesday to discuss the flood barriers along the river, and agreed a plan.</p>
    <p>Engineers said the work would take two years and cost less than the last estimate had suggested.</p>
    <p>Residents who spoke at the meeting asked for regular updates on the timetable and on the road closures.</p>
  </article>
  <footer>Share this · Cookie settings</footer></body></html>`;

describe('CrawlRunner with JSON API and web-page sources', () => {
  const server = new FixtureServer();
  let fetcher: GuardedFetcher;
  let storage: FakeStorage;
  let sut: CrawlRunner;

  beforeAll(async () => {
    await server.start();
    fetcher = new GuardedFetcher({ timeoutMs: 2_000, maxBytes: 1024 * 1024, maxRedirects: 2, userAgent: 'test', allowHosts: ['127.0.0.1'] });
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

  describe('a JSON API source', () => {
    const OPTIONS = {
      itemsPath: 'data.items',
      fields: { id: 'id', title: 'title', url: 'url', published: 'published', content: 'body', author: 'author' },
      headers: { Authorization: 'Bearer s3cret', Accept: 'application/json' },
    };
    const RESPONSE = {
      data: {
        items: [
          { id: 1, title: 'First', url: '/posts/1', published: '2026-11-20T08:00:00Z', body: '<p>One</p>', author: 'Ann' },
          { id: 2, title: 'Second', url: '/posts/2', published: '2026-11-21T08:00:00Z', body: 'Two', author: 'Bo' },
        ],
      },
    };

    it('fetches with the configured headers and stores the mapped items', async () => {
      server.serve('/api', JSON.stringify(RESPONSE), 'application/json');
      storage.add(SourceKind.SOURCE_KIND_JSON_API, server.url('/api'), OPTIONS);

      const outcome = await sut.crawl('s1');

      expect(outcome).toMatchObject({ ok: true, itemsFound: 2, inserted: 2 });
      expect(server.requests[0].headers).toMatchObject({ authorization: 'Bearer s3cret', accept: 'application/json' });
      expect(storage.items.map((i) => [i.guid, i.title, i.url, i.author])).toEqual([
        ['1', 'First', server.url('/posts/1'), 'Ann'],
        ['2', 'Second', server.url('/posts/2'), 'Bo'],
      ]);
      expect(storage.results[0]).toMatchObject({ ok: true, newItems: 2 });
    });

    it('previews the items of a definition without storing anything, and says why a definition gives none', async () => {
      server.serve('/api', JSON.stringify(RESPONSE), 'application/json');
      const definition = (options: object) => ({ url: server.url('/api'), kind: SourceKind.SOURCE_KIND_JSON_API, sourceOptionsJson: JSON.stringify(options) });

      const items = await sut.preview(definition(OPTIONS));

      expect(items.map((i) => [i.guid, i.title, i.url])).toEqual([
        ['1', 'First', server.url('/posts/1')],
        ['2', 'Second', server.url('/posts/2')],
      ]);
      expect(server.requests[0].headers).toMatchObject({ authorization: 'Bearer s3cret' });
      expect(storage.items).toEqual([]);
      expect(storage.results).toEqual([]);

      await expect(sut.preview(definition({ ...OPTIONS, fields: { title: 'missing' } }))).rejects.toMatchObject({
        code: ErrorCode.FailedPrecondition,
        message: expect.stringMatching(/none of the 2 item\(s\) of the JSON API .* has a value at the mapped title "missing"/),
      });
      server.serve('/empty', JSON.stringify({ data: { items: [] } }), 'application/json');
      await expect(sut.preview({ ...definition(OPTIONS), url: server.url('/empty') })).rejects.toMatchObject({
        code: ErrorCode.FailedPrecondition,
        message: expect.stringContaining('gives no items: the items path leads to an empty list'),
      });
      server.route('/gone', (_req, res) => res.writeHead(404).end('nope'));
      await expect(sut.preview({ ...definition(OPTIONS), url: server.url('/gone') })).rejects.toMatchObject({ code: ErrorCode.FailedPrecondition });
    });

    it('does not send the headers to another origin it is redirected to', async () => {
      const other = new FixtureServer();
      await other.start();
      try {
        other.serve('/api', JSON.stringify(RESPONSE), 'application/json');
        // Same address, another port: another origin.
        server.redirect('/api', other.url('/api'));
        storage.add(SourceKind.SOURCE_KIND_JSON_API, server.url('/api'), OPTIONS);

        const outcome = await sut.crawl('s1');

        expect(outcome.ok).toBe(true);
        expect(server.requests[0].headers['authorization']).toBe('Bearer s3cret');
        expect(other.requests[0].headers['authorization']).toBeUndefined();
      } finally {
        await other.stop();
      }
    });

    it.each([
      ['bad JSON', '{"data": [', /did not answer with valid JSON/],
      ['a missing items path', JSON.stringify({ results: [] }), /has nothing at the items path "data\.items"/],
    ])('records %s as the source error', async (_name, body, message) => {
      server.serve('/api', body, 'application/json');
      storage.add(SourceKind.SOURCE_KIND_JSON_API, server.url('/api'), OPTIONS);

      const outcome = await sut.crawl('s1');

      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(message);
      expect(storage.results[0]).toMatchObject({ ok: false, error: expect.stringMatching(message) });
      expect(storage.upserts).toHaveLength(0);
    });

    it('records unreadable stored options without fetching', async () => {
      storage.add(SourceKind.SOURCE_KIND_JSON_API, server.url('/api'), 'not json');

      const outcome = await sut.crawl('s1');

      expect(outcome.error).toMatch(/has no readable options/);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('a web-page source', () => {
    const LIST = (links: string) => `<html><body><header><a href="/login">Log in</a></header><main>${links}</main></body></html>`;

    it('follows each item link, extracts the article and identifies it by its canonical URL', async () => {
      server.serve(
        '/news',
        LIST(`<div class="story"><h3>Flood plan agreed</h3><a href="/a/1?utm_source=list">more</a></div>
              <div class="story"><h3>Bridge reopens</h3><a href="/a/2">more</a></div>
              <div class="promo"><a href="/shop">Shop</a></div>`),
        'text/html; charset=utf-8',
      );
      server.serve('/a/1', ARTICLE('Flood plan agreed', 'First.'), 'text/html');
      server.serve('/a/2', ARTICLE('Bridge reopens', 'Second.'), 'text/html');
      storage.add(SourceKind.SOURCE_KIND_WEB_PAGE, server.url('/news'), { itemSelector: 'div.story', linkSelector: 'a', titleSelector: 'h3' });

      const outcome = await sut.crawl('s1');

      expect(outcome).toMatchObject({ ok: true, itemsFound: 2 });
      const [first, second] = storage.items;
      expect(first).toMatchObject({ title: 'Flood plan agreed', url: server.url('/a/1'), guid: '' });
      expect(first.itemKey).toMatch(/^u:/);
      expect(first.text).toContain('The council met on Tuesday');
      expect(first.text).not.toContain('Cookie settings');
      expect(second.title).toBe('Bridge reopens');
      expect(server.requests.map((r) => r.path)).not.toContain('/shop');
    });

    it(`fetches at most ${WEB_PAGE_ARTICLES_PER_CRAWL} articles per crawl`, async () => {
      const links = Array.from({ length: 25 }, (_, i) => `<li><a href="/p/${i}">Post ${i}</a></li>`).join('');
      server.serve('/list', `<ul>${links}</ul>`, 'text/html');
      for (let i = 0; i < 25; i++) server.serve(`/p/${i}`, ARTICLE(`Post ${i}`, `Body ${i}.`), 'text/html');
      storage.add(SourceKind.SOURCE_KIND_WEB_PAGE, server.url('/list'), { itemSelector: 'li', linkSelector: 'a', titleSelector: '' });

      const outcome = await sut.crawl('s1');

      expect(outcome.itemsFound).toBe(WEB_PAGE_ARTICLES_PER_CRAWL);
      expect(server.requests.filter((r) => r.path.startsWith('/p/'))).toHaveLength(WEB_PAGE_ARTICLES_PER_CRAWL);
      expect(storage.items[0].title).toBe('Post 0');
    });

    it('keeps the listed title and link of an article that cannot be fetched', async () => {
      server.serve('/list', '<ul><li><a href="/gone">Gone story</a></li></ul>', 'text/html');
      storage.add(SourceKind.SOURCE_KIND_WEB_PAGE, server.url('/list'), { itemSelector: 'li', linkSelector: 'a', titleSelector: '' });

      const outcome = await sut.crawl('s1');

      expect(outcome.ok).toBe(true);
      expect(storage.items).toEqual([expect.objectContaining({ title: 'Gone story', url: server.url('/gone'), text: '' })]);
    });

    it.each([
      ['an item selector matching nothing', { itemSelector: 'article.post' }, /no element of the page at .* matches the item selector "article\.post"/],
      ['items without a matching link', { itemSelector: 'h3', linkSelector: 'a' }, /match "h3" but none holds a link matching "a"/],
      ['an unsupported selector', { itemSelector: 'li:nth-child(2)' }, /uses a pseudo-class, which is not supported/],
    ])('records %s as a clear source error', async (_name, options, message) => {
      server.serve('/list', LIST('<h3>Title only</h3>'), 'text/html');
      storage.add(SourceKind.SOURCE_KIND_WEB_PAGE, server.url('/list'), options);

      const outcome = await sut.crawl('s1');

      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(message);
      expect(storage.results[0]).toMatchObject({ ok: false, error: expect.stringMatching(message) });
    });
  });

  describe('robots.txt', () => {
    const withRobots = () =>
      new CrawlRunner(
        storage as unknown as StorageClient,
        fetcher,
        undefined,
        undefined,
        undefined,
        new RobotsTxtRules(fetcher, { enabled: true, userAgent: 'NewsBot/1.0', cacheTtlSeconds: 3600, maxCachedOrigins: 10 }, { now: () => new Date() }),
      );
    const robotsFetches = () => server.requests.filter((r) => r.path === '/robots.txt').length;

    it('records a list page robots.txt disallows as the source error, without fetching it', async () => {
      server.serve('/robots.txt', 'User-agent: newsbot\nDisallow: /news\n', 'text/plain');
      server.serve('/news', '<ul><li><a href="/a/1">One</a></li></ul>', 'text/html');
      storage.add(SourceKind.SOURCE_KIND_WEB_PAGE, server.url('/news'), { itemSelector: 'li', linkSelector: 'a', titleSelector: '' });

      const outcome = await withRobots().crawl('s1');

      const message = `robots.txt of 127.0.0.1:${server.port} disallows /news for NewsBot`;
      expect(outcome).toMatchObject({ ok: false, error: message });
      expect(storage.results).toEqual([expect.objectContaining({ ok: false, error: message })]);
      expect(server.requests.map((r) => r.path)).toEqual(['/robots.txt']);
    });

    it('skips disallowed article links and reads robots.txt once for the list and all its articles', async () => {
      server.serve('/robots.txt', 'User-agent: *\nDisallow: /members/\n', 'text/plain');
      server.serve('/news', '<ul><li><a href="/a/1">One</a></li><li><a href="/members/2">Two</a></li><li><a href="/a/3">Three</a></li></ul>', 'text/html');
      server.serve('/a/1', ARTICLE('One', 'First.'), 'text/html');
      server.serve('/members/2', ARTICLE('Two', 'Second.'), 'text/html');
      server.serve('/a/3', ARTICLE('Three', 'Third.'), 'text/html');
      storage.add(SourceKind.SOURCE_KIND_WEB_PAGE, server.url('/news'), { itemSelector: 'li', linkSelector: 'a', titleSelector: '' });

      const outcome = await withRobots().crawl('s1');

      expect(outcome).toMatchObject({ ok: true, itemsFound: 2 });
      expect(storage.items.map((i) => i.title)).toEqual(['One', 'Three']);
      expect(server.requests.map((r) => r.path)).not.toContain('/members/2');
      expect(robotsFetches()).toBe(1);
    });

    it('refuses the list page while robots.txt answers a server error', async () => {
      server.route('/robots.txt', (_req, res) => {
        res.writeHead(503);
        res.end();
      });
      server.serve('/news', '<ul><li><a href="/a/1">One</a></li></ul>', 'text/html');
      storage.add(SourceKind.SOURCE_KIND_WEB_PAGE, server.url('/news'), { itemSelector: 'li', linkSelector: 'a', titleSelector: '' });

      const outcome = await withRobots().crawl('s1');

      expect(outcome.error).toBe(`robots.txt of 127.0.0.1:${server.port} could not be read (HTTP 503); its pages are not fetched until it can be`);
      expect(server.requests.map((r) => r.path)).toEqual(['/robots.txt']);
    });

    it('spaces the requests to a host by its Crawl-delay', async () => {
      server.serve('/robots.txt', 'User-agent: *\nCrawl-delay: 0.3\n', 'text/plain');
      server.serve('/news', '<ul><li><a href="/a/1">One</a></li><li><a href="/a/2">Two</a></li></ul>', 'text/html');
      const times: Record<string, number> = {};
      for (const path of ['/a/1', '/a/2']) {
        server.route(path, (_req, res) => {
          times[path] = Date.now();
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end(ARTICLE(path, 'Body.'));
        });
      }
      storage.add(SourceKind.SOURCE_KIND_WEB_PAGE, server.url('/news'), { itemSelector: 'li', linkSelector: 'a', titleSelector: '' });
      const started = Date.now();

      await withRobots().crawl('s1');

      const [first, second] = [times['/a/1'], times['/a/2']].sort((a, b) => a - b);
      // List page at ~0, articles at ~300 and ~600 ms.
      expect(first - started).toBeGreaterThanOrEqual(250);
      expect(second - first).toBeGreaterThanOrEqual(250);
    });

    it('does not consult robots.txt for a feed source', async () => {
      server.serve('/robots.txt', 'User-agent: *\nDisallow: /\n', 'text/plain');
      server.serve('/feed', '<rss version="2.0"><channel><title>F</title><item><title>T</title><link>/t</link></item></channel></rss>', 'application/rss+xml');
      storage.add(SourceKind.SOURCE_KIND_FEED, server.url('/feed'), '');

      expect(await withRobots().crawl('s1')).toMatchObject({ ok: true, itemsFound: 1 });
      expect(robotsFetches()).toBe(0);
    });
  });

  it('still reads a feed source as a feed', async () => {
    server.serve('/feed', '<rss version="2.0"><channel><title>F</title><item><title>T</title><link>/t</link></item></channel></rss>', 'application/rss+xml');
    storage.add(SourceKind.SOURCE_KIND_FEED, server.url('/feed'), '');

    const outcome = await sut.crawl('s1');

    expect(outcome).toMatchObject({ ok: true, itemsFound: 1 });
    expect(storage.results[0].feedTitle).toBe('F');
  });
});
