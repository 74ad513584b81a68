/** The time crawl logic depends on (Retry-After dates); injected so tests can control it. */
export interface CrawlClock {
  now(): Date;
}

export const CRAWL_CLOCK = Symbol('CRAWL_CLOCK');

export const systemCrawlClock: CrawlClock = { now: () => new Date() };
