import { Injectable, Logger } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { extractArticle } from '../extract/article-extractor';
import { declaredCanonicalUrl } from '../normalize/canonical-url';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { contentHash } from '../normalize/item-identity';
import { decodeDocument } from '../parse/charset';
import { hostKey, type KeyedSemaphore } from './keyed-semaphore';

/** At most this many new items of one crawl get their page fetched (the rest keep the feed's text). */
export const FULL_TEXT_ITEMS_PER_CRAWL = 20;
/** A page fetch for full text gets this deadline (the crawler's timeout still caps it). */
const PAGE_TIMEOUT_MS = 10_000;

/**
 * Full text for feeds that carry teasers: fetches an item's page through the guarded fetcher
 * (same SSRF rules, limits and per-host politeness as the feed) and replaces the item's content
 * with the page's extracted main content when that is longer than what the feed gave.
 * The item's identity (item_key) never changes, so the enriched item updates the same article.
 */
@Injectable()
export class FullTextEnricher {
  private readonly logger = new Logger(FullTextEnricher.name);

  constructor(private readonly fetcher: GuardedFetcher) {}

  /** The enriched item, or undefined when the page could not be read or gave nothing better. */
  async enrich(item: storage.FeedItem, perHost: KeyedSemaphore): Promise<storage.FeedItem | undefined> {
    if (!item.url) return undefined;
    try {
      const page = await perHost.run(hostKey(item.url), () => this.fetcher.fetch(item.url, { timeoutMs: PAGE_TIMEOUT_MS }));
      if (!/html/i.test(page.contentType || 'text/html')) return undefined;
      const { text: html } = decodeDocument(page.body, page.contentType);
      const article = extractArticle(html, page.finalUrl);
      if (article.text.length <= item.text.length) return undefined;
      // The item keeps its identity (key); its link becomes the page's own canonical URL when it declares one.
      const url = declaredCanonicalUrl(article.canonicalUrl, page.finalUrl) ?? item.url;
      return {
        ...item,
        url,
        contentHtml: article.contentHtml,
        text: article.text,
        author: item.author || article.byline || '',
        contentHash: contentHash(item.title, article.text, url),
      };
    } catch (error) {
      this.logger.warn(`full text of ${item.url} unavailable: ${(error as Error).message}`);
      return undefined;
    }
  }
}
