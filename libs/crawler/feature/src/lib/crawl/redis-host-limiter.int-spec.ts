import { randomUUID } from 'node:crypto';
import { RedisHostLimiter } from './redis-host-limiter';

const REDIS_URL = 'redis://127.0.0.1:6379';
const quiet = { warn: () => undefined, log: () => undefined };

/** Two crawler replicas' limiters on one Redis (a key prefix of this run), each with its own in-process queue of waiters. */
function twoReplicas(limit: number, leaseMs = 10_000): RedisHostLimiter[] {
  const keyPrefix = `autoglm-test:${randomUUID()}:host-fetches:`;
  return [0, 1].map(() => new RedisHostLimiter({ url: REDIS_URL, keyPrefix, limit, leaseMs, logger: quiet }));
}

describe(RedisHostLimiter.name, () => {
  let limiters: RedisHostLimiter[] = [];

  afterEach(async () => {
    for (const limiter of limiters) await limiter.onApplicationShutdown();
    limiters = [];
  });

  it('holds the per-host limit across replicas sharing Redis, and reaches it', async () => {
    limiters = twoReplicas(2);
    for (const limiter of limiters) await limiter.onModuleInit();
    let running = 0;
    let most = 0;
    const fetch = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 40));
      running--;
    };
    // Each replica alone would allow 2 at a time, 4 together without the shared limit.
    await Promise.all(Array.from({ length: 16 }, (_, i) => limiters[i % 2].run('news.example', fetch)));
    expect(most).toBe(2);
  });

  it('limits each host on its own', async () => {
    limiters = twoReplicas(1);
    for (const limiter of limiters) await limiter.onModuleInit();
    const running = new Set<string>();
    let overlapped = false;
    const fetch = (host: string) => async () => {
      running.add(host);
      if (running.size > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 60));
      running.delete(host);
    };
    await Promise.all([limiters[0].run('a.example', fetch('a')), limiters[1].run('b.example', fetch('b'))]);
    expect(overlapped).toBe(true);
  });

  it('frees the slot of a replica that died mid-fetch once its lease runs out', async () => {
    limiters = twoReplicas(1, 600);
    for (const limiter of limiters) await limiter.onModuleInit();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let startedHolding: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (startedHolding = resolve));
    void limiters[0].run('slow.example', async () => {
      startedHolding();
      await held;
    });
    await holding;
    // The holder's process "dies": its connection goes, its renewals stop, it never releases.
    await limiters[0].onApplicationShutdown();
    const startedAt = Date.now();
    await limiters[1].run('slow.example', async () => undefined);
    const waited = Date.now() - startedAt;
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(5_000);
    release();
  });

  it('keeps crawling under the process limit while Redis is unreachable', async () => {
    limiters = [new RedisHostLimiter({ url: 'redis://127.0.0.1:1', keyPrefix: 'x:', limit: 1, leaseMs: 1_000, logger: quiet })];
    await limiters[0].onModuleInit();
    await expect(limiters[0].run('a.example', async () => 'fetched')).resolves.toBe('fetched');
  });
});
