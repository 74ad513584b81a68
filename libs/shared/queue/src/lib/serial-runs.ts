/**
 * Background work that derives what to do from the database (outbox relay, full-text rounds): one
 * run at a time per process; a request during a run asks for exactly one more run after it (its
 * work may have arrived after the run looked), so no request is lost and none piles up.
 * `run` handles its own errors: a rejection would surface as an unhandled one.
 */
export class SerialRuns {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly run: () => Promise<void>) {}

  /** Whether stop() was called: a run in progress should end early. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Starts a run, or asks for one more after the current one; resolves when the runs are done. */
  request(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // A request that arrived while this run was finishing.
      if (this.again && !this.stopped) void this.request();
    });
    return this.running;
  }

  /** Runs now (work left from before is picked up) and then every `intervalMs` (work nobody asked for, e.g. retries coming due). */
  start(intervalMs: number): void {
    void this.request();
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.request(), intervalMs);
    this.timer.unref();
  }

  /** No new run starts; resolves when the current one (if any) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.run();
    } while (this.again && !this.stopped);
  }
}
