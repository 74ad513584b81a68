import { randomUUID } from 'node:crypto';
import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { failFastRedisClient, type FailFastRedis } from '@autoglm/shared-cache';
import { KeyedSemaphore, type HostLimiter } from './keyed-semaphore';

/**
 * Takes a slot of KEYS[1] (a sorted set of holders scored by lease end, in Redis's own clock so
 * replicas' clocks do not matter): expired holders are dropped, then a free slot is taken.
 * ARGV: limit, lease ms, holder token. Answers 1 (taken) or 0 (full).
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
`;

/** Extends a holder's lease (a fetch longer than a lease keeps its slot). ARGV: lease ms, token. */
const RENEW = `
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`;

export interface RedisHostLimiterOptions {
  url: string;
  /** Prepended to each host's key. */
  keyPrefix: string;
  /** Fetches at a time per host, across every crawler replica. */
  limit: number;
  /** How long a slot is held without renewal: a crawler killed mid-fetch frees its slots after this. */
  leaseMs: number;
  /** Longest wait for Redis before a fetch goes ahead under this process's own limit only. */
  timeoutMs?: number;
  logger?: Pick<Logger, 'warn' | 'log'>;
}

const MAX_POLL_MS = 250;
const WARNING_INTERVAL_MS = 60_000;

/**
 * Per-host politeness shared by every crawler replica (distributed mode): at most `limit` fetches
 * per host at a time in all of them together, held as leased slots in Redis. Inside a process the
 * waiters queue in order on a KeyedSemaphore of the same limit, so only those about to fetch poll
 * Redis. A crawler must not stop because its limiter's store did: while Redis is unreachable or
 * slow, fetches go ahead under the process's own limit (a warning at most once a minute).
 */
export class RedisHostLimiter implements HostLimiter, OnModuleInit, OnApplicationShutdown {
  private readonly client: FailFastRedis;
  private readonly local: KeyedSemaphore;
  private readonly logger: Pick<Logger, 'warn' | 'log'>;
  private lastWarningAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RedisHostLimiterOptions) {
    this.local = new KeyedSemaphore(options.limit);
    this.logger = options.logger ?? new Logger(RedisHostLimiter.name);
    this.client = failFastRedisClient(options.url, (error) => this.warn(`Redis error: ${error.message}`));
  }

  /** Waits a moment for the first connection; without it the crawler starts anyway (the client keeps reconnecting). */
  async onModuleInit(): Promise<void> {
    const connected = this.client.connect().catch((error: Error) => this.warn(`cannot connect to Redis: ${error.message}`));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([connected, new Promise((resolve) => (timer = setTimeout(resolve, this.options.timeoutMs ?? 1_000)))]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    // Slots still held expire with their lease.
    if (this.client.isOpen) this.client.destroy();
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const slotKey = this.options.keyPrefix + key;
      const token = await this.acquire(slotKey);
      const renewal = token
        ? setInterval(() => void this.call(RENEW, slotKey, [String(this.options.leaseMs), token]).catch(() => undefined), this.options.leaseMs / 3)
        : undefined;
      try {
        return await task();
      } finally {
        clearInterval(renewal);
        if (token) await this.release(slotKey, token);
      }
    });
  }

  /** The holder token once a slot is taken; undefined when Redis cannot be asked (the local limit holds alone). */
  private async acquire(slotKey: string): Promise<string | undefined> {
    const token = randomUUID();
    let pause = 10;
    for (;;) {
      if (!this.client.isReady) {
        this.warn('Redis is not connected');
        return undefined;
      }
      try {
        if ((await this.call(ACQUIRE, slotKey, [String(this.options.limit), String(this.options.leaseMs), token])) === 1) return token;
      } catch (error) {
        this.warn((error as Error).message);
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(MAX_POLL_MS, pause * 2);
    }
  }

  private async release(slotKey: string, token: string): Promise<void> {
    try {
      if (this.client.isReady) await this.withinTimeout(this.client.zRem(slotKey, token));
    } catch {
      // The lease frees the slot.
    }
  }

  private call(script: string, slotKey: string, args: string[]): Promise<unknown> {
    return this.withinTimeout(this.client.eval(script, { keys: [slotKey], arguments: args }));
  }

  private async withinTimeout<T>(reply: Promise<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([reply, timeout]);
    } finally {
      clearTimeout(timer);
      reply.catch(() => undefined);
    }
  }

  private warn(reason: string): void {
    const now = Date.now();
    if (now - this.lastWarningAt < WARNING_INTERVAL_MS) return;
    this.lastWarningAt = now;
    this.logger.warn(`per-host fetch limit held per process only for now: ${reason}`);
  }
}
