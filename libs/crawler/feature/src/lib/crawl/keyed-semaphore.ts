/** The crawler's one per-host limit, shared by crawls and full-text rounds so a host sees both within it. */
export const PER_HOST_FETCHES = Symbol('PER_HOST_FETCHES');

/** At most a number of tasks at a time per key: in this process (KeyedSemaphore) or across crawler replicas (RedisHostLimiter). */
export interface HostLimiter {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

interface Slot {
  active: number;
  waiting: Array<() => void>;
}

/**
 * At most `limit` tasks at a time per key (per host, for politeness); further tasks for the same
 * key wait in arrival order. Keys with nothing running are forgotten, so the map stays small.
 */
export class KeyedSemaphore implements HostLimiter {
  private readonly slots = new Map<string, Slot>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the limit must be a positive integer, got ${limit}`);
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  /** Tasks of `key` running now. */
  active(key: string): number {
    return this.slots.get(key)?.active ?? 0;
  }

  /** Tasks of `key` waiting for a turn. */
  waiting(key: string): number {
    return this.slots.get(key)?.waiting.length ?? 0;
  }

  /** Keys with running or waiting tasks. */
  get size(): number {
    return this.slots.size;
  }

  private acquire(key: string): Promise<void> {
    const slot = this.slots.get(key) ?? { active: 0, waiting: [] };
    this.slots.set(key, slot);
    if (slot.active < this.limit) {
      slot.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => slot.waiting.push(resolve));
  }

  private release(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    const next = slot.waiting.shift();
    // The turn passes straight to the next waiter: `active` stays the same.
    if (next) return next();
    slot.active--;
    if (slot.active === 0) this.slots.delete(key);
  }
}

/** The politeness key of a URL: its host name, lower-case (ports of one host share it). */
export function hostKey(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url;
  }
}
