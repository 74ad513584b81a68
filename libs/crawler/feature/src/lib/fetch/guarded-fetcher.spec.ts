import type { LookupAddress } from 'node:dns';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { fetchOutcomes } from '@autoglm/shared-observability';
import { freePort } from '@autoglm/shared-testing';
import { FixtureServer } from '../testing/fixture-server';
import { FetchError, FetchFailure } from './fetch-error';
import { GuardedFetcher, type GuardedFetcherOptions } from './guarded-fetcher';

const USER_AGENT = 'Open-AutoGLM-test/1.0 (+https://example.org/bot)';

function makeFetcher(overrides: Partial<GuardedFetcherOptions> = {}): GuardedFetcher {
  return new GuardedFetcher({
    timeoutMs: 1_000,
    maxBytes: 64 * 1024,
    maxRedirects: 3,
    userAgent: USER_AGENT,
    allowHosts: ['127.0.0.1'],
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchError) return error;
    throw new Error(`expected a FetchError, got ${String(error)}`);
  }
  throw new Error('expected the fetch to fail');
}

describe(GuardedFetcher.name, () => {
  const server = new FixtureServer();
  let sut: GuardedFetcher;

  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    sut = makeFetcher();
  });
  afterEach(async () => {
    await sut.close();
  });

  describe('outcome metrics', () => {
    async function outcomes(): Promise<Record<string, number>> {
      return Object.fromEntries((await fetchOutcomes.get()).values.map((v) => [String(v.labels.outcome), v.value]));
    }

    it('counts each fetch by outcome: ok, or the kind of failure', async () => {
      server.serve('/feed.xml', '<rss/>', 'application/rss+xml');
      const before = await outcomes();

      await sut.fetch(server.url('/feed.xml'));
      await failure(sut.fetch(server.url('/missing')));
      await failure(sut.fetch('ftp://example.org/'));

      const after = await outcomes();
      const grew = (outcome: string) => (after[outcome] ?? 0) - (before[outcome] ?? 0);
      expect({ ok: grew('ok'), http: grew('http_status'), scheme: grew('unsupported_scheme') }).toEqual({ ok: 1, http: 1, scheme: 1 });
    });
  });

  describe('successful fetches', () => {
    it('returns status, final URL, headers, body and content type, and identifies itself', async () => {
      server.serve('/feed.xml', '<rss/>', 'application/rss+xml; charset=utf-8', { 'x-extra': 'yes' });

      const result = await sut.fetch(server.url('/feed.xml'));

      expect(result.status).toBe(200);
      expect(result.finalUrl).toBe(server.url('/feed.xml'));
      expect(result.contentType).toBe('application/rss+xml; charset=utf-8');
      expect(result.headers['x-extra']).toBe('yes');
      expect(result.body.toString('utf8')).toBe('<rss/>');
      expect(server.requests[0].headers['user-agent']).toBe(USER_AGENT);
      expect(server.requests[0].headers['accept-encoding']).toBe('gzip, deflate, br');
    });

    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ])('decompresses a %s response', async (encoding, compress) => {
      const text = '<rss><channel><title>compressed</title></channel></rss>'.repeat(50);
      server.serve('/z', compress(Buffer.from(text)), 'application/xml', { 'content-encoding': encoding });

      const result = await sut.fetch(server.url('/z'));

      expect(result.body.toString('utf8')).toBe(text);
    });

    it('follows redirects within the limit and reports the final URL', async () => {
      server.redirect('/a', '/b', 301).redirect('/b', server.url('/c'), 307).redirect('/c', 'd', 308);
      server.serve('/d', 'done', 'text/plain');

      const result = await sut.fetch(server.url('/a'));

      expect(result.finalUrl).toBe(server.url('/d'));
      expect(result.body.toString()).toBe('done');
    });

    it('returns an error status when asked to, and can skip the body', async () => {
      server.route('/gone', (_req, res) => {
        res.writeHead(410, { 'content-type': 'text/html' });
        res.end('<p>gone</p>');
      });

      const result = await sut.fetch(server.url('/gone'), { acceptAnyStatus: true, skipBody: true });

      expect(result.status).toBe(410);
      expect(result.contentType).toBe('text/html');
      expect(result.body.length).toBe(0);
    });

    it('connects only to the permitted answers of a name that also resolves to internal addresses', async () => {
      const resolveHost = async (): Promise<LookupAddress[]> => [
        { address: '10.0.0.5', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ];
      sut = makeFetcher({ resolveHost });
      server.serve('/feed', 'ok', 'text/plain');

      const result = await sut.fetch(`http://mixed.test:${server.port}/feed`);

      expect(result.body.toString()).toBe('ok');
    });
  });

  describe('refusals', () => {
    it('fails with HttpStatus on a non-2xx answer', async () => {
      const error = await failure(sut.fetch(server.url('/missing')));

      expect(error.reason).toBe(FetchFailure.HttpStatus);
      expect(error.status).toBe(404);
      expect(error.message).toContain('HTTP 404 Not Found');
    });

    it.each(['file:///etc/passwd', 'ftp://example.com/feed.xml', 'javascript:alert(1)', 'gopher://127.0.0.1/'])(
      'refuses the scheme of %s',
      async (url) => {
        const error = await failure(sut.fetch(url));

        expect(error.reason).toBe(FetchFailure.UnsupportedScheme);
        expect(error.message).toContain('only http and https');
      },
    );

    it.each(['not a url', '', 'http://', 'http://exa mple.com/'])('refuses the invalid URL %p', async (url) => {
      const error = await failure(sut.fetch(url));

      expect(error.reason).toBe(FetchFailure.InvalidUrl);
    });

    it('refuses URLs with credentials', async () => {
      const error = await failure(sut.fetch(`http://user:secret@127.0.0.1:${server.port}/`));

      expect(error.reason).toBe(FetchFailure.InvalidUrl);
      expect(error.message).not.toContain('secret');
    });

    describe('with an empty allow list', () => {
      beforeEach(() => {
        sut = makeFetcher({ allowHosts: [] });
      });

      it('refuses a direct fetch of 127.0.0.1 before connecting', async () => {
        server.serve('/feed', 'secret', 'text/plain');

        const error = await failure(sut.fetch(server.url('/feed')));

        expect(error.reason).toBe(FetchFailure.BlockedAddress);
        expect(error.message).toBe('refusing to fetch 127.0.0.1: loopback address');
        expect(server.requests).toHaveLength(0);
      });

      it.each([
        ['http://2130706433/', 'loopback address'],
        ['http://0x7f000001/', 'loopback address'],
        ['http://0177.0.0.1/', 'loopback address'],
        ['http://127.1/', 'loopback address'],
        ['http://[::1]/', 'loopback address'],
        ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped IPv6 address'],
        ['http://0.0.0.0/', 'unspecified address'],
        ['http://10.0.0.1/', 'private address'],
        ['http://169.254.169.254/latest/meta-data/', 'link-local address'],
        ['http://100.64.1.1/', 'carrier-grade NAT address'],
        ['http://[fd00::1]/', 'unique local address'],
        ['http://224.0.0.1/', 'multicast address'],
      ])('refuses %s (%s)', async (url, label) => {
        const error = await failure(sut.fetch(url));

        expect(error.reason).toBe(FetchFailure.BlockedAddress);
        expect(error.message).toContain(label);
      });

      it('refuses a name that resolves to a loopback address (checked at connect time)', async () => {
        const error = await failure(sut.fetch(`http://localhost:${server.port}/`));

        expect(error.reason).toBe(FetchFailure.BlockedAddress);
        expect(error.message).toMatch(/refusing to fetch localhost \((127\.0\.0\.1|::1)\): loopback address/);
        expect(server.requests).toHaveLength(0);
      });

      it('checks the connected address even when the URL check is bypassed', async () => {
        class UncheckedUrlFetcher extends GuardedFetcher {
          override validate(url: string): URL {
            return new URL(url);
          }
        }
        await sut.close();
        sut = new UncheckedUrlFetcher({ timeoutMs: 1_000, maxBytes: 1024, maxRedirects: 0, userAgent: USER_AGENT, allowHosts: [] });
        server.serve('/feed', 'secret', 'text/plain');

        const error = await failure(sut.fetch(server.url('/feed')));

        expect(error.reason).toBe(FetchFailure.BlockedAddress);
        expect(error.message).toBe('refusing to fetch 127.0.0.1: loopback address');
        expect(server.requests).toHaveLength(0);
      });

      it('refuses a name whose every answer is internal', async () => {
        sut = makeFetcher({ allowHosts: [], resolveHost: async () => [{ address: '10.1.2.3', family: 4 }] });

        const error = await failure(sut.fetch('http://intranet.test/feed'));

        expect(error.reason).toBe(FetchFailure.BlockedAddress);
        expect(error.message).toBe('refusing to fetch intranet.test (10.1.2.3): private address');
      });
    });

    it('allows an internal host listed by name', async () => {
      sut = makeFetcher({ allowHosts: ['feeds.internal'], resolveHost: async () => [{ address: '127.0.0.1', family: 4 }] });
      server.serve('/feed', 'internal', 'text/plain');

      const result = await sut.fetch(`http://feeds.internal:${server.port}/feed`);

      expect(result.body.toString()).toBe('internal');
    });

    it.each([
      ['http://169.254.169.254/latest/meta-data/', 'link-local address'],
      ['http://10.0.0.1/', 'private address'],
      ['http://[::1]:8080/', 'loopback address'],
    ])('refuses a redirect to %s', async (location, label) => {
      server.redirect('/redirect', location);

      const error = await failure(sut.fetch(server.url('/redirect')));

      expect(error.reason).toBe(FetchFailure.BlockedAddress);
      expect(error.message).toContain(label);
    });

    it('refuses a redirect to another scheme', async () => {
      server.redirect('/redirect', 'file:///etc/passwd');

      const error = await failure(sut.fetch(server.url('/redirect')));

      expect(error.reason).toBe(FetchFailure.UnsupportedScheme);
    });

    it('stops a redirect chain longer than the limit', async () => {
      for (let i = 0; i < 5; i++) server.redirect(`/r${i}`, `/r${i + 1}`);
      server.serve('/r5', 'never', 'text/plain');

      const error = await failure(sut.fetch(server.url('/r0')));

      expect(error.reason).toBe(FetchFailure.TooManyRedirects);
      expect(server.requests).toHaveLength(4);
    });

    it('stops a redirect loop', async () => {
      server.redirect('/loop', '/loop');

      const error = await failure(sut.fetch(server.url('/loop')));

      expect(error.reason).toBe(FetchFailure.TooManyRedirects);
    });
  });

  describe('limits', () => {
    it('refuses a body declared larger than the limit', async () => {
      server.serve('/big', Buffer.alloc(100 * 1024, 'a'), 'text/plain');

      const error = await failure(sut.fetch(server.url('/big')));

      expect(error.reason).toBe(FetchFailure.TooLarge);
      expect(error.message).toContain('65536 bytes');
    });

    it('stops reading an undeclared (chunked) body once over the limit', async () => {
      server.route('/stream', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 20; i++) res.write(Buffer.alloc(8 * 1024, 'b'));
        res.end();
      });

      const error = await failure(sut.fetch(server.url('/stream')));

      expect(error.reason).toBe(FetchFailure.TooLarge);
    });

    it('counts bytes after decompression (gzip bomb)', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(64 * 1024);
      server.serve('/bomb', bomb, 'application/xml', { 'content-encoding': 'gzip' });

      const error = await failure(sut.fetch(server.url('/bomb')));

      expect(error.reason).toBe(FetchFailure.TooLarge);
    });

    it('reports a body that cannot be decompressed', async () => {
      server.serve('/corrupt', Buffer.from('this is not gzip at all'), 'application/xml', { 'content-encoding': 'gzip' });

      const error = await failure(sut.fetch(server.url('/corrupt')));

      expect(error.reason).toBe(FetchFailure.BadResponse);
    });

    it('times out on a server that does not answer', async () => {
      sut = makeFetcher({ timeoutMs: 200 });
      server.route('/slow', () => undefined);

      const started = Date.now();
      const error = await failure(sut.fetch(server.url('/slow')));

      expect(error.reason).toBe(FetchFailure.Timeout);
      expect(error.message).toContain('200 ms');
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('times out on a body that trickles', async () => {
      sut = makeFetcher({ timeoutMs: 300 });
      server.route('/trickle', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(timer));
      });

      const error = await failure(sut.fetch(server.url('/trickle')));

      expect(error.reason).toBe(FetchFailure.Timeout);
    });

    it('applies a shorter per-call deadline', async () => {
      server.route('/slow', () => undefined);

      const error = await failure(sut.fetch(server.url('/slow'), { timeoutMs: 100 }));

      expect(error.reason).toBe(FetchFailure.Timeout);
      expect(error.message).toContain('100 ms');
    });
  });

  describe('network failures', () => {
    it('reports a refused connection', async () => {
      const port = await freePort();

      const error = await failure(sut.fetch(`http://127.0.0.1:${port}/`));

      expect(error.reason).toBe(FetchFailure.ConnectFailure);
      expect(error.message).toContain(`could not connect to 127.0.0.1:${port}`);
    });

    it('reports a name that does not resolve', async () => {
      const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
      sut = makeFetcher({
        resolveHost: async () => {
          throw notFound;
        },
      });

      const error = await failure(sut.fetch('http://nowhere.test/feed'));

      expect(error.reason).toBe(FetchFailure.DnsFailure);
      expect(error.message).toBe('could not resolve nowhere.test: ENOTFOUND');
    });

    it('reports a name without addresses', async () => {
      sut = makeFetcher({ resolveHost: async () => [] });

      const error = await failure(sut.fetch('http://empty.test/feed'));

      expect(error.reason).toBe(FetchFailure.DnsFailure);
    });
  });
});
