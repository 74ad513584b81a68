import { Inject, Injectable, Optional } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { extractArticle } from '../extract/article-extractor';
import { isExtractionError } from '../extract/extraction-error';
import { FetchFailure, isFetchError, type FetchError } from '../fetch/fetch-error';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { retryAfterSeconds } from '../fetch/retry-after';
import { declaredCanonicalUrl } from '../normalize/canonical-url';
import { contentHash } from '../normalize/item-identity';
import { decodeDocument } from '../parse/charset';
import { CRAWL_CLOCK, systemCrawlClock, type CrawlClock } from './crawl-clock';
import { hostKey, type HostLimiter } from './keyed-semaphore';

/** A page fetch for full text gets this deadline (the crawler's timeout still caps it). */
const PAGE_TIMEOUT_MS = 10_000;

/** What reading an item's page gave: its main content, or why there is none and whether trying again may help. */
export type FullTextOutcome =
  | { page: storage.FullTextPage }
  | {
      failure: string;
      /** The failure may pass (network, timeout, 5xx, 429): storage retries it with backoff. */
      retryable: boolean;
      /** The server's Retry-After in seconds (0: none). */
      retryAfterSeconds: number;
    };

/** HTTP statuses that say "not now" rather than "never" (RFC 9110: 408, 425, 429 and the 5xx family). */
function passingStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Fetch failures that may pass on their own; the others (blocked address, bad URL, too large…) will not. */
const PASSING_FETCH_FAILURES = new Set([FetchFailure.DnsFailure, FetchFailure.ConnectFailure, FetchFailure.Timeout, FetchFailure.BadResponse]);

/**
 * Full text for feeds that carry teasers: fetches an item's page through the guarded fetcher
 * (same SSRF rules, limits and per-host politeness as the feed) and extracts its main content,
 * kept when it is longer than what the feed gave. Every outcome that is not a page says why.
 */
@Injectable()
export class FullTextEnricher {
  constructor(
    private readonly fetcher: GuardedFetcher,
    @Optional() @Inject(CRAWL_CLOCK) private readonly clock: CrawlClock = systemCrawlClock,
  ) {}

  async read(work: storage.FullTextWork, perHost: HostLimiter): Promise<FullTextOutcome> {
    if (!work.url) return final('the item has no link to a page');
    try {
      const page = await perHost.run(hostKey(work.url), () => this.fetcher.fetch(work.url, { timeoutMs: PAGE_TIMEOUT_MS }));
      const type = page.contentType || 'text/html';
      if (!/html/i.test(type)) return final(`the page is not HTML (${type.split(';')[0].trim()})`);
      const { text: html } = decodeDocument(page.body, page.contentType);
      const article = extractArticle(html, page.finalUrl);
      const text = article.text;
      if (!text.trim()) return final('no extractable content: the page has no main text');
      if (text.length <= work.text.length) return final("no extractable content: the page's main text is no longer than the feed's");
      // The item keeps its identity (key); its link becomes the page's own canonical URL when it declares one.
      const url = declaredCanonicalUrl(article.canonicalUrl, page.finalUrl) ?? work.url;
      return {
        page: {
          url,
          contentHtml: article.contentHtml,
          text,
          author: work.author ? '' : (article.byline ?? ''),
          contentHash: contentHash(work.title, text, url),
        },
      };
    } catch (error) {
      if (isFetchError(error)) return this.fetchFailure(error);
      if (isExtractionError(error)) return final(`no extractable content: ${error.message}`);
      // A defect in reading this particular page: retried (a bounded number of times) in case it was transient.
      return { failure: `the page could not be read: ${error instanceof Error ? error.message : String(error)}`, retryable: true, retryAfterSeconds: 0 };
    }
  }

  private fetchFailure(error: FetchError): FullTextOutcome {
    if (error.reason === FetchFailure.HttpStatus) {
      const retryable = passingStatus(error.status);
      const retryAfter = retryable && error.retryAfter ? retryAfterSeconds(error.retryAfter, this.clock.now()) : 0;
      return { failure: error.message, retryable, retryAfterSeconds: retryAfter };
    }
    return { failure: error.message, retryable: PASSING_FETCH_FAILURES.has(error.reason), retryAfterSeconds: 0 };
  }
}

function final(failure: string): FullTextOutcome {
  return { failure, retryable: false, retryAfterSeconds: 0 };
}
