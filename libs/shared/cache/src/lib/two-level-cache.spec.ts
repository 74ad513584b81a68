import { TwoLevelCache, type TwoLevelCacheOptions } from './two-level-cache';

function options(overrides: Partial<TwoLevelCacheOptions> = {}): TwoLevelCacheOptions {
  return {
    namespace: 'test',
    l1MaxEntries: 100,
    l1TtlMs: 1000,
    l2TtlMs: 10_000,
    negativeTtlMs: 200,
    lockTtlMs: 1000,
    lockWaitMs: 200,
    ...overrides,
  };
}

describe(TwoLevelCache.name, () => {
  it('loads a cold key exactly once for 1,000 concurrent requests (L1 only)', async () => {
    const sut = new TwoLevelCache<{ n: number }>(options());
    let loads = 0;
    const loader = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return { n: 42 };
    };
    const results = await Promise.all(Array.from({ length: 1000 }, () => sut.get('k', loader)));
    expect(loads).toBe(1);
    expect(results.every((r) => r?.n === 42)).toBe(true);
    expect(sut.stats.loads).toBe(1);
  });

  it('expires entries after their TTL and bounds the number of entries', async () => {
    let now = 1_000; // lru-cache treats a start time of 0 as "no TTL"
    const sut = new TwoLevelCache<string>(options({ l1TtlMs: 100, l1MaxEntries: 2, now: () => now }));
    let loads = 0;
    const loader = async () => `v${++loads}`;
    expect(await sut.get('a', loader)).toBe('v1');
    now = 1_050;
    expect(await sut.get('a', loader)).toBe('v1');
    now = 1_151;
    expect(await sut.get('a', loader)).toBe('v2');
    await sut.get('b', loader);
    await sut.get('c', loader);
    // 'a' was the least recently used of three keys in a cache of two.
    expect(await sut.get('a', loader)).toBe('v5');
  });

  it('remembers misses for the negative TTL only', async () => {
    let now = 1_000; // lru-cache treats a start time of 0 as "no TTL"
    const sut = new TwoLevelCache<string>(options({ negativeTtlMs: 100, now: () => now }));
    let loads = 0;
    const loader = async () => {
      loads++;
      return loads >= 2 ? 'found' : undefined;
    };
    expect(await sut.get('x', loader)).toBeUndefined();
    expect(await sut.get('x', loader)).toBeUndefined();
    expect(loads).toBe(1);
    expect(sut.stats.negativeHits).toBe(1);
    now = 1_101;
    expect(await sut.get('x', loader)).toBe('found');
  });

  it('invalidate drops the entry and a failed load is not cached', async () => {
    const sut = new TwoLevelCache<string>(options());
    let loads = 0;
    await sut.get('k', async () => `v${++loads}`);
    await sut.invalidate('k');
    expect(await sut.get('k', async () => `v${++loads}`)).toBe('v2');
    await expect(sut.get('e', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await sut.get('e', async () => 'recovered')).toBe('recovered');
  });
});
