import { newRequestId, runWithRequestId } from '@autoglm/shared-observability';

/**
 * A round of work run every intervalMs (timer unref'd) and on demand, never twice at once and
 * never after stop(): a round asked for while one runs, or after stop, does nothing and counts 0.
 * A failed round is reported to onError and counts 0; the next one runs as usual. A round the
 * timer starts is a unit of work of its own (a new correlation id, carried by the calls and jobs it
 * makes); one asked for runs in the asker's.
 */
export class PeriodicRound {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly round: () => Promise<number>,
    private readonly onError: (error: Error) => void,
  ) {}

  start(intervalMs: number, options: { now?: boolean } = {}): void {
    const tick = () => void runWithRequestId(newRequestId(), () => this.run());
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    if (options.now) setImmediate(tick);
  }

  /** No round starts after this; resolves once the round running now (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async run(): Promise<number> {
    if (this.running || this.stopped) return 0;
    const round = this.round().catch((error: unknown) => {
      this.onError(error as Error);
      return 0;
    });
    this.running = round;
    try {
      return await round;
    } finally {
      this.running = undefined;
    }
  }
}
