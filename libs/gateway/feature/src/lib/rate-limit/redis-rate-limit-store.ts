import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { failFastRedisClient, type FailFastRedis } from '@autoglm/shared-cache';
import { InMemoryRateLimitStore, recordOf, type ThrottlerStorageRecord } from './in-memory-rate-limit-store';

export type RateLimitRedis = FailFastRedis;

/**
 * One hit on a fixed window, atomically: count it, start the window's expiry on the first hit,
 * and on the first refusal stretch the window to blockDuration when that is longer (the rule of
 * InMemoryRateLimitStore). KEYS[1] counter; ARGV window ms, limit, block ms. Answers {hits, ms left}.
 */
const HIT = `
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits == tonumber(ARGV[2]) + 1 and tonumber(ARGV[3]) > left then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  left = tonumber(ARGV[3])
end
return {hits, left}
`;

export interface RedisRateLimitStoreOptions {
  url: string;
  /** Prepended to every counter key. */
  keyPrefix: string;
  /** Longest wait for Redis on a request before it is counted locally. */
  timeoutMs: number;
  /** How long start-up waits for the first connection before going on without it. */
  connectWaitMs?: number;
  /** Least time between two warnings about Redis being unreachable. */
  warningIntervalMs?: number;
  now?: () => number;
  logger?: Pick<Logger, 'warn' | 'log'>;
}

/**
 * Counters in Redis, shared by every gateway replica (distributed mode). A rate limiter must not
 * take the API down, so it fails open: while Redis is unreachable or slow, requests are counted in
 * this replica's memory instead (each replica then enforces the budgets on its own) and a warning
 * is logged at most once per warningIntervalMs with how many requests were counted locally.
 * Commands are never queued while disconnected (they would hold requests until Redis is back).
 */
export class RedisRateLimitStore implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly client: RateLimitRedis;
  private readonly fallback: InMemoryRateLimitStore;
  private readonly now: () => number;
  private readonly logger: Pick<Logger, 'warn' | 'log'>;
  private lastWarningAt = Number.NEGATIVE_INFINITY;
  private countedLocally = 0;
  private degraded = false;

  constructor(private readonly options: RedisRateLimitStoreOptions) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? new Logger('rate-limit');
    this.fallback = new InMemoryRateLimitStore(this.now);
    this.client = failFastRedisClient(options.url, (error) => this.warn(`Redis error: ${error.message}`));
  }

  async onModuleInit(): Promise<void> {
    const connected = this.client.connect().then(
      () => undefined,
      (error: Error) => this.warn(`cannot connect to Redis: ${error.message}`),
    );
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.connectWaitMs ?? 1_000);
    });
    await Promise.race([connected, waited]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    // Counters are disposable: drop the connection rather than wait for anything in flight.
    if (this.client.isOpen) this.client.destroy();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (!this.client.isReady) return this.countLocally('Redis is not connected', key, ttl, limit, blockDuration, throttlerName);
    try {
      const [hits, msLeft] = await this.withinTimeout(
        this.client.eval(HIT, { keys: [this.options.keyPrefix + key], arguments: [String(ttl), String(limit), String(blockDuration)] }),
      );
      if (this.degraded) {
        this.degraded = false;
        this.logger.log('rate limits are counted in Redis again');
      }
      return recordOf(hits, msLeft, limit);
    } catch (error) {
      return this.countLocally((error as Error).message, key, ttl, limit, blockDuration, throttlerName);
    }
  }

  private async withinTimeout(reply: Promise<unknown>): Promise<[number, number]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    try {
      const answer = await Promise.race([reply, timeout]);
      if (!Array.isArray(answer) || answer.length !== 2) throw new Error(`unexpected answer from Redis: ${JSON.stringify(answer)}`);
      return [Number(answer[0]), Number(answer[1])];
    } finally {
      clearTimeout(timer);
      // A reply arriving after the timeout must not become an unhandled rejection.
      reply.catch(() => undefined);
    }
  }

  private countLocally(reason: string, key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    this.degraded = true;
    this.countedLocally++;
    this.warn(reason);
    return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  private warn(reason: string): void {
    const now = this.now();
    if (now - this.lastWarningAt < (this.options.warningIntervalMs ?? 60_000)) return;
    this.lastWarningAt = now;
    this.logger.warn(
      `rate limits are counted per replica (fail open) until Redis answers again: ${reason}; ${this.countedLocally} request(s) counted locally so far`,
    );
  }
}
