import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';
import { TwoLevelCache } from '@autoglm/shared-cache';

/**
 * Cache read throughput vs a raw node-redis GET of the same value, side by side in one run.
 * Needs Redis on REDIS_URL (default redis://127.0.0.1:6379).
 * Run: npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/cache-hit.js
 */
const OPS = 20_000;
const CONCURRENCY = 50;
const L2_KEYS = 1_000;
const ROUNDS = 7;

async function measure(name: string, op: (i: number) => Promise<unknown>): Promise<{ name: string; opsPerSec: number }> {
  for (let i = 0; i < 500; i++) await op(i); // warm-up
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OPS) await op(next++);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { name, opsPerSec: OPS / seconds };
}

async function main(): Promise<void> {
  const url = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
  const namespace = `bench-${randomUUID()}`;
  const client = createClient({ url });
  const subscriber = client.duplicate();
  await Promise.all([client.connect(), subscriber.connect()]);
  const value = { id: 'a1', title: 'A headline of typical length for an article', summary: 'x'.repeat(600) };
  await client.set(`${namespace}:raw`, JSON.stringify(value));
  const opts = { namespace, l1TtlMs: 60_000, l2TtlMs: 60_000, negativeTtlMs: 5_000, lockTtlMs: 5_000, lockWaitMs: 1_000 };
  const l1 = new TwoLevelCache<typeof value>({ ...opts, l1MaxEntries: 1000 }, { client, subscriber });
  // An L1 of one entry read over 1,000 keys: every read misses L1 and is served by Redis (L2);
  // distinct keys keep single-flight from merging concurrent reads.
  const l2 = new TwoLevelCache<typeof value>({ ...opts, l1MaxEntries: 1 }, { client, subscriber });
  const loader = async () => value;
  for (let i = 0; i < L2_KEYS; i++) await l2.get(`k${i}`, loader);

  // Rounds alternate the three paths so that load from other processes falls on all of them alike;
  // each path reports its median round.
  const paths: Array<[string, (i: number) => Promise<unknown>]> = [
    ['raw node-redis GET + JSON.parse', async () => JSON.parse((await client.get(`${namespace}:raw`)) as string)],
    ['TwoLevelCache hit (L1)', () => l1.get('k', loader)],
    ['TwoLevelCache hit (L2, L1 missed)', (i) => l2.get(`k${i % L2_KEYS}`, loader)],
  ];
  const rounds: number[][] = paths.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [p, [name, op]] of paths.entries()) rounds[p]?.push((await measure(name, op)).opsPerSec);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const [raw, hitL1, hitL2] = paths.map(([name], p) => ({ name, opsPerSec: median(rounds[p] ?? []) }));
  if (!raw || !hitL1 || !hitL2) throw new Error('no measurements');

  console.log(`\n${OPS} reads, ${CONCURRENCY} concurrent callers, median of ${ROUNDS} alternating rounds`);
  console.log('| path | ops/s | vs raw GET |');
  console.log('|---|---:|---:|');
  for (const r of [raw, hitL1, hitL2]) console.log(`| ${r.name} | ${Math.round(r.opsPerSec)} | ${(r.opsPerSec / raw.opsPerSec).toFixed(2)}× |`);
  const keys = await client.keys(`${namespace}*`);
  if (keys.length) await client.del(keys);
  await Promise.all([client.quit(), subscriber.quit()]);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
