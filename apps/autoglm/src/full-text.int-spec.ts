import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { crawler, SourceKind, storage, type Source } from '@autoglm/contracts';
import { startCrawlerService } from '@autoglm/crawler-feature';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { closeGrpcClients, createGrpcClient, type GrpcClientHandle, type RunningService } from '@autoglm/shared-grpc';
import { closeInProcessQueues, InProcessQueueFactory, QUEUE_NAMES } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { startStorageService } from '@autoglm/storage-feature';

/**
 * Full text for every item of a teaser feed: storage and the crawler over real loopback gRPC, the
 * feed and its pages served from a loopback HTTP server. Far more items than one round reads, one
 * page that fails for good, a crawler restarted with work left in the database.
 */

const { FullTextState } = storage;

const ITEMS = 60;
const PARAGRAPH = 'The regional council met again on Tuesday to discuss the new tram line, its cost and its route through the old town. ';

/** The loopback site: a teaser feed of `count` items, their pages (item 404 has none), and the peak of page requests in flight. */
class TeaserSite {
  private server: Server | undefined;
  base = '';
  inFlight = 0;
  peakInFlight = 0;
  pageRequests = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      const feed = /^\/feed-(\w+)-(\d+)\.xml$/.exec(path);
      if (feed) {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        return res.end(this.feed(feed[1], Number(feed[2])));
      }
      const page = /^\/pages\/(\w+)\/(\d+)$/.exec(path);
      if (!page || page[2] === '404') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
      this.pageRequests++;
      this.inFlight++;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      // A little latency, so that concurrent page requests overlap and the per-host limit shows.
      setTimeout(() => {
        this.inFlight--;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(articlePage(page[1], Number(page[2])));
      }, 5);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  pageUrl(feed: string, n: number): string {
    return `${this.base}/pages/${feed}/${n}`;
  }

  private feed(name: string, count: number): string {
    const items = Array.from({ length: count }, (_, i) => {
      const n = i === count - 1 && name === 'failing' ? 404 : i;
      return `<item><title>Tram line, part ${n}</title><link>${this.pageUrl(name, n)}</link><guid isPermaLink="false">${name}-${n}</guid>
        <description>The council discussed the tram line (part ${n})…</description></item>`;
    }).join('');
    return `<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers ${name}</title><link>${this.base}/</link>${items}</channel></rss>`;
  }
}

function articlePage(feed: string, n: number): string {
  const paragraphs = Array.from({ length: 5 }, (_, i) => `<p>${PARAGRAPH}Part ${n} of ${feed}, paragraph ${i + 1}.</p>`).join('');
  return `<!doctype html><html lang="en"><head><title>Tram line, part ${n}</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <article><h1>Tram line, part ${n}</h1>${paragraphs}</article>
    <footer>Copyright Example. <a href="/privacy">Privacy</a></footer></body></html>`;
}

interface Backend {
  database: AppConfig['database'];
  cleanup(): Promise<void>;
}

const BACKENDS: Array<[string, () => Promise<Backend>]> = [
  [
    'PGlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'autoglm-full-text-'));
      return { database: { ...defaultConfig().database, url: '', dataDir: join(dir, 'pglite') }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const name = `full_text_it_${randomUUID().replace(/-/g, '')}`;
      const admin = async (sql: string) => {
        const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      };
      await admin(`CREATE DATABASE ${name}`);
      return {
        database: { ...defaultConfig().database, url: `postgres://postgres@127.0.0.1:5432/${name}`, dataDir: '' },
        cleanup: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      };
    },
  ],
];

describe.each(BACKENDS)('full text for every teaser item on %s', (_name, makeBackend) => {
  const site = new TeaserSite();
  const queues = new InProcessQueueFactory();
  let backend: Backend;
  let config: AppConfig;
  let storageService: RunningService | undefined;
  let crawlerService: RunningService | undefined;
  let store: GrpcClientHandle<storage.StorageServiceClient>;
  let crawl: GrpcClientHandle<crawler.CrawlerServiceClient>;

  const startCrawler = async () => {
    config.grpc.crawler = `127.0.0.1:${await freePort()}`;
    crawlerService = await startCrawlerService(config);
    crawl?.close();
    crawl = createGrpcClient<crawler.CrawlerServiceClient>('crawler', { url: config.grpc.crawler, deadlineMs: 60_000 });
  };

  beforeAll(async () => {
    await site.start();
    backend = await makeBackend();
    config = defaultConfig();
    config.database = backend.database;
    config.redis = { ...config.redis, url: '' };
    config.grpc.storage = `127.0.0.1:${await freePort()}`;
    config.crawler = { ...config.crawler, allowHosts: ['127.0.0.1'] };
    storageService = await startStorageService(config, { queueFactory: queues });
    store = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 30_000 });
    await startCrawler();
  }, 120_000);

  afterAll(async () => {
    crawl?.close();
    store?.close();
    await crawlerService?.close();
    await storageService?.close();
    closeGrpcClients();
    await queues.close();
    await closeInProcessQueues();
    await backend?.cleanup();
    await site.stop();
  });

  async function createFullTextSource(url: string): Promise<Source> {
    const { source } = await store.client.createSource({
      url,
      title: '',
      kind: SourceKind.SOURCE_KIND_FEED,
      intervalSeconds: 3600,
      origin: 'api',
      ifMissing: false,
      category: '',
      fullText: true,
    });
    return source!;
  }

  async function articlesOf(sourceId: string): Promise<storage.Article[]> {
    const { articles } = await store.client.listArticles({ limit: 100, cursor: '', sourceId, topic: '', language: '', withoutContent: true });
    // The list carries no text: read each article.
    return Promise.all(articles.map(async (a) => (await store.client.getArticle({ id: a.id })).article!));
  }

  async function untilNothingPending(sourceId: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { source } = await store.client.getSource({ id: sourceId });
      if (source?.fullTextPending === '0') return;
      if (Date.now() > deadline) throw new Error(`still ${source?.fullTextPending} item(s) waiting for full text`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it(`ends a feed of ${ITEMS + 1} teasers with ${ITEMS} full texts and the reason the last page has none`, async () => {
    const source = await createFullTextSource(`${site.base}/feed-failing-${ITEMS + 1}.xml`);

    const outcome = await crawl.client.crawlSource({ sourceId: source.id });
    expect(outcome).toMatchObject({ ok: true, itemsFound: ITEMS + 1, inserted: ITEMS + 1 });
    await untilNothingPending(source.id);

    const articles = await articlesOf(source.id);
    expect(articles).toHaveLength(ITEMS + 1);
    const full = articles.filter((a) => a.fullTextState === FullTextState.FULL_TEXT_STATE_DONE);
    expect(full).toHaveLength(ITEMS);
    for (const article of full) {
      const part = /part (\d+)/.exec(article.title)?.[1];
      expect(article.text).toContain(`Part ${part} of failing, paragraph 5.`);
      expect(article.text).not.toContain('Privacy');
      expect(article.fullTextFailure).toBe('');
    }
    const failed = articles.filter((a) => a.fullTextState === FullTextState.FULL_TEXT_STATE_FAILED);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ title: 'Tram line, part 404', text: 'The council discussed the tram line (part 404)…' });
    expect(failed[0].fullTextFailure).toMatch(/HTTP 404/);
    // Politeness: never more page requests in flight to the host than the crawler's per-host limit.
    expect(site.peakInFlight).toBeLessThanOrEqual(2);
    // Every stored page is analysed again: one more analyze job per full text.
    expect(await queues.get(QUEUE_NAMES.analyze).depth()).toBeGreaterThanOrEqual(ITEMS + 1 + ITEMS);

    // The feed repeats its teasers: nothing changes, no page is read again.
    const pagesRead = site.pageRequests;
    const again = await crawl.client.crawlSource({ sourceId: source.id });
    expect(again).toMatchObject({ ok: true, inserted: 0, updated: 0 });
    expect((await store.client.getSource({ id: source.id })).source?.fullTextPending).toBe('0');
    const after = await articlesOf(source.id);
    expect(after.filter((a) => a.fullTextState === FullTextState.FULL_TEXT_STATE_DONE && a.text.includes('paragraph 5.'))).toHaveLength(ITEMS);
    expect(site.pageRequests).toBe(pagesRead);
  });

  it('reads the pages of items stored before a crawler (re)started with its queues lost: the work lives in the database', async () => {
    await crawlerService?.close();
    crawlerService = undefined;
    // The in-process queues go with the process that held them.
    await closeInProcessQueues();
    const source = await createFullTextSource(`${site.base}/feed-restart-5.xml`);
    // Stored as the crawler does, then the crawler "died": nothing in any queue knows about these items.
    await store.client.upsertArticles({
      sourceId: source.id,
      items: Array.from({ length: 5 }, (_, n) => ({
        itemKey: `g:restart-${n}`,
        guid: `restart-${n}`,
        url: site.pageUrl('restart', n),
        title: `Tram line, part ${n}`,
        author: '',
        publishedAt: undefined,
        contentHtml: '<p>A teaser.</p>',
        text: 'A teaser.',
        contentHash: `teaser-${n}`,
      })),
    });
    expect((await store.client.getSource({ id: source.id })).source?.fullTextPending).toBe('5');

    await startCrawler();
    await untilNothingPending(source.id);

    const articles = await articlesOf(source.id);
    expect(articles.map((a) => a.fullTextState)).toEqual(Array(5).fill(FullTextState.FULL_TEXT_STATE_DONE));
    expect(articles.every((a) => a.text.includes('of restart, paragraph 5.'))).toBe(true);
  });
});
