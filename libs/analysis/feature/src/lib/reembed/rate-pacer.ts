/** Waits `ms` milliseconds, or less when the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Spaces out work at a steady rate: the n-th take() returns no earlier than 1000/rate ms after the
 * (n-1)-th. Idle time is not saved up (no bursts after a pause).
 */
export class RatePacer {
  private readonly intervalMs: number;
  private next = Number.NEGATIVE_INFINITY;

  constructor(
    perSecond: number,
    private readonly now: () => number,
    private readonly sleep: Sleep = timerSleep,
  ) {
    if (!(perSecond > 0)) throw new RangeError(`the rate must be > 0 per second, got ${perSecond}`);
    this.intervalMs = 1000 / perSecond;
  }

  async take(signal?: AbortSignal): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await this.sleep(at - now, signal);
  }
}
