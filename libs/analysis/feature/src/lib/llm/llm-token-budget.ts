import { DomainError } from '@autoglm/shared-errors';

/** Milliseconds since the epoch; injected so the day boundary is testable. */
export type Clock = () => number;

/**
 * A per-UTC-day token allowance of this process: calls are refused with RESOURCE_EXHAUSTED once
 * the day's spend (as the API reports it in `usage`) reaches the limit; it resets at 00:00 UTC.
 */
export class LlmTokenBudget {
  private day = '';
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly now: Clock = Date.now,
  ) {}

  /** Tokens spent today. */
  get spent(): number {
    this.roll();
    return this.used;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.spent);
  }

  /** Throws RESOURCE_EXHAUSTED when nothing is left for today. */
  ensureAvailable(): void {
    if (this.remaining > 0) return;
    throw DomainError.resourceExhausted(
      `the LLM's daily token budget (${this.limit} tokens, LLM_DAILY_TOKEN_BUDGET) is spent; it resets at 00:00 UTC`,
    );
  }

  record(tokens: number): void {
    this.roll();
    this.used += Math.max(0, Math.round(tokens));
  }

  private roll(): void {
    const today = new Date(this.now()).toISOString().slice(0, 10);
    if (today !== this.day) {
      this.day = today;
      this.used = 0;
    }
  }
}
