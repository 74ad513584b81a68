import { storage } from '@autoglm/contracts';
import { defaultRateLimitConfig, type RateLimitConfig } from '@autoglm/shared-config';
import { graphQl, send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { RateLimitGuard } from './rate-limit.guard';

// Every case starts its own gateway (fresh counters); the first start on a busy machine takes seconds.
jest.setTimeout(30_000);

const KEY_A = `agl_${'a'.repeat(43)}`;
const KEY_B = `agl_${'b'.repeat(43)}`;

function limits(overrides: Partial<RateLimitConfig> = {}): RateLimitConfig {
  const base = defaultRateLimitConfig();
  return { ...base, perClient: { limit: 5, windowSeconds: 60 }, perAddress: { limit: 0, windowSeconds: 60 }, ...overrides };
}

async function statuses(gateway: TestGateway, n: number, path: string, headers: Record<string, string> = {}): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < n; i++) answers.push((await send(gateway, 'GET', path, undefined, headers)).status);
  return answers;
}

function fetchWithHeaders(gateway: TestGateway, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(gateway.baseUrl + path, { headers });
}

describe(RateLimitGuard.name, () => {
  let sut: TestGateway | undefined;

  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  async function start(rateLimit: RateLimitConfig): Promise<TestGateway> {
    sut = await startTestGateway({ rateLimit });
    sut.backends.sources.listSources.returns({ sources: [] });
    sut.backends.storage.search.returns({ hits: [], nextCursor: '', mode: storage.SearchMode.SEARCH_MODE_TEXT, notice: '' });
    sut.backends.storage.authenticateApiKey.returns({ user: undefined, apiKeyId: '' });
    return sut;
  }

  describe('the per-client budget', () => {
    it('answers 429 with Retry-After, RateLimit-* headers and the error body once the budget is spent', async () => {
      const gateway = await start(limits());

      expect(await statuses(gateway, 5, '/api/v1/sources')).toEqual([200, 200, 200, 200, 200]);
      const refused = await fetchWithHeaders(gateway, '/api/v1/sources');

      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(refused.headers.get('ratelimit-limit')).toBe('5');
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(await refused.json()).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringMatching(/^too many requests: at most 5 per 60 s; retry after \d+ s$/),
      });
    });

    it('reports what is left on every answer', async () => {
      const gateway = await start(limits());

      const first = await fetchWithHeaders(gateway, '/api/v1/sources');
      const second = await fetchWithHeaders(gateway, '/api/v1/sources');

      expect(first.headers.get('ratelimit-remaining')).toBe('4');
      expect(second.headers.get('ratelimit-remaining')).toBe('3');
      expect(Number(second.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      expect(second.headers.get('retry-after')).toBeNull();
    });

    it('is one budget across routes, not one per route', async () => {
      const gateway = await start(limits());
      gateway.backends.sources.exportOpml.returns({ opml: '<opml/>' });

      await statuses(gateway, 3, '/api/v1/sources');

      expect(await statuses(gateway, 3, '/api/v1/sources/export')).toEqual([200, 200, 429]);
    });

    it('gives each API key its own budget, apart from the address', async () => {
      const gateway = await start(limits());

      expect(await statuses(gateway, 6, '/api/v1/sources')).toEqual([200, 200, 200, 200, 200, 429]);
      // Keys the fake storage does not know: refused by authentication, but counted by key first.
      expect(await statuses(gateway, 6, '/api/v1/sources', { 'x-api-key': KEY_A })).toEqual([401, 401, 401, 401, 401, 429]);
      expect(await statuses(gateway, 1, '/api/v1/sources', { authorization: `Bearer ${KEY_B}` })).toEqual([401]);
    });

    it('counts GraphQL requests too and refuses them with RESOURCE_EXHAUSTED and Retry-After', async () => {
      const gateway = await start(limits({ perClient: { limit: 2, windowSeconds: 30 } }));

      expect((await graphQl(gateway, '{ sources { id } }')).errors).toBeUndefined();
      expect((await graphQl(gateway, '{ sources { id } }')).errors).toBeUndefined();
      const refused = await fetch(`${gateway.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ sources { id } }' }),
      });
      const body = (await refused.json()) as { data: unknown; errors: { message: string; extensions: { code: string } }[] };

      expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/^too many requests: at most 2 per 30 s/), extensions: { code: 'RESOURCE_EXHAUSTED' } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('does not count health probes', async () => {
      const gateway = await start(limits({ perClient: { limit: 1, windowSeconds: 60 } }));
      gateway.backends.storage.listArticles.returns({ articles: [], nextCursor: '' });

      const probes = await statuses(gateway, 3, '/health');

      expect(probes.every((status) => status !== 429)).toBe(true);
      expect(await statuses(gateway, 2, '/api/v1/sources')).toEqual([200, 429]);
    });

    it('limits nothing when switched off', async () => {
      const gateway = await start(limits({ enabled: false, perClient: { limit: 1, windowSeconds: 60 } }));

      const answer = await fetchWithHeaders(gateway, '/api/v1/sources');

      expect(await statuses(gateway, 5, '/api/v1/sources')).toEqual([200, 200, 200, 200, 200]);
      expect(answer.headers.get('ratelimit-limit')).toBeNull();
    });
  });

  describe('the per-address ceiling', () => {
    it('stops a client that makes up a new key for every request', async () => {
      const gateway = await start(limits({ perAddress: { limit: 4, windowSeconds: 60 } }));
      const madeUp = (i: number) => ({ 'x-api-key': `agl_${String(i).padStart(43, 'x')}` });

      const answers: number[] = [];
      for (let i = 0; i < 5; i++) answers.push((await send(gateway, 'GET', '/api/v1/sources', undefined, madeUp(i))).status);

      expect(answers).toEqual([401, 401, 401, 401, 429]);
      expect((await send(gateway, 'GET', '/api/v1/sources')).body).toMatchObject({ message: expect.stringMatching(/^too many requests from one address/) });
    });
  });

  describe('trusted proxies', () => {
    it('ignores X-Forwarded-For by default: a client cannot pick a fresh address', async () => {
      const gateway = await start(limits({ perClient: { limit: 2, windowSeconds: 60 } }));

      const answers = [];
      for (const forwarded of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        answers.push((await send(gateway, 'GET', '/api/v1/sources', undefined, { 'x-forwarded-for': forwarded })).status);
      }

      expect(answers).toEqual([200, 200, 429]);
    });

    it('counts the forwarded client address when the proxy in front is trusted', async () => {
      const gateway = await start(limits({ perClient: { limit: 2, windowSeconds: 60 }, trustProxy: ['loopback'] }));
      const from = (address: string) => ({ 'x-forwarded-for': address });

      expect(await statuses(gateway, 3, '/api/v1/sources', from('198.51.100.1'))).toEqual([200, 200, 429]);
      expect(await statuses(gateway, 2, '/api/v1/sources', from('198.51.100.2'))).toEqual([200, 200]);
      // Only the hop the trusted proxy added counts: a client's own X-Forwarded-For entry is not believed.
      expect(await statuses(gateway, 1, '/api/v1/sources', from('203.0.113.9, 198.51.100.1'))).toEqual([429]);
    });

    it('believes exactly the configured number of hops', async () => {
      const gateway = await start(limits({ perClient: { limit: 1, windowSeconds: 60 }, trustProxy: 1 }));

      expect(await statuses(gateway, 2, '/api/v1/sources', { 'x-forwarded-for': '203.0.113.1, 198.51.100.1' })).toEqual([200, 429]);
      expect(await statuses(gateway, 1, '/api/v1/sources', { 'x-forwarded-for': '203.0.113.2, 198.51.100.1' })).toEqual([429]);
      expect(await statuses(gateway, 1, '/api/v1/sources', { 'x-forwarded-for': '198.51.100.2' })).toEqual([200]);
    });
  });

  describe('expensive routes', () => {
    it('spend their own smaller budget on top of the per-client one', async () => {
      const gateway = await start(limits({ perClient: { limit: 100, windowSeconds: 60 }, routes: { ...limits().routes, search: { limit: 2, windowSeconds: 60 } } }));

      const searches = await statuses(gateway, 3, '/api/v1/search?q=cpu&mode=text');
      const refused = await fetchWithHeaders(gateway, '/api/v1/search?q=cpu&mode=text');

      expect(searches).toEqual([200, 200, 429]);
      expect(await refused.json()).toMatchObject({ statusCode: 429, message: expect.stringMatching(/^too many searches: at most 2 per 60 s/) });
      expect(refused.headers.get('ratelimit-limit')).toBe('2');
      // Ordinary reads are not affected.
      expect(await statuses(gateway, 2, '/api/v1/sources')).toEqual([200, 200]);
    });

    it('report the budget that refused the request, even when another one is spent too', async () => {
      // Budgets are checked shortest window first: the per-client one (spent, not exceeded) before search's.
      const gateway = await start(limits({ perClient: { limit: 3, windowSeconds: 60 }, routes: { ...limits().routes, search: { limit: 2, windowSeconds: 120 } } }));

      await statuses(gateway, 2, '/api/v1/search?q=cpu&mode=text');
      const refused = await fetchWithHeaders(gateway, '/api/v1/search?q=cpu&mode=text');

      expect(refused.status).toBe(429);
      expect(refused.headers.get('ratelimit-limit')).toBe('2');
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    });

    it('share one search budget between REST and GraphQL', async () => {
      const gateway = await start(limits({ perClient: { limit: 100, windowSeconds: 60 }, routes: { ...limits().routes, search: { limit: 2, windowSeconds: 60 } } }));

      expect(await statuses(gateway, 2, '/api/v1/search?q=cpu&mode=text')).toEqual([200, 200]);
      const answer = await graphQl(gateway, '{ search(q: "cpu", mode: text) { mode } }');

      expect(answer.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^too many searches/), extensions: { code: 'RESOURCE_EXHAUSTED' } });
    });

    it.each([
      ['opmlImport', 'POST', '/api/v1/sources/import', 'OPML imports'],
      ['sourceRefresh', 'POST', '/api/v1/sources/src-1/refresh', 'source refreshes'],
      ['modelPull', 'POST', '/api/v1/admin/models/pull', 'model pulls'],
      ['userCreation', 'POST', '/api/v1/users', 'user creations'],
    ] as const)('limit %s (%s %s) before anything else runs', async (route, method, path, what) => {
      const gateway = await start(limits({ perClient: { limit: 100, windowSeconds: 60 }, routes: { ...limits().routes, [route]: { limit: 1, windowSeconds: 600 } } }));

      const first = await send(gateway, method, path, {});
      const second = await send(gateway, method, path, {});

      expect(first.status).not.toBe(429);
      expect(second.status).toBe(429);
      expect(second.body).toMatchObject({ message: expect.stringMatching(new RegExp(`^too many ${what}: at most 1 per 600 s`)) });
    });
  });
});
