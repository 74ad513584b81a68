import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { defaultRateLimitConfig, type RateLimitConfig } from '@autoglm/shared-config';
import { freePort } from '@autoglm/shared-testing';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { RedisRateLimitStore } from './redis-rate-limit-store';

const REDIS_URL = 'redis://127.0.0.1:6379';
const WINDOW_MS = 60_000;

/** Every spec's counters live under its own prefix, removed afterwards (the server is shared: never FLUSHALL). */
function uniquePrefix(): string {
  return `autoglm-test:ratelimit:${randomUUID()}:`;
}

interface Warnings {
  warn: jest.Mock;
  log: jest.Mock;
}

function quietLogger(): Warnings {
  return { warn: jest.fn(), log: jest.fn() };
}

describe(`${RedisRateLimitStore.name} on Redis`, () => {
  const admin = createClient({ url: REDIS_URL });
  const prefixes: string[] = [];
  const stores: RedisRateLimitStore[] = [];
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    await admin.connect();
  });

  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.close();
    for (const store of stores.splice(0)) await store.onApplicationShutdown();
  });

  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(keys);
    }
    await admin.close();
  });

  async function startStore(prefix: string, url = REDIS_URL, logger: Warnings = quietLogger()): Promise<RedisRateLimitStore> {
    const store = new RedisRateLimitStore({ url, keyPrefix: prefix, timeoutMs: 500, connectWaitMs: 2_000, logger });
    stores.push(store);
    await store.onModuleInit();
    return store;
  }

  it('counts atomically: of 200 concurrent hits from two clients on a budget of 50, exactly 50 pass', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const [first, second] = [await startStore(prefix), await startStore(prefix)];

    const records = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? first : second).increment('client:ip:203.0.113.7', WINDOW_MS, 50, 0, 'client')),
    );

    expect(records.filter((r) => !r.isBlocked)).toHaveLength(50);
    expect(records.map((r) => r.totalHits).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('keeps its counters under the prefix, expiring with the window', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const sut = await startStore(prefix);

    await sut.increment('client:ip:203.0.113.7', WINDOW_MS, 5, 0, 'client');

    expect(await admin.keys(`${prefix}*`)).toEqual([`${prefix}client:ip:203.0.113.7`]);
    const ttl = await admin.pTTL(`${prefix}client:ip:203.0.113.7`);
    expect(ttl).toBeGreaterThan(WINDOW_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
  });

  it('refuses until the window ends, then starts a new one', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const sut = await startStore(prefix);

    const inWindow = [];
    for (let i = 0; i < 3; i++) inWindow.push(await sut.increment('k', 600, 2, 0, 'client'));
    await new Promise((resolve) => setTimeout(resolve, 700));

    expect(inWindow.map((r) => r.isBlocked)).toEqual([false, false, true]);
    expect(inWindow[2]).toMatchObject({ timeToBlockExpire: 1 });
    expect(await sut.increment('k', 600, 2, 0, 'client')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('stretches the refusal to blockDuration when that outlasts the window', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const sut = await startStore(prefix);

    await sut.increment('k', 1_000, 1, 90_000, 'client');
    const refused = await sut.increment('k', 1_000, 1, 90_000, 'client');

    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 90 });
    expect(await admin.pTTL(`${prefix}k`)).toBeGreaterThan(80_000);
  });

  it('fails open when Redis cannot be reached: answers at once, counts in this replica, warns once', async () => {
    const closedPort = await freePort();
    const logger = quietLogger();
    const sut = await startStore(uniquePrefix(), `redis://127.0.0.1:${closedPort}`, logger);

    const started = Date.now();
    const records = [];
    for (let i = 0; i < 4; i++) records.push(await sut.increment('client:ip:203.0.113.7', WINDOW_MS, 3, 0, 'client'));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(records.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toMatch(/rate limits are counted per replica \(fail open\)/);
  });

  it('lets two gateway instances share one budget per client', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const rateLimit: RateLimitConfig = { ...defaultRateLimitConfig(), perClient: { limit: 4, windowSeconds: 60 }, redisKeyPrefix: prefix };
    for (let i = 0; i < 2; i++) {
      const gateway = await startTestGateway({ rateLimit, redisUrl: REDIS_URL });
      gateway.backends.sources.listSources.returns({ sources: [] });
      gateways.push(gateway);
    }
    const [one, two] = gateways as [TestGateway, TestGateway];

    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await send(i % 2 === 0 ? one : two, 'GET', '/api/v1/sources')).status);

    expect(answers).toEqual([200, 200, 200, 200, 429, 429]);
    expect((await admin.keys(`${prefix}*`)).sort()).toEqual([`${prefix}address:ip:127.0.0.1`, `${prefix}client:ip:127.0.0.1`]);
    expect(await admin.get(`${prefix}client:ip:127.0.0.1`)).toBe('6');
  });

  it('keeps a gateway answering when its Redis is down', async () => {
    const rateLimit: RateLimitConfig = { ...defaultRateLimitConfig(), perClient: { limit: 3, windowSeconds: 60 } };
    const gateway = await startTestGateway({ rateLimit, redisUrl: `redis://127.0.0.1:${await freePort()}` });
    gateway.backends.sources.listSources.returns({ sources: [] });
    gateways.push(gateway);

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await send(gateway, 'GET', '/api/v1/sources')).status);

    expect(answers).toEqual([200, 200, 200, 429]);
  });
});
