import type { IncomingMessage } from 'node:http';
import { SourceKind, type Source, type storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import type { StorageClient } from '@autoglm/shared-grpc';
import { testSource } from '@autoglm/shared-testing';
import { systemCrawlClock } from '../crawl/crawl-clock';
import { CrawlRunner } from '../crawl/crawl-runner.service';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { FixtureServer } from '../testing/fixture-server';
import { HubRequest } from './hub-request';

const RSS_WITH_HUB = (hub: string, self: string, titles: string[]) => `<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Hubbed</title>
<atom:link rel="hub" href="${hub}"/><atom:link rel="self" href="${self}"/>
${titles.map((t) => `<item><title>${t}</title><link>https://news.example/${t}</link></item>`).join('')}
</channel></rss>`;

/** Just the storage calls a crawl and an ingestion make, recorded. */
class RecordingStorage {
  readonly calls: Array<{ method: string; request: unknown }> = [];
  constructor(private readonly source: Source) {}

  of(method: string): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request);
  }

  async getSource(request: storage.GetSourceRequest): Promise<storage.GetSourceResponse> {
    this.calls.push({ method: 'getSource', request });
    return { source: this.source };
  }

  async upsertArticles(request: storage.UpsertArticlesRequest): Promise<storage.UpsertArticlesResponse> {
    this.calls.push({ method: 'upsertArticles', request });
    const ids = request.items.map((_, i) => `a${i}`);
    return { inserted: ids.length, updated: 0, unchanged: 0, skipped: 0, articleIds: ids, insertedIds: ids };
  }

  async recordFetchResult(request: storage.RecordFetchResultRequest): Promise<storage.RecordFetchResultResponse> {
    this.calls.push({ method: 'recordFetchResult', request });
    return { source: this.source };
  }

  async recordHubDiscovery(request: storage.RecordHubDiscoveryRequest): Promise<storage.RecordHubDiscoveryResponse> {
    this.calls.push({ method: 'recordHubDiscovery', request });
    return { subscription: undefined, changed: true };
  }
}

function config(callbackBaseUrl: string): AppConfig {
  const base = defaultConfig();
  return { ...base, websub: { ...base.websub, callbackBaseUrl } };
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => resolve(new URLSearchParams(text)));
  });
}

describe('WebSub in the crawler', () => {
  const server = new FixtureServer();
  let fetcher: GuardedFetcher;

  beforeAll(async () => {
    await server.start();
    fetcher = new GuardedFetcher({ timeoutMs: 1_000, maxBytes: 64 * 1024, maxRedirects: 2, userAgent: 'test', allowHosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.stop();
  });
  beforeEach(() => server.reset());

  describe(CrawlRunner.name, () => {
    const runner = (store: RecordingStorage, cfg: AppConfig) =>
      new CrawlRunner(store as unknown as StorageClient, fetcher, systemCrawlClock, undefined, cfg);

    it('reports the hub and self URL a crawled feed advertises', async () => {
      server.serve('/feed.xml', RSS_WITH_HUB('https://hub.example/', 'https://news.example/feed', ['a']), 'application/rss+xml');
      const store = new RecordingStorage(testSource({ id: 's1', url: server.url('/feed.xml') }));

      await runner(store, config('https://reader.example')).crawl('s1');

      expect(store.of('recordHubDiscovery')).toEqual([{ sourceId: 's1', hubUrl: 'https://hub.example/', topicUrl: 'https://news.example/feed' }]);
    });

    it('takes the hub of an HTTP Link header', async () => {
      const plain = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>a</title></item></channel></rss>`;
      server.serve('/feed.xml', plain, 'application/rss+xml', { link: '<https://hub.example/h>; rel="hub", <https://news.example/t>; rel="self"' });
      const store = new RecordingStorage(testSource({ id: 's1', url: server.url('/feed.xml') }));

      await runner(store, config('https://reader.example')).crawl('s1');

      expect(store.of('recordHubDiscovery')).toEqual([{ sourceId: 's1', hubUrl: 'https://hub.example/h', topicUrl: 'https://news.example/t' }]);
    });

    it('reports nothing while WebSub is inactive (no callback URL)', async () => {
      server.serve('/feed.xml', RSS_WITH_HUB('https://hub.example/', 'https://news.example/feed', ['a']), 'application/rss+xml');
      const store = new RecordingStorage(testSource({ id: 's1', url: server.url('/feed.xml') }));

      const outcome = await runner(store, config('')).crawl('s1');

      expect(outcome.ok).toBe(true);
      expect(store.of('recordHubDiscovery')).toEqual([]);
    });

    it('stores the items of a pushed feed without fetching it or touching the schedule', async () => {
      const store = new RecordingStorage(testSource({ id: 's1', url: server.url('/feed.xml') }));

      const sut = await runner(store, config('https://reader.example')).ingestPushed(
        's1',
        Buffer.from(RSS_WITH_HUB('https://hub.example/', 'https://news.example/feed', ['one', 'two'])),
        'application/rss+xml',
      );

      expect(sut).toEqual({ itemsFound: 2, inserted: 2, updated: 0 });
      expect((store.of('upsertArticles')[0] as storage.UpsertArticlesRequest).items.map((i) => i.title)).toEqual(['one', 'two']);
      expect(store.of('recordFetchResult')).toEqual([]);
      expect(server.requests).toEqual([]);
    });

    it('refuses pushed content that is not a feed, and pushes for a source that is not a feed', async () => {
      const feedSource = new RecordingStorage(testSource({ id: 's1' }));
      await expect(runner(feedSource, config('')).ingestPushed('s1', Buffer.from('<html><body>hi</body></html>'), 'text/html')).rejects.toMatchObject({
        code: ErrorCode.InvalidArgument,
        message: expect.stringMatching(/not an RSS, Atom, RDF or JSON feed/),
      });
      const api = new RecordingStorage(testSource({ id: 's2', kind: SourceKind.SOURCE_KIND_JSON_API }));
      await expect(runner(api, config('')).ingestPushed('s2', Buffer.from('{}'), 'application/json')).rejects.toMatchObject({
        code: ErrorCode.FailedPrecondition,
      });
      expect(feedSource.of('upsertArticles')).toEqual([]);
    });
  });

  describe(HubRequest.name, () => {
    const request = (overrides: Partial<Parameters<HubRequest['send']>[0]> = {}) => ({
      hubUrl: server.url('/hub'),
      topicUrl: 'https://news.example/feed',
      callbackUrl: 'https://reader.example/websub/s1',
      secret: 'ab'.repeat(32),
      leaseSeconds: 864_000,
      unsubscribe: false,
      ...overrides,
    });

    it('POSTs the subscription form to the hub and reports a 202 as accepted', async () => {
      let form: URLSearchParams | undefined;
      server.route('/hub', (req, res) => {
        void readForm(req).then((f) => {
          form = f;
          res.writeHead(202).end();
        });
      });

      expect(await new HubRequest(fetcher).send(request())).toEqual({ accepted: true, httpStatus: 202, error: '' });
      expect(Object.fromEntries(form ?? [])).toEqual({
        'hub.callback': 'https://reader.example/websub/s1',
        'hub.mode': 'subscribe',
        'hub.topic': 'https://news.example/feed',
        'hub.lease_seconds': '864000',
        'hub.secret': 'ab'.repeat(32),
      });
    });

    it('sends an unsubscription without secret or lease', async () => {
      let form: URLSearchParams | undefined;
      server.route('/hub', (req, res) => void readForm(req).then((f) => ((form = f), res.writeHead(202).end())));

      await new HubRequest(fetcher).send(request({ unsubscribe: true }));

      expect(Object.fromEntries(form ?? [])).toEqual({
        'hub.callback': 'https://reader.example/websub/s1',
        'hub.mode': 'unsubscribe',
        'hub.topic': 'https://news.example/feed',
      });
    });

    it("reports a refusal with the hub's status and message", async () => {
      server.route('/hub', (_req, res) => res.writeHead(400, { 'content-type': 'text/plain' }).end('topic\nnot allowed'));

      expect(await new HubRequest(fetcher).send(request())).toEqual({
        accepted: false,
        httpStatus: 400,
        error: `the hub ${server.url('/hub')} answered HTTP 400: topic not allowed`,
      });
    });

    it('does not follow a redirect with the form', async () => {
      server.redirect('/hub', server.url('/elsewhere'), 307);

      expect(await new HubRequest(fetcher).send(request())).toMatchObject({ accepted: false, httpStatus: 307 });
      expect(server.requests.map((r) => r.path)).toEqual(['/hub']);
    });

    it('goes through the address guard: an internal hub is refused without a connection', async () => {
      const guarded = new GuardedFetcher({ timeoutMs: 1_000, maxBytes: 1024, maxRedirects: 0, userAgent: 'test', allowHosts: [] });
      try {
        const sut = await new HubRequest(guarded).send(request());

        expect(sut).toMatchObject({ accepted: false, httpStatus: 0, error: expect.stringMatching(/refusing to fetch 127\.0\.0\.1/) });
        expect(server.requests).toEqual([]);
      } finally {
        await guarded.close();
      }
    });

    it('refuses a request with a callback that is not an http(s) URL', async () => {
      await expect(new HubRequest(fetcher).send(request({ callbackUrl: 'javascript:alert(1)' }))).rejects.toMatchObject({
        code: ErrorCode.InvalidArgument,
        message: 'callback_url must be an absolute http(s) URL',
      });
    });
  });
});
