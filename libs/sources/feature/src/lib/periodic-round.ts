import { inSpan, newRequestId, ROOT_CONTEXT, runWithRequestId, SpanKind, traceContext } from '@autoglm/shared-observability';

/**
 * A round of work run every intervalMs (timer unref'd) and on demand, never twice at once and
 * never after stop(): a round asked for while one runs, or after stop, does nothing and counts 0.
 * A failed round is reported to onError and counts 0; the next one runs as usual. A round the
 * timer starts is a unit of work of its own (a new correlation id, carried by the calls and jobs it
 * makes); one asked for runs in the asker's.
 *
 * Each round is a span named `name` (its item count in autoglm.round.items, ERROR when it fails): the
 * root of a new trace when the timer starts it, so the calls and queue jobs it makes continue that
 * trace; a child of the asker's span when asked for.
 */
export class PeriodicRound {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly round: () => Promise<number>,
    private readonly onError: (error: Error) => void,
  ) {}

  start(intervalMs: number, options: { now?: boolean } = {}): void {
    const tick = () => void runWithRequestId(newRequestId(), () => traceContext.with(ROOT_CONTEXT, () => this.run()));
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
    const round = inSpan(this.name, { kind: SpanKind.INTERNAL }, async (span) => {
      const items = await this.round();
      span.setAttribute('autoglm.round.items', items);
      return items;
    }).catch((error: unknown) => {
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
