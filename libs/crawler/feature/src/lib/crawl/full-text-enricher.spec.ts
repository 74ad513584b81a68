import type { storage } from '@autoglm/contracts';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { contentHash } from '../normalize/item-identity';
import { FixtureServer } from '../testing/fixture-server';
import { FullTextEnricher } from './full-text-enricher';
import { KeyedSemaphore } from './keyed-semaphore';

// linkedom's selector/CSS packages ship as ES modules Jest does not transform; the extractor uses neither.
jest.mock('css-select', () => ({ is: () => false, selectAll: () => [], selectOne: () => null }));
jest.mock('cssomnom/parse', () => ({ parse: () => ({ cssRules: [] }) }));

const PARAGRAPH =
  'The city council approved the new transit plan on Tuesday after a long debate, and the first buses will run in the spring. ';

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><title>Transit plan</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
    <article><h1>Council approves transit plan</h1>${body}</article>
    <footer>Copyright Example News. <a href="/privacy">Privacy</a></footer></body></html>`;
}

function teaser(url: string): storage.FeedItem {
  return {
    itemKey: 'g:1',
    guid: '1',
    url,
    title: 'Council approves transit plan',
    author: '',
    publishedAt: undefined,
    contentHtml: '<p>The council approved…</p>',
    text: 'The council approved…',
    contentHash: 'teaser-hash',
  };
}

describe(FullTextEnricher.name, () => {
  const server = new FixtureServer();
  const fetcher = new GuardedFetcher({ timeoutMs: 2_000, maxBytes: 1024 * 1024, maxRedirects: 2, userAgent: 'test', allowHosts: ['127.0.0.1'] });
  const sut = new FullTextEnricher(fetcher);

  beforeAll(() => server.start());
  afterAll(async () => {
    await server.stop();
    await fetcher.close();
  });

  it("replaces a teaser with the page's main content, keeping the item's identity", async () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `<p>${PARAGRAPH}Paragraph ${i + 1}.</p>`).join('');
    server.serve('/transit', page(paragraphs), 'text/html; charset=utf-8');
    const item = teaser(server.url('/transit'));

    const enriched = await sut.enrich(item, new KeyedSemaphore(2));

    expect(enriched).toBeDefined();
    expect(enriched!.itemKey).toBe(item.itemKey);
    expect(enriched!.text).toContain('Paragraph 6.');
    expect(enriched!.text).not.toContain('Privacy');
    expect(enriched!.contentHtml).toContain('<p>');
    expect(enriched!.contentHash).toBe(contentHash(item.title, enriched!.text, item.url));
  });

  it("takes the page's own rel=canonical on the same site as the item's link, not another site's", async () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `<p>${PARAGRAPH}Paragraph ${i + 1}.</p>`).join('');
    const withCanonical = (href: string) => page(paragraphs).replace('<title>', `<link rel="canonical" href="${href}"><title>`);
    server.serve('/amp/transit', withCanonical('/news/transit?utm_source=amp'), 'text/html; charset=utf-8');
    server.serve('/copy/transit', withCanonical('https://elsewhere.example/news/transit'), 'text/html; charset=utf-8');

    const own = await sut.enrich(teaser(server.url('/amp/transit')), new KeyedSemaphore(2));
    const foreign = await sut.enrich(teaser(server.url('/copy/transit')), new KeyedSemaphore(2));

    expect(own?.url).toBe(server.url('/news/transit'));
    expect(own?.itemKey).toBe('g:1');
    expect(foreign?.url).toBe(server.url('/copy/transit'));
  });

  it('keeps the feed content when the page is missing, not HTML, or shorter', async () => {
    server.serve('/json', '{"a":1}', 'application/json');
    server.serve('/short', page('<p>Short.</p>'), 'text/html');
    const semaphore = new KeyedSemaphore(2);

    expect(await sut.enrich(teaser(server.url('/missing')), semaphore)).toBeUndefined();
    expect(await sut.enrich(teaser(server.url('/json')), semaphore)).toBeUndefined();
    expect(await sut.enrich(teaser(server.url('/short')), semaphore)).toBeUndefined();
  });

  it('refuses pages on addresses the guard blocks', async () => {
    const guarded = new FullTextEnricher(new GuardedFetcher({ timeoutMs: 1_000, maxBytes: 1024, maxRedirects: 2, userAgent: 'test', allowHosts: [] }));
    expect(await guarded.enrich(teaser(server.url('/transit')), new KeyedSemaphore(2))).toBeUndefined();
  });
});
