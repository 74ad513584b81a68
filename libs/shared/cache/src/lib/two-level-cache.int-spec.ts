import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { transpileModule, ModuleKind, ScriptTarget } from 'typescript';
import { TwoLevelCache, type CacheRedis, type TwoLevelCacheOptions } from './two-level-cache';

const REDIS_URL = 'redis://127.0.0.1:6379';
const ROOT = join(__dirname, '..', '..', '..', '..', '..');

async function connect(): Promise<CacheRedis> {
  const client = createClient({ url: REDIS_URL });
  const subscriber = client.duplicate();
  await Promise.all([client.connect(), subscriber.connect()]);
  return { client, subscriber };
}

function options(namespace: string): TwoLevelCacheOptions {
  return { namespace, l1MaxEntries: 1000, l1TtlMs: 60_000, l2TtlMs: 60_000, negativeTtlMs: 5_000, lockTtlMs: 5_000, lockWaitMs: 3_000 };
}

/**
 * Compiles the cache (it imports nothing from the workspace) and a small driver into tmp/ so a
 * second Node process can use it against the same Redis.
 */
function buildChild(): string {
  const dir = join(ROOT, 'tmp', 'cache-child');
  mkdirSync(dir, { recursive: true });
  const source = readFileSync(join(__dirname, 'two-level-cache.ts'), 'utf8');
  const js = transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true } });
  writeFileSync(join(dir, 'two-level-cache.js'), js.outputText);
  writeFileSync(
    join(dir, 'driver.js'),
    `
const { createClient } = require('redis');
const { TwoLevelCache } = require('./two-level-cache');
process.on('message', async (msg) => {
  const client = createClient({ url: msg.redisUrl });
  const subscriber = client.duplicate();
  await Promise.all([client.connect(), subscriber.connect()]);
  const cache = new TwoLevelCache(msg.options, { client, subscriber });
  await cache.start();
  if (msg.cmd === 'load') {
    let loads = 0;
    const loader = async () => { loads++; await new Promise((r) => setTimeout(r, msg.loadMs)); return { from: 'child' }; };
    await new Promise((r) => setTimeout(r, Math.max(0, msg.startAt - Date.now())));
    const results = await Promise.all(Array.from({ length: msg.n }, () => cache.get(msg.key, loader)));
    process.send({ loads, values: results.map((r) => r && r.from) });
  } else if (msg.cmd === 'watch') {
    await cache.get(msg.key, async () => ({ v: 1 }));
    cache.onInvalidated((key) => { if (key === msg.key) process.send({ invalidatedAt: Date.now() }); });
    process.send({ ready: true });
    return;
  }
  await cache.stop();
  await Promise.all([client.quit(), subscriber.quit()]);
  process.exit(0);
});
`,
  );
  return join(dir, 'driver.js');
}

describe(`${TwoLevelCache.name} on Redis`, () => {
  const conns: CacheRedis[] = [];
  afterAll(async () => {
    for (const c of conns) await Promise.all([c.client.quit(), c.subscriber.quit()]);
  });

  it('1,000 concurrent requests for one cold key across two processes → exactly 1 load', async () => {
    const namespace = `cache-test-${randomUUID()}`;
    const redis = await connect();
    conns.push(redis);
    const sut = new TwoLevelCache<{ from: string }>(options(namespace), redis);
    await sut.start();
    const child = fork(buildChild(), [], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const startAt = Date.now() + 500;
    const childResult = new Promise<{ loads: number; values: string[] }>((resolve) => child.once('message', resolve));
    child.send({ cmd: 'load', redisUrl: REDIS_URL, options: options(namespace), key: 'article:1', n: 500, loadMs: 100, startAt });
    await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
    let parentLoads = 0;
    const parentValues = await Promise.all(
      Array.from({ length: 500 }, () =>
        sut.get('article:1', async () => {
          parentLoads++;
          await new Promise((r) => setTimeout(r, 100));
          return { from: 'parent' };
        }),
      ),
    );
    const fromChild = await childResult;
    expect(parentLoads + fromChild.loads).toBe(1);
    const all = [...parentValues.map((v) => v?.from), ...fromChild.values];
    expect(all).toHaveLength(1000);
    expect(new Set(all).size).toBe(1);
    await sut.stop();
    child.kill();
  });

  it('an invalidation reaches another process within 100 ms', async () => {
    const namespace = `cache-test-${randomUUID()}`;
    const redis = await connect();
    conns.push(redis);
    const sut = new TwoLevelCache<{ v: number }>(options(namespace), redis);
    await sut.start();
    const child = fork(buildChild(), [], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const messages: Array<{ ready?: boolean; invalidatedAt?: number }> = [];
    const ready = new Promise<void>((resolve) =>
      child.on('message', (m: { ready?: boolean; invalidatedAt?: number }) => {
        messages.push(m);
        if (m.ready) resolve();
      }),
    );
    child.send({ cmd: 'watch', redisUrl: REDIS_URL, options: options(namespace), key: 'k' });
    await ready;
    const sentAt = Date.now();
    await sut.invalidate('k');
    for (let i = 0; i < 100 && !messages.some((m) => m.invalidatedAt); i++) await new Promise((r) => setTimeout(r, 5));
    const at = messages.find((m) => m.invalidatedAt)?.invalidatedAt;
    expect(at).toBeDefined();
    expect(at! - sentAt).toBeLessThan(100);
    await sut.stop();
    child.kill();
  });

  it('serves from L2 in a second instance and caches misses in Redis', async () => {
    const namespace = `cache-test-${randomUUID()}`;
    const a = await connect();
    const b = await connect();
    conns.push(a, b);
    const one = new TwoLevelCache<string>(options(namespace), a);
    const two = new TwoLevelCache<string>(options(namespace), b);
    await Promise.all([one.start(), two.start()]);
    await one.get('k', async () => 'value');
    let loads = 0;
    expect(await two.get('k', async () => `other${++loads}`)).toBe('value');
    expect(two.stats.l2Hits).toBe(1);
    expect(await one.get('missing', async () => undefined)).toBeUndefined();
    expect(await two.get('missing', async () => `loaded${++loads}`)).toBeUndefined();
    expect(loads).toBe(0);
    // Invalidation in one drops the other's L1 copy.
    await one.invalidate('k');
    await new Promise((r) => setTimeout(r, 50));
    expect(await two.get('k', async () => 'fresh')).toBe('fresh');
    await Promise.all([one.stop(), two.stop()]);
  });

  it('reads the L1 misses of one tick with one MGET, each caller getting its own value, and a failed read fails only that batch', async () => {
    const namespace = `cache-test-${randomUUID()}`;
    const a = await connect();
    const b = await connect();
    conns.push(a, b);
    const writer = new TwoLevelCache<string>(options(namespace), a);
    for (let i = 0; i < 40; i++) await writer.get(`k${i}`, async () => `value${i}`);
    await writer.get('gone', async () => undefined); // a cached miss in L2
    const reader = new TwoLevelCache<string>(options(namespace), b);
    const mGet = jest.spyOn(b.client, 'mGet');
    const get = jest.spyOn(b.client, 'get');
    let loads = 0;
    const keys = [...Array.from({ length: 40 }, (_, i) => `k${39 - i}`), 'gone', 'never-stored'];
    const values = await Promise.all(keys.map((k) => reader.get(k, async () => `loaded-${k}-${++loads}`)));
    expect(values).toEqual([...Array.from({ length: 40 }, (_, i) => `value${39 - i}`), undefined, 'loaded-never-stored-1']);
    expect(loads).toBe(1);
    // 42 reads in one tick → 3 MGETs (16 keys each at most); the one miss re-reads under the lock.
    expect(mGet.mock.calls.map((c) => (c[0] as string[]).length)).toEqual([16, 16, 10]);
    expect(reader.stats.l2Hits).toBe(41);
    // A lone read is a plain GET.
    get.mockClear();
    expect(await new TwoLevelCache<string>(options(namespace), b).get('k7', async () => 'x')).toBe('value7');
    expect(get).toHaveBeenCalledTimes(1);
    // A failing batch rejects its callers and leaves nothing in flight: the next read succeeds.
    const third = new TwoLevelCache<string>(options(namespace), b);
    mGet.mockRejectedValueOnce(new Error('connection reset'));
    const failed = await Promise.allSettled([third.get('k1', async () => 'x'), third.get('k2', async () => 'x')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await Promise.all([third.get('k1', async () => 'x'), third.get('k2', async () => 'x')])).toEqual(['value1', 'value2']);
    mGet.mockRestore();
    get.mockRestore();
  });
});
