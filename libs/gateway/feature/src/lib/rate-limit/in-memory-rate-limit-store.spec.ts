import { InMemoryRateLimitStore } from './in-memory-rate-limit-store';

const WINDOW_MS = 60_000;

function storeAt(start = 1_000_000): { sut: InMemoryRateLimitStore; clock: { now: number } } {
  const clock = { now: start };
  return { sut: new InMemoryRateLimitStore(() => clock.now), clock };
}

async function hits(sut: InMemoryRateLimitStore, key: string, n: number, limit: number, blockMs = 0) {
  const records = [];
  for (let i = 0; i < n; i++) records.push(await sut.increment(key, WINDOW_MS, limit, blockMs, 'client'));
  return records;
}

describe(InMemoryRateLimitStore.name, () => {
  it('lets `limit` requests through per window, then refuses until the window ends', async () => {
    const { sut, clock } = storeAt();

    const records = await hits(sut, 'a', 4, 3);

    expect(records.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(records[2]).toEqual({ totalHits: 3, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    clock.now += 45_500;
    const refused = await sut.increment('a', WINDOW_MS, 3, 0, 'client');
    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 15 });
    clock.now += 14_500;
    expect(await sut.increment('a', WINDOW_MS, 3, 0, 'client')).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('does not stretch the window while refusing', async () => {
    const { sut, clock } = storeAt();
    await hits(sut, 'a', 3, 2);
    for (let second = 0; second < 59; second++) {
      clock.now += 1_000;
      await sut.increment('a', WINDOW_MS, 2, 0, 'client');
    }
    clock.now += 1_000;

    expect(await sut.increment('a', WINDOW_MS, 2, 0, 'client')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps clients apart', async () => {
    const { sut } = storeAt();
    await hits(sut, 'a', 3, 2);

    expect(await sut.increment('b', WINDOW_MS, 2, 0, 'client')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('refuses for blockDuration after the first refusal when that outlasts the window', async () => {
    const { sut, clock } = storeAt();
    await hits(sut, 'a', 2, 2);
    clock.now += 50_000;

    expect(await sut.increment('a', WINDOW_MS, 2, 120_000, 'client')).toMatchObject({ isBlocked: true, timeToBlockExpire: 120 });
    clock.now += 100_000;
    expect(await sut.increment('a', WINDOW_MS, 2, 120_000, 'client')).toMatchObject({ isBlocked: true, timeToBlockExpire: 20 });
  });

  it('holds a bounded number of counters, forgetting the least recently used', async () => {
    const clock = { now: 0 };
    const sut = new InMemoryRateLimitStore(() => clock.now, 100);

    for (let i = 0; i < 1_000; i++) await sut.increment(`ip:${i}`, WINDOW_MS, 5, 0, 'client');

    expect(sut.size).toBe(100);
  });
});
