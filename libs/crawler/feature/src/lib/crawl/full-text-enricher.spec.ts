import type { storage } from '@autoglm/contracts';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { contentHash } from '../normalize/item-identity';
import { FixtureServer } from '../testing/fixture-server';
import { FullTextEnricher, type FullTextOutcome } from './full-text-enricher';
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

function teaser(url: string, overrides: Partial<storage.FullTextWork> = {}): storage.FullTextWork {
  return {
    articleId: 'a1',
    sourceId: 's1',
    url,
    title: 'Council approves transit plan',
    author: '',
    text: 'The council approved…',
    claim: '1:teaser-hash',
    attempt: 1,
    ...overrides,
  };
}

/** The page of an outcome that must have one. */
function pageOf(outcome: FullTextOutcome): storage.FullTextPage {
  if (!('page' in outcome)) throw new Error(`expected a page, got the failure "${outcome.failure}"`);
  return outcome.page;
}

const SIX_PARAGRAPHS = Array.from({ length: 6 }, (_, i) => `<p>${PARAGRAPH}Paragraph ${i + 1}.</p>`).join('');

describe(FullTextEnricher.name, () => {
  const server = new FixtureServer();
  const fetcher = new GuardedFetcher({ timeoutMs: 2_000, maxBytes: 1024 * 1024, maxRedirects: 2, userAgent: 'test', allowHosts: ['127.0.0.1'] });
  const now = new Date('2026-12-01T08:00:00.000Z');
  const sut = new FullTextEnricher(fetcher, { now: () => now });

  beforeAll(() => server.start());
  afterAll(async () => {
    await server.stop();
    await fetcher.close();
  });
  beforeEach(() => server.reset());

  const failWith = (path: string, status: number, headers: Record<string, string> = {}) =>
    server.route(path, (_req, res) => {
      res.writeHead(status, { 'content-type': 'text/html', ...headers });
      res.end('<p>error</p>');
    });

  it("gives the page's main content with the hash of the item's new content", async () => {
    server.serve('/transit', page(SIX_PARAGRAPHS), 'text/html; charset=utf-8');
    const work = teaser(server.url('/transit'));

    const sutPage = pageOf(await sut.read(work, new KeyedSemaphore(2)));

    expect(sutPage.text).toContain('Paragraph 6.');
    expect(sutPage.text).not.toContain('Privacy');
    expect(sutPage.contentHtml).toContain('<p>');
    expect(sutPage.url).toBe(work.url);
    expect(sutPage.contentHash).toBe(contentHash(work.title, sutPage.text, work.url));
  });

  it("takes the page's byline only when the feed named no author", async () => {
    const bylined = page(SIX_PARAGRAPHS).replace('<title>', '<meta name="author" content="Grace Hopper"><title>');
    server.serve('/bylined', bylined, 'text/html');

    const anonymous = pageOf(await sut.read(teaser(server.url('/bylined')), new KeyedSemaphore(2)));
    const named = pageOf(await sut.read(teaser(server.url('/bylined'), { author: 'Ada' }), new KeyedSemaphore(2)));

    expect(anonymous.author).toBe('Grace Hopper');
    expect(named.author).toBe('');
  });

  it("takes the page's own rel=canonical on the same site as the item's link, not another site's", async () => {
    const withCanonical = (href: string) => page(SIX_PARAGRAPHS).replace('<title>', `<link rel="canonical" href="${href}"><title>`);
    server.serve('/amp/transit', withCanonical('/news/transit?utm_source=amp'), 'text/html; charset=utf-8');
    server.serve('/copy/transit', withCanonical('https://elsewhere.example/news/transit'), 'text/html; charset=utf-8');

    const own = pageOf(await sut.read(teaser(server.url('/amp/transit')), new KeyedSemaphore(2)));
    const foreign = pageOf(await sut.read(teaser(server.url('/copy/transit')), new KeyedSemaphore(2)));

    expect(own.url).toBe(server.url('/news/transit'));
    expect(foreign.url).toBe(server.url('/copy/transit'));
  });

  it.each([
    ['a missing page', '/missing', 'A teaser.', /HTTP 404/],
    ['a page that is not HTML', '/json', 'A teaser.', /not HTML \(application\/json\)/],
    ['a page with no more text than the feed', '/article', PARAGRAPH.repeat(20), /no longer than the feed's/],
    ['a page without main text', '/empty', 'A teaser.', /no main text/],
  ])('says why there is no text for %s, for good', async (_name, path, feedText, reason) => {
    server.serve('/json', '{"a":1}', 'application/json');
    server.serve('/article', page(SIX_PARAGRAPHS), 'text/html');
    server.serve('/empty', '<!doctype html><html><body></body></html>', 'text/html');

    const outcome = await sut.read(teaser(server.url(path), { text: feedText }), new KeyedSemaphore(2));

    expect(outcome).toEqual({ failure: expect.stringMatching(reason), retryable: false, retryAfterSeconds: 0 });
  });

  it('retries server errors, with the Retry-After the server asks for', async () => {
    failWith('/busy', 503, { 'retry-after': '120' });
    failWith('/broken', 500);
    failWith('/gone', 410);
    const semaphore = new KeyedSemaphore(2);

    expect(await sut.read(teaser(server.url('/busy')), semaphore)).toEqual({
      failure: expect.stringMatching(/HTTP 503/),
      retryable: true,
      retryAfterSeconds: 120,
    });
    expect(await sut.read(teaser(server.url('/broken')), semaphore)).toMatchObject({ retryable: true, retryAfterSeconds: 0 });
    expect(await sut.read(teaser(server.url('/gone')), semaphore)).toMatchObject({ failure: expect.stringMatching(/HTTP 410/), retryable: false });
  });

  it('retries a page that does not answer in time', async () => {
    const slow = new GuardedFetcher({ timeoutMs: 100, maxBytes: 1024 * 1024, maxRedirects: 2, userAgent: 'test', allowHosts: ['127.0.0.1'] });
    server.route('/slow', () => undefined);
    try {
      const outcome = await new FullTextEnricher(slow).read(teaser(server.url('/slow')), new KeyedSemaphore(2));

      expect(outcome).toMatchObject({ failure: expect.stringMatching(/timed out/), retryable: true });
    } finally {
      await slow.onApplicationShutdown();
    }
  });

  it('refuses pages on addresses the guard blocks, for good', async () => {
    server.serve('/transit', page(SIX_PARAGRAPHS), 'text/html');
    const guarded = new GuardedFetcher({ timeoutMs: 1_000, maxBytes: 1024, maxRedirects: 2, userAgent: 'test', allowHosts: [] });
    try {
      const outcome = await new FullTextEnricher(guarded).read(teaser(server.url('/transit')), new KeyedSemaphore(2));

      expect(outcome).toEqual({ failure: expect.stringMatching(/refusing to fetch 127\.0\.0\.1/), retryable: false, retryAfterSeconds: 0 });
      expect(server.requests).toEqual([]);
    } finally {
      await guarded.onApplicationShutdown();
    }
  });

  it('says an item without a link has no page', async () => {
    expect(await sut.read(teaser(''), new KeyedSemaphore(2))).toEqual({ failure: 'the item has no link to a page', retryable: false, retryAfterSeconds: 0 });
  });

  it("reads pages within the host's limit", async () => {
    let inFlight = 0;
    let peak = 0;
    server.route('/paced', (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(page(SIX_PARAGRAPHS));
      }, 30);
    });
    const semaphore = new KeyedSemaphore(2);

    const outcomes = await Promise.all(Array.from({ length: 6 }, () => sut.read(teaser(server.url('/paced')), semaphore)));

    expect(outcomes.every((o) => 'page' in o)).toBe(true);
    expect(peak).toBe(2);
  });
});
