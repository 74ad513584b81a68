import type { ThrottlerStorage } from '@nestjs/throttler';
import { LRUCache } from 'lru-cache';

/** What a store answers for one hit (the package does not export the type by name). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Counters kept at once; the least recently used are dropped first, so memory stays bounded under address sprays. */
export const MAX_IN_MEMORY_COUNTERS = 50_000;

interface Counter {
  hits: number;
  /** Epoch ms at which the window (and any refusal) ends. */
  endsAt: number;
}

/**
 * Fixed-window counters in this process (embedded mode, and a replica's fallback while Redis is
 * unreachable). A window starts with a client's first request; once the budget is spent, requests
 * are refused until the window ends (or blockDuration after the first refusal, if that is later),
 * and refused requests do not extend it. RedisRateLimitStore keeps the same rule in Redis.
 * A dropped (least recently used) counter starts afresh: eviction errs towards letting clients through.
 */
export class InMemoryRateLimitStore implements ThrottlerStorage {
  private readonly counters: LRUCache<string, Counter>;

  constructor(
    private readonly now: () => number = Date.now,
    maxCounters = MAX_IN_MEMORY_COUNTERS,
  ) {
    this.counters = new LRUCache<string, Counter>({ max: maxCounters });
  }

  /** Budgets are told apart by the key (the guard puts the budget's name in it), so the name is not needed here. */
  async increment(key: string, ttl: number, limit: number, blockDuration: number, _budget?: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    let counter = this.counters.get(key);
    if (!counter || counter.endsAt <= now) {
      counter = { hits: 0, endsAt: now + ttl };
      this.counters.set(key, counter);
    }
    counter.hits++;
    if (counter.hits === limit + 1 && blockDuration > 0) counter.endsAt = Math.max(counter.endsAt, now + blockDuration);
    return recordOf(counter.hits, counter.endsAt - now, limit);
  }

  /** Counters held (tests and metrics). */
  get size(): number {
    return this.counters.size;
  }
}

/** The record the throttler guard reads, from a window's hit count and the milliseconds left of it. */
export function recordOf(hits: number, msLeft: number, limit: number): ThrottlerStorageRecord {
  const secondsLeft = Math.max(1, Math.ceil(msLeft / 1000));
  const isBlocked = hits > limit;
  return { totalHits: hits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
}
