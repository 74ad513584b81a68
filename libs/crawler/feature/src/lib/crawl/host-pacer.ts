import type { CrawlClock } from './crawl-clock';

/** Hosts remembered at most; older reservations are dropped first (they are in the past by then). */
const MAX_PACED_HOSTS = 10_000;

/**
 * The minimum spacing between request starts per host (robots.txt Crawl-delay), on top of the
 * per-host concurrency limit of KeyedSemaphore: each request reserves the next free start time
 * of its host and waits for it, so requests of one host start at least `delayMs` apart.
 */
export class HostPacer {
  private readonly nextStart = new Map<string, number>();

  constructor(
    private readonly clock: CrawlClock,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Waits for the turn of `key` when its requests must be `delayMs` apart (no wait when delayMs is 0). */
  async wait(key: string, delayMs: number): Promise<void> {
    if (delayMs <= 0) return;
    const now = this.clock.now().getTime();
    const start = Math.max(now, this.nextStart.get(key) ?? now);
    this.nextStart.delete(key);
    this.nextStart.set(key, start + delayMs);
    if (this.nextStart.size > MAX_PACED_HOSTS) this.nextStart.delete(this.nextStart.keys().next().value as string);
    if (start > now) await this.sleep(start - now);
  }
}
