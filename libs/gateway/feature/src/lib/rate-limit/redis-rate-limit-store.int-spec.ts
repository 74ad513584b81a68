import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
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

async function closeStores(stores: RedisRateLimitStore[]): Promise<void> {
  for (const store of stores.splice(0)) await store.onApplicationShutdown();
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

  it('fails open on a Redis that accepts connections and never answers, waiting at most the timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const logger = quietLogger();
      const sut = new RedisRateLimitStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: uniquePrefix(), timeoutMs: 300, connectWaitMs: 300, logger });
      stores.push(sut);
      await sut.onModuleInit();

      const started = Date.now();
      const records = await Promise.all(Array.from({ length: 3 }, () => sut.increment('k', WINDOW_MS, 2, 0, 'client')));

      expect(Date.now() - started).toBeLessThan(1_500);
      expect(records.map((r) => r.isBlocked).sort()).toEqual([false, false, true]);
      expect(logger.warn).toHaveBeenCalledTimes(1);
    } finally {
      await closeStores(stores);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('fails open when a connected Redis stops answering, and counts in Redis again once it answers', async () => {
    // A loopback relay to the real Redis that can hold back what the client sends.
    let stalled = false;
    const held: Buffer[] = [];
    const sockets: Socket[] = [];
    let upstream: Socket | undefined;
    const relay: Server = createServer((client) => {
      const server = connect(6379, '127.0.0.1');
      upstream = server;
      sockets.push(client, server);
      client.on('data', (chunk: Buffer) => (stalled ? held.push(chunk) : server.write(chunk)));
      server.pipe(client);
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const { port } = relay.address() as { port: number };
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    try {
      const logger = quietLogger();
      const sut = new RedisRateLimitStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: prefix, timeoutMs: 300, connectWaitMs: 2_000, logger });
      stores.push(sut);
      await sut.onModuleInit();
      expect(await sut.increment('k', WINDOW_MS, 2, 0, 'client')).toMatchObject({ totalHits: 1 });

      stalled = true;
      const started = Date.now();
      const whileStalled = await sut.increment('k', WINDOW_MS, 2, 0, 'client');

      expect(Date.now() - started).toBeLessThan(1_000);
      expect(whileStalled).toMatchObject({ totalHits: 1, isBlocked: false });
      expect(logger.warn.mock.calls[0]?.[0]).toMatch(/did not answer within 300 ms/);

      // Redis answers again (the held command too, late: its hit is counted there as well).
      expect(held.length).toBeGreaterThan(0);
      stalled = false;
      for (const chunk of held.splice(0)) upstream?.write(chunk);
      expect(await sut.increment('k', WINDOW_MS, 2, 0, 'client')).toMatchObject({ totalHits: 3, isBlocked: true });
      expect(logger.log).toHaveBeenCalledWith('rate limits are counted in Redis again');
    } finally {
      await closeStores(stores);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
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
