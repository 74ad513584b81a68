import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { createClient } from 'redis';
import { InMemoryRateLimitStore, RedisRateLimitStore } from '@autoglm/gateway-feature';
import { defaultRateLimitConfig } from '@autoglm/shared-config';

/**
 * What one rate-limit decision costs in each store, side by side in one run, alternating rounds:
 *   nest-memory  — @nestjs/throttler's own in-memory storage (the baseline: what the guard uses by default,
 *                  with its default blockDuration = ttl), which keeps one expiry time per hit;
 *   ours-memory  — InMemoryRateLimitStore (embedded mode): one counter per client and window;
 *   ours-redis   — RedisRateLimitStore (distributed mode), one Lua call per decision, 50 callers at once.
 * Traffic: CLIENTS clients each sending HITS_PER_CLIENT requests within one window of the default
 * per-client budget, interleaved (busy clients fill their budget, as abusive ones do).
 * Needs Redis on REDIS_URL (default redis://127.0.0.1:6379); keys go under a unique prefix and are deleted.
 * Run: npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/rate-limit-store.js
 */
const CLIENTS = 200;
const HITS_PER_CLIENT = 1_500;
const REDIS_HITS = 50_000;
const CONCURRENCY = 50;
const ROUNDS = 5;
const { limit: LIMIT, windowSeconds } = defaultRateLimitConfig().perClient;
const TTL_MS = windowSeconds * 1000;

interface Result {
  opsPerSec: number;
  refused: number;
}

async function measure(store: ThrottlerStorage, hits: number, blockDuration: number, concurrency: number, round: string): Promise<Result> {
  let next = 0;
  let refused = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < hits) {
        const i = next++;
        const record = await store.increment(`client:${round}:${i % CLIENTS}`, TTL_MS, LIMIT, blockDuration, 'client');
        if (record.isBlocked) refused++;
      }
    }),
  );
  return { opsPerSec: hits / ((performance.now() - start) / 1000), refused };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `autoglm-bench:ratelimit:${randomUUID()}:`;
  const redisStore = new RedisRateLimitStore({ url, keyPrefix: prefix, timeoutMs: 1_000, connectWaitMs: 2_000 });
  await redisStore.onModuleInit();
  const nest = new ThrottlerStorageService();
  const ours = new InMemoryRateLimitStore();
  const memoryHits = CLIENTS * HITS_PER_CLIENT;
  const results: Record<string, number[]> = { 'nest-memory': [], 'ours-memory': [], 'ours-redis': [] };
  // Warm-up (JIT, connection), not counted.
  await measure(nest, 20_000, TTL_MS, 1, 'warm');
  await measure(ours, 20_000, 0, 1, 'warm');
  await measure(redisStore, 2_000, 0, CONCURRENCY, 'warm');
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['nest-memory', 'ours-memory', 'ours-redis'] as const) : (['ours-redis', 'ours-memory', 'nest-memory'] as const);
    for (const name of order) {
      const r =
        name === 'nest-memory'
          ? await measure(nest, memoryHits, TTL_MS, 1, `r${round}`)
          : name === 'ours-memory'
            ? await measure(ours, memoryHits, 0, 1, `r${round}`)
            : await measure(redisStore, REDIS_HITS, 0, CONCURRENCY, `r${round}`);
      results[name]?.push(r.opsPerSec);
      const expectedRefused = name === 'ours-redis' ? Math.max(0, REDIS_HITS - CLIENTS * LIMIT) : Math.max(0, memoryHits - CLIENTS * LIMIT);
      if (r.refused !== expectedRefused) throw new Error(`${name} refused ${r.refused} requests, expected ${expectedRefused}`);
    }
  }
  const baseline = median(results['nest-memory'] ?? []);
  console.log(`rate-limit decisions: ${CLIENTS} clients x ${HITS_PER_CLIENT} hits in memory (${REDIS_HITS} in Redis), budget ${LIMIT}/${windowSeconds}s, ${ROUNDS} rounds, median`);
  console.log('store        decisions/s   vs nest-memory');
  for (const [name, values] of Object.entries(results)) {
    const m = median(values);
    console.log(`${name.padEnd(12)} ${Math.round(m).toString().padStart(11)}   ${(m / baseline).toFixed(2)}x`);
  }
  nest.onApplicationShutdown();
  await redisStore.onApplicationShutdown();
  const cleanup = createClient({ url });
  await cleanup.connect();
  for await (const keys of cleanup.scanIterator({ MATCH: `${prefix}*`, COUNT: 1_000 })) if (keys.length > 0) await cleanup.del(keys);
  await cleanup.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
