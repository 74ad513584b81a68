import type { createClient } from 'redis';
import { DomainError } from '@autoglm/shared-errors';

/** Milliseconds since the epoch; injected so the day boundary is testable. */
export type Clock = () => number;

/**
 * The LLM's allowance of tokens per UTC day (LLM_DAILY_TOKEN_BUDGET), charged with what the API
 * reports in `usage` after each call; it resets at 00:00 UTC. "process" counts in this process
 * (embedded mode: the only one); "redis" counts in Redis, one budget for every analysis replica.
 */
export interface LlmTokenBudget {
  readonly limit: number;
  readonly scope: 'process' | 'redis';
  /** Tokens spent today. */
  spent(): Promise<number>;
  /** Adds `tokens` to today's spend and returns the new total. */
  record(tokens: number): Promise<number>;
}

/** Tokens left today; RESOURCE_EXHAUSTED when none are. */
export async function remainingTokens(budget: LlmTokenBudget): Promise<number> {
  const remaining = Math.max(0, budget.limit - (await budget.spent()));
  if (remaining > 0) return remaining;
  throw DomainError.resourceExhausted(
    `the LLM's daily token budget (${budget.limit} tokens, LLM_DAILY_TOKEN_BUDGET) is spent; it resets at 00:00 UTC`,
  );
}

function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function whole(tokens: number): number {
  return Math.max(0, Math.round(tokens));
}

/** The budget of this process alone. */
export class InProcessTokenBudget implements LlmTokenBudget {
  readonly scope = 'process';
  private day = '';
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly now: Clock = Date.now,
  ) {}

  async spent(): Promise<number> {
    this.roll();
    return this.used;
  }

  async record(tokens: number): Promise<number> {
    this.roll();
    this.used += whole(tokens);
    return this.used;
  }

  private roll(): void {
    const today = utcDay(this.now());
    if (today !== this.day) {
      this.day = today;
      this.used = 0;
    }
  }
}

export type BudgetRedis = Pick<ReturnType<typeof createClient>, 'get' | 'incrBy' | 'expire'>;

/** Keys outlive their day by one, so a replica whose clock is a little behind still finds it. */
const KEY_TTL_SECONDS = 2 * 86_400;

/**
 * One budget for every replica: today's spend is the Redis counter `autoglm:llm:tokens:<UTC day>`
 * (INCRBY is atomic, so concurrent replicas never lose a charge). A call may start on a stale read
 * and overspend by at most one answer (max_tokens bounds it). When Redis does not answer, the
 * budget cannot be checked and the call is refused (UNAVAILABLE): ingestion then keeps its
 * extractive summaries rather than spending without a limit.
 */
export class RedisTokenBudget implements LlmTokenBudget {
  readonly scope = 'redis';

  constructor(
    readonly limit: number,
    private readonly redis: BudgetRedis,
    private readonly now: Clock = Date.now,
    private readonly prefix = 'autoglm:llm:tokens',
  ) {}

  async spent(): Promise<number> {
    const value = await this.guarded(() => this.redis.get(this.key()));
    return Number(value ?? 0) || 0;
  }

  async record(tokens: number): Promise<number> {
    const key = this.key();
    const total = await this.guarded(() => this.redis.incrBy(key, whole(tokens)));
    await this.guarded(() => this.redis.expire(key, KEY_TTL_SECONDS));
    return Number(total);
  }

  private key(): string {
    return `${this.prefix}:${utcDay(this.now())}`;
  }

  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw DomainError.unavailable(`the shared LLM token budget in Redis cannot be read: ${(error as Error).message}`);
    }
  }
}
