import robotsParser from 'robots-parser';
import type { CrawlClock } from '../crawl/crawl-clock';
import { FetchFailure, isFetchError } from './fetch-error';
import type { FetchResult, GuardedFetcher } from './guarded-fetcher';

export interface RobotsTxtOptions {
  enabled: boolean;
  /** The crawler's User-Agent header; its product token (the name before "/") is matched against robots.txt groups. */
  userAgent: string;
  cacheTtlSeconds: number;
  maxCachedOrigins: number;
}

/** Why robots.txt keeps a page from being fetched. */
export type RobotsRefusalReason = 'disallowed' | 'unreachable';

/** A page robots.txt does not let us fetch; the message is shown on the source. */
export class RobotsRefusalError extends Error {
  constructor(
    readonly reason: RobotsRefusalReason,
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = 'RobotsRefusalError';
  }
}

export function isRobotsRefusal(error: unknown): error is RobotsRefusalError {
  return error instanceof RobotsRefusalError;
}

/** What robots.txt says about one URL. */
export type RobotsVerdict =
  | { allowed: true; /** Crawl-delay of our group, in milliseconds (0 when none). */ crawlDelayMs: number }
  | { allowed: false; refusal: RobotsRefusalError };

/** The rules of one origin, as read from its robots.txt. */
type OriginRules =
  | { kind: 'rules'; robots: ReturnType<typeof robotsParser> }
  /** No robots.txt (4xx) or an unusable one: everything is allowed (RFC 9309 §2.3.1.3). */
  | { kind: 'allow-all' }
  /** 5xx or unreachable: nothing is allowed for now (RFC 9309 §2.3.1.4, as Google does). */
  | { kind: 'unreachable'; why: string };

interface CacheEntry {
  expiresAt: number;
  rules: Promise<OriginRules>;
}

/** RFC 9309 §2.5: crawlers must parse at least 500 KiB; anything after it is ignored. */
const MAX_ROBOTS_TXT_BYTES = 500 * 1024;
/** Deadline of one robots.txt fetch (the crawler's timeout still caps it). */
const ROBOTS_TXT_TIMEOUT_MS = 10_000;
/** An unreachable robots.txt is retried after this long: the refusal lasts about one crawl, not a day. */
const UNREACHABLE_TTL_MS = 60_000;
/** Longest Crawl-delay honoured: a crawl of a web-page source fetches up to 20 pages and must end within its lease. */
export const MAX_CRAWL_DELAY_SECONDS = 10;

/**
 * robots.txt (RFC 9309) for the pages that web-page sources read: each origin's /robots.txt is
 * fetched once through the guarded fetcher, parsed with robots-parser and kept for the configured
 * TTL in a bounded LRU cache; concurrent checks of one origin share one fetch. A missing
 * robots.txt (4xx, or too many redirects) allows everything; a 5xx, 429 or an unreachable server
 * disallows everything until it is fetched again a minute later (RFC 9309 and Google treat a
 * server error as "complete disallow"). Feeds are not checked: a feed is published to be polled,
 * and feed readers do not consult robots.txt either.
 */
export class RobotsTxtRules {
  private readonly cache = new Map<string, CacheEntry>();
  /** The product token of our User-Agent ("Open-AutoGLM" of "Open-AutoGLM/0.1 (+…)"). */
  readonly agent: string;

  constructor(
    private readonly fetcher: Pick<GuardedFetcher, 'fetch'>,
    private readonly options: RobotsTxtOptions,
    private readonly clock: CrawlClock,
  ) {
    this.agent = productToken(options.userAgent);
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** Origins whose robots.txt is cached now. */
  get cachedOrigins(): number {
    return this.cache.size;
  }

  async verdict(url: string): Promise<RobotsVerdict> {
    if (!this.options.enabled) return { allowed: true, crawlDelayMs: 0 };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // Not a URL: the fetcher refuses it with its own message.
      return { allowed: true, crawlDelayMs: 0 };
    }
    const rules = await this.rulesOf(parsed.origin);
    const path = `${parsed.pathname}${parsed.search}`;
    switch (rules.kind) {
      case 'allow-all':
        return { allowed: true, crawlDelayMs: 0 };
      case 'unreachable':
        return {
          allowed: false,
          refusal: new RobotsRefusalError(
            'unreachable',
            url,
            `robots.txt of ${parsed.host} could not be read (${rules.why}); its pages are not fetched until it can be`,
          ),
        };
      case 'rules': {
        if (rules.robots.isAllowed(url, this.agent) === false) {
          return {
            allowed: false,
            refusal: new RobotsRefusalError('disallowed', url, `robots.txt of ${parsed.host} disallows ${path} for ${this.agent}`),
          };
        }
        const delay = Number(rules.robots.getCrawlDelay(this.agent) ?? 0);
        const seconds = Number.isFinite(delay) && delay > 0 ? Math.min(delay, MAX_CRAWL_DELAY_SECONDS) : 0;
        return { allowed: true, crawlDelayMs: Math.round(seconds * 1000) };
      }
    }
  }

  private rulesOf(origin: string): Promise<OriginRules> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(origin);
    if (cached && cached.expiresAt > now) {
      // Most recently used last: the first key is the one to drop.
      this.cache.delete(origin);
      this.cache.set(origin, cached);
      return cached.rules;
    }
    const entry: CacheEntry = { expiresAt: now + this.options.cacheTtlSeconds * 1000, rules: this.fetchRules(origin) };
    entry.rules.then((rules) => {
      if (rules.kind === 'unreachable') entry.expiresAt = Math.min(entry.expiresAt, this.clock.now().getTime() + UNREACHABLE_TTL_MS);
    });
    this.cache.delete(origin);
    this.cache.set(origin, entry);
    while (this.cache.size > this.options.maxCachedOrigins) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
    return entry.rules;
  }

  private async fetchRules(origin: string): Promise<OriginRules> {
    const robotsUrl = `${origin}/robots.txt`;
    let response: FetchResult;
    try {
      response = await this.fetcher.fetch(robotsUrl, { acceptAnyStatus: true, timeoutMs: ROBOTS_TXT_TIMEOUT_MS });
    } catch (error) {
      // RFC 9309 §2.3.1.2: after five redirects robots.txt counts as unavailable, i.e. allow all.
      if (isFetchError(error) && error.reason === FetchFailure.TooManyRedirects) return { kind: 'allow-all' };
      // So does a robots.txt too large to read: its first 500 KiB would have to be parsed, and the fetcher cannot return them.
      if (isFetchError(error) && error.reason === FetchFailure.TooLarge) return { kind: 'allow-all' };
      return { kind: 'unreachable', why: error instanceof Error ? error.message : String(error) };
    }
    const status = response.status;
    // Google and RFC 9309 treat 429 like a server error: the site asks us to slow down.
    if (status >= 500 || status === 429) return { kind: 'unreachable', why: `HTTP ${status}` };
    if (status >= 400 || status < 200 || status >= 300) return { kind: 'allow-all' };
    const text = response.body.subarray(0, MAX_ROBOTS_TXT_BYTES).toString('utf8');
    return { kind: 'rules', robots: robotsParser(robotsUrl, text) };
  }
}

/** The product token of a User-Agent header: its first word, without the version ("Open-AutoGLM/0.1 (…)" → "Open-AutoGLM"). */
export function productToken(userAgent: string): string {
  const first = userAgent.trim().split(/\s+/)[0] ?? '';
  return first.split('/')[0] || '*';
}
