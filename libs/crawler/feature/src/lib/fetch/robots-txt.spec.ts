import { FixtureServer } from '../testing/fixture-server';
import { GuardedFetcher } from './guarded-fetcher';
import { MAX_CRAWL_DELAY_SECONDS, productToken, RobotsRefusalError, RobotsTxtRules, type RobotsTxtOptions } from './robots-txt';

const USER_AGENT = 'Open-AutoGLM/0.1 (+https://github.com/open-autoglm; feed reader)';

/** A clock the test moves by hand. */
class ManualClock {
  ms = Date.parse('2026-11-25T12:00:00Z');
  now = () => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

describe(RobotsTxtRules.name, () => {
  const server = new FixtureServer();
  let fetcher: GuardedFetcher;
  let clock: ManualClock;

  beforeAll(async () => {
    await server.start();
    fetcher = new GuardedFetcher({ timeoutMs: 2_000, maxBytes: 64 * 1024, maxRedirects: 2, userAgent: USER_AGENT, allowHosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    clock = new ManualClock();
  });

  const rules = (options: Partial<RobotsTxtOptions> = {}) =>
    new RobotsTxtRules(fetcher, { enabled: true, userAgent: USER_AGENT, cacheTtlSeconds: 3600, maxCachedOrigins: 10, ...options }, clock);
  const robots = (text: string) => server.serve('/robots.txt', text, 'text/plain');
  const robotsFetches = () => server.requests.filter((r) => r.path === '/robots.txt').length;
  const allowed = async (sut: RobotsTxtRules, path: string) => (await sut.verdict(server.url(path))).allowed;

  it('allows what robots.txt allows and refuses what it disallows, naming host, path and agent', async () => {
    robots('User-agent: *\nDisallow: /private/\n');
    const sut = rules();

    expect(await sut.verdict(server.url('/news/1'))).toEqual({ allowed: true, crawlDelayMs: 0 });
    const verdict = await sut.verdict(server.url('/private/a?x=1'));

    expect(verdict.allowed).toBe(false);
    const refusal = (verdict as { refusal: RobotsRefusalError }).refusal;
    expect(refusal).toBeInstanceOf(RobotsRefusalError);
    expect(refusal.reason).toBe('disallowed');
    expect(refusal.message).toBe(`robots.txt of 127.0.0.1:${server.port} disallows /private/a?x=1 for Open-AutoGLM`);
  });

  it('applies wildcards, $ anchors and the longest match (Allow winning a tie)', async () => {
    robots(['User-agent: *', 'Disallow: /*.pdf$', 'Disallow: /archive/', 'Allow: /archive/latest', 'Disallow: /tie', 'Allow: /tie'].join('\n'));
    const sut = rules();

    expect(await allowed(sut, '/files/report.pdf')).toBe(false);
    expect(await allowed(sut, '/files/report.pdf?download=1')).toBe(true);
    expect(await allowed(sut, '/archive/2020/story')).toBe(false);
    expect(await allowed(sut, '/archive/latest/story')).toBe(true);
    expect(await allowed(sut, '/tie')).toBe(true);
  });

  it('follows the group of our product token over the * group, case-insensitively', async () => {
    robots(['User-agent: *', 'Disallow: /', '', 'User-agent: open-autoglm', 'Disallow: /drafts/', 'Crawl-delay: 2'].join('\n'));
    const sut = rules();

    expect(await sut.verdict(server.url('/news/1'))).toEqual({ allowed: true, crawlDelayMs: 2000 });
    expect(await allowed(sut, '/drafts/x')).toBe(false);
    // Another crawler falls under "*".
    const other = rules({ userAgent: 'OtherBot/2.0' });
    expect(await allowed(other, '/news/1')).toBe(false);
  });

  it(`caps a long Crawl-delay at ${MAX_CRAWL_DELAY_SECONDS} seconds`, async () => {
    robots('User-agent: *\nCrawl-delay: 3600\n');

    expect(await rules().verdict(server.url('/a'))).toEqual({ allowed: true, crawlDelayMs: MAX_CRAWL_DELAY_SECONDS * 1000 });
  });

  it('allows everything when robots.txt is missing (404)', async () => {
    const sut = rules();

    expect(await allowed(sut, '/anything')).toBe(true);
    expect(robotsFetches()).toBe(1);
  });

  it('refuses everything while robots.txt answers 500, and asks again a minute later', async () => {
    let status = 500;
    server.route('/robots.txt', (_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'User-agent: *\nDisallow: /private/\n' : 'oops');
    });
    const sut = rules();

    const verdict = await sut.verdict(server.url('/news/1'));
    expect(verdict).toMatchObject({ allowed: false });
    const refusal = (verdict as { refusal: RobotsRefusalError }).refusal;
    expect(refusal.reason).toBe('unreachable');
    expect(refusal.message).toBe(`robots.txt of 127.0.0.1:${server.port} could not be read (HTTP 500); its pages are not fetched until it can be`);

    status = 200;
    clock.advance(30);
    expect(await allowed(sut, '/news/1')).toBe(false);
    clock.advance(31);
    expect(await allowed(sut, '/news/1')).toBe(true);
    expect(await allowed(sut, '/private/x')).toBe(false);
    expect(robotsFetches()).toBe(2);
  });

  it('refuses everything when the server cannot be reached', async () => {
    const closed = new FixtureServer();
    await closed.start();
    const url = closed.url('/page');
    await closed.stop();

    expect(await rules().verdict(url)).toMatchObject({ allowed: false, refusal: { reason: 'unreachable' } });
  });

  it('fetches robots.txt once for many pages, also when they are checked at the same time', async () => {
    robots('User-agent: *\nDisallow: /private/\n');
    const sut = rules();

    const verdicts = await Promise.all(['/a', '/b', '/private/c', '/d'].map((path) => allowed(sut, path)));
    expect(verdicts).toEqual([true, true, false, true]);
    expect(await allowed(sut, '/e')).toBe(true);

    expect(robotsFetches()).toBe(1);
    expect(sut.cachedOrigins).toBe(1);
  });

  it('fetches robots.txt again once the TTL has passed', async () => {
    robots('User-agent: *\nDisallow: /old/\n');
    const sut = rules({ cacheTtlSeconds: 600 });
    expect(await allowed(sut, '/old/a')).toBe(false);

    robots('User-agent: *\nDisallow: /new/\n');
    clock.advance(599);
    expect(await allowed(sut, '/old/a')).toBe(false);
    clock.advance(2);
    expect(await allowed(sut, '/old/a')).toBe(true);
    expect(await allowed(sut, '/new/a')).toBe(false);
    expect(robotsFetches()).toBe(2);
  });

  it('keeps at most maxCachedOrigins origins, dropping the least recently used', async () => {
    robots('User-agent: *\nDisallow:\n');
    const other = new FixtureServer();
    await other.start();
    try {
      other.serve('/robots.txt', 'User-agent: *\nDisallow:\n', 'text/plain');
      const sut = rules({ maxCachedOrigins: 1 });

      await sut.verdict(server.url('/a'));
      await sut.verdict(other.url('/a'));
      await sut.verdict(server.url('/b'));

      expect(sut.cachedOrigins).toBe(1);
      expect(robotsFetches()).toBe(2);
    } finally {
      await other.stop();
    }
  });

  it('allows everything without fetching robots.txt when disabled', async () => {
    robots('User-agent: *\nDisallow: /\n');

    expect(await allowed(rules({ enabled: false }), '/a')).toBe(true);
    expect(robotsFetches()).toBe(0);
  });

  it.each([
    ['Open-AutoGLM/0.1 (+https://example.org)', 'Open-AutoGLM'],
    ['  newsbot ', 'newsbot'],
    ['', '*'],
  ])('takes the product token of %p', (userAgent, token) => {
    expect(productToken(userAgent)).toBe(token);
  });
});
