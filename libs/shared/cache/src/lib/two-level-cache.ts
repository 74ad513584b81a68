import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { createClient } from 'redis';

/**
 * Two-level read-through cache: L1 is an in-process LRU (entry- and TTL-bounded), L2 is Redis
 * shared by every replica. Invalidations are broadcast over Redis pub/sub so every replica drops
 * its L1 entry. Loads are single-flight within a process (one promise per key) and across
 * processes (a short Redis lock; the others wait a bounded time for the winner's value, then
 * serve a stale L1 value if they have one, else load themselves). Misses are cached too
 * (negative caching). Without Redis (embedded mode) the same interface runs L1 only.
 *
 * This file imports nothing from the workspace, so tests can run it in a second process.
 */

export type RedisConnection = ReturnType<typeof createClient>;

export interface TwoLevelCacheOptions {
  /** Prefix of every Redis key and the invalidation channel. */
  namespace: string;
  l1MaxEntries: number;
  l1TtlMs: number;
  l2TtlMs: number;
  /** How long "not found" is remembered. */
  negativeTtlMs: number;
  /** Lifetime of the cross-process load lock (longer than a load should take). */
  lockTtlMs: number;
  /** How long a process waits for another process's load before serving stale or loading itself. */
  lockWaitMs: number;
  /** Time source of L1 expiry (tests inject one). */
  now?: () => number;
}

export interface CacheRedis {
  /** Commands (GET/SET/DEL/PUBLISH/EVAL). */
  client: RedisConnection;
  /** A second connection in subscriber mode (Redis requires a dedicated one). */
  subscriber: RedisConnection;
}

export interface CacheStats {
  l1Hits: number;
  l2Hits: number;
  misses: number;
  loads: number;
  staleServed: number;
  negativeHits: number;
  invalidationsReceived: number;
}

const NEGATIVE = { __negative: true } as const;
type Stored<V> = { v: V } | typeof NEGATIVE;
/** An L1 entry: the value and when it expires (expired entries stay until evicted, to be served stale). */
interface L1Entry<V> {
  stored: Stored<V>;
  expiresAt: number;
}

// Deletes the lock only if we still own it (the token), so a slow loader never frees another's lock.
const RELEASE_LOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class TwoLevelCache<V extends object | string | number | boolean> {
  private readonly l1: LRUCache<string, L1Entry<V>>;
  private readonly now: () => number;
  private readonly inflight = new Map<string, Promise<V | undefined>>();
  private readonly channel: string;
  private readonly instanceId = randomUUID();
  private readonly listeners = new Set<(key: string) => void>();
  private subscribed = false;
  /** L2 reads waiting for the end of this tick (see flushReads). */
  private pendingReads: PendingRead[] = [];
  readonly stats: CacheStats = { l1Hits: 0, l2Hits: 0, misses: 0, loads: 0, staleServed: 0, negativeHits: 0, invalidationsReceived: 0 };

  constructor(
    private readonly options: TwoLevelCacheOptions,
    private readonly redis?: CacheRedis,
  ) {
    // Expiry is kept in the entry rather than by lru-cache's TTL tracking: that costs a tenth of an
    // L2 hit's time (measured by tools/bench/cache-hit), and an expired entry must stay readable
    // as a stale fallback until the LRU evicts it.
    this.now = options.now ?? Date.now;
    this.l1 = new LRUCache<string, L1Entry<V>>({ max: options.l1MaxEntries });
    this.channel = `${options.namespace}:invalidate`;
  }

  /** Subscribes to invalidations (call once before use when Redis is configured). */
  async start(): Promise<void> {
    if (!this.redis || this.subscribed) return;
    await this.redis.subscriber.subscribe(this.channel, (message) => {
      const sep = message.indexOf('|');
      const key = message.slice(sep + 1);
      this.l1.delete(key);
      this.stats.invalidationsReceived++;
      for (const l of this.listeners) l(key);
    });
    this.subscribed = true;
  }

  async stop(): Promise<void> {
    if (this.redis && this.subscribed) await this.redis.subscriber.unsubscribe(this.channel);
    this.subscribed = false;
  }

  /** Called whenever an invalidation message arrives (metrics and tests). */
  onInvalidated(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The value for key: from L1, else L2, else the loader (once across all callers). undefined = not found. */
  get(key: string, loader: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.l1.get(key);
    if (cached && cached.expiresAt > this.now()) {
      this.stats.l1Hits++;
      return Promise.resolve(this.unwrap(cached.stored));
    }
    // Not an async function: an L1 hit or a joined load costs no extra promise hops.
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const promise = this.redis ? this.readThrough(this.redis, key, loader) : this.fillOnce(key, loader, false);
    this.inflight.set(key, promise);
    return promise;
  }

  /**
   * An L1 miss with Redis: the L2 read, as one promise hop (an L2 hit is the common path of a
   * replica's cold L1, so it costs what a bare GET costs); an L2 miss goes on to the locked load.
   */
  private readThrough(redis: CacheRedis, key: string, loader: () => Promise<V | undefined>): Promise<V | undefined> {
    return this.readL2Batched(redis, this.redisKey(key)).then(
      (raw) => {
        const stored = parseStored<V>(raw);
        if (!stored) return this.fillOnce(key, loader, true);
        this.inflight.delete(key);
        this.stats.l2Hits++;
        this.setL1(key, stored);
        return this.unwrap(stored);
      },
      (error: unknown) => {
        this.inflight.delete(key);
        throw error;
      },
    );
  }

  /** A GET that joins this tick's batch; the first read of a tick schedules the flush. */
  private readL2Batched(redis: CacheRedis, redisKey: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.pendingReads.push({ key: redisKey, resolve, reject }) === 1) process.nextTick(() => this.flushReads(redis));
    });
  }

  private flushReads(redis: CacheRedis): void {
    const pending = this.pendingReads;
    this.pendingReads = [];
    for (let start = 0; start < pending.length; start += MGET_MAX_KEYS) this.sendReads(redis, pending.slice(start, start + MGET_MAX_KEYS));
  }

  private sendReads(redis: CacheRedis, batch: PendingRead[]): void {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only) {
      redis.client.get(only.key).then(only.resolve, only.reject);
      return;
    }
    redis.client.mGet(batch.map((r) => r.key)).then(
      (values) => {
        for (let i = 0; i < batch.length; i++) batch[i]?.resolve(values[i]);
      },
      (error: unknown) => {
        for (const r of batch) r.reject(error);
      },
    );
  }

  /** Drops the key everywhere: this L1, L2, and (by pub/sub) every other replica's L1. */
  async invalidate(key: string): Promise<void> {
    this.l1.delete(key);
    if (!this.redis) return;
    await this.redis.client.del(this.redisKey(key));
    await this.redis.client.publish(this.channel, `${this.instanceId}|${key}`);
  }

  private async fillOnce(key: string, loader: () => Promise<V | undefined>, l2Missed: boolean): Promise<V | undefined> {
    try {
      return await this.fill(key, loader, l2Missed);
    } finally {
      this.inflight.delete(key);
    }
  }

  /** The load after an L2 miss (`l2Missed`: L2 was just read): under a short Redis lock, or waiting for the holder's value. */
  private async fill(key: string, loader: () => Promise<V | undefined>, l2Missed: boolean): Promise<V | undefined> {
    if (!this.redis) return this.loadAndStore(key, loader, false);
    const fromL2 = l2Missed ? undefined : await this.readL2(key);
    if (fromL2) {
      this.stats.l2Hits++;
      this.setL1(key, fromL2);
      return this.unwrap(fromL2);
    }
    const lockKey = `${this.redisKey(key)}:lock`;
    const token = randomUUID();
    const acquired = await this.redis.client.set(lockKey, token, { condition: 'NX', expiration: { type: 'PX', value: this.options.lockTtlMs } });
    if (acquired) {
      try {
        return await this.loadAndStore(key, loader, true);
      } finally {
        await this.redis.client.eval(RELEASE_LOCK, { keys: [lockKey], arguments: [token] });
      }
    }
    // Another process is loading: wait (bounded) for its value to land in L2.
    const deadline = Date.now() + this.options.lockWaitMs;
    let delay = 5;
    while (Date.now() < deadline) {
      await sleep(delay);
      delay = Math.min(50, delay * 2);
      const value = await this.readL2(key);
      if (value) {
        this.stats.l2Hits++;
        this.setL1(key, value);
        return this.unwrap(value);
      }
    }
    const stale = this.l1.peek(key);
    if (stale) {
      this.stats.staleServed++;
      return this.unwrap(stale.stored);
    }
    return this.loadAndStore(key, loader, true);
  }

  private async loadAndStore(key: string, loader: () => Promise<V | undefined>, writeL2: boolean): Promise<V | undefined> {
    this.stats.misses++;
    this.stats.loads++;
    const value = await loader();
    const stored: Stored<V> = value === undefined ? NEGATIVE : { v: value };
    this.setL1(key, stored);
    if (writeL2 && this.redis) {
      const ttl = value === undefined ? this.options.negativeTtlMs : this.options.l2TtlMs;
      await this.redis.client.set(this.redisKey(key), JSON.stringify(stored), { expiration: { type: 'PX', value: ttl } });
    }
    return value;
  }

  private setL1(key: string, stored: Stored<V>): void {
    const ttl = isNegative(stored) ? Math.min(this.options.negativeTtlMs, this.options.l1TtlMs) : this.options.l1TtlMs;
    this.l1.set(key, { stored, expiresAt: this.now() + ttl });
  }

  private async readL2(key: string): Promise<Stored<V> | undefined> {
    if (!this.redis) return undefined;
    return parseStored<V>(await this.redis.client.get(this.redisKey(key)));
  }

  private unwrap(stored: Stored<V>): V | undefined {
    if (isNegative(stored)) {
      this.stats.negativeHits++;
      return undefined;
    }
    return stored.v;
  }

  private redisKey(key: string): string {
    return `${this.options.namespace}:${key}`;
  }
}

/**
 * Keys per MGET. Smaller batches pipeline: Redis answers the first while this process handles
 * the previous reply, instead of both sides waiting in lockstep for one large batch.
 */
const MGET_MAX_KEYS = 16;

interface PendingRead {
  key: string;
  resolve: (raw: unknown) => void;
  reject: (error: unknown) => void;
}

function isNegative<V>(stored: Stored<V>): stored is typeof NEGATIVE {
  return (stored as { __negative?: boolean }).__negative === true;
}

/** An L2 value as stored; undefined when absent or not ours (unparseable). */
function parseStored<V>(raw: unknown): Stored<V> | undefined {
  if (raw === null || raw === undefined) return undefined;
  try {
    return JSON.parse(String(raw)) as Stored<V>;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
