import type { storage, Timestamp } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { canonicalUrl, resolveHttpUrl } from '../normalize/canonical-url';
import { parseFeedDate } from '../normalize/feed-date';
import { htmlToPlainText, sanitizeContent, titleText } from '../normalize/html-content';
import { contentHash, itemKey } from '../normalize/item-identity';

/** The fields of one item of a JSON API or web page, before cleaning. */
export interface RawKindItem {
  /** The item's own id ('' when none: the canonical URL identifies it). */
  id: string;
  /** Its link as found (relative links are resolved against `base`). */
  link: string;
  base: string;
  title: string;
  author: string;
  published: string;
  /** HTML to sanitize (plain text is wrapped before). */
  contentHtml: string;
}

const ZERO_TIMESTAMP: Timestamp = { seconds: '0', nanos: 0 };

/**
 * A storage.FeedItem built with the same helpers as the feed path: absolute URL, plain-text
 * title, sanitized HTML, plain text, date, identity (id, else canonical URL, else content) and
 * content hash. Undefined when the item has nothing to show (no title, link or text).
 */
export function toFeedItem(raw: RawKindItem): storage.FeedItem | undefined {
  const link = resolveHttpUrl(raw.link.trim(), raw.base) ?? '';
  // Stored in canonical form, as the feed path does (re-published items are recognised by it).
  const url = link ? canonicalUrl(link) : '';
  const contentHtml = sanitizeContent(raw.contentHtml, link || raw.base);
  const text = htmlToPlainText(contentHtml);
  const title = titleText(raw.title, true);
  if (!title && !url && !text) return undefined;
  const guid = raw.id.trim();
  const published = parseFeedDate(raw.published);
  return {
    itemKey: itemKey({ guid, canonicalUrl: url, title, text }),
    guid,
    url,
    title,
    author: titleText(raw.author, false),
    publishedAt: published ? toTimestamp(published) : ZERO_TIMESTAMP,
    contentHtml,
    text,
    contentHash: contentHash(title, text, url),
  };
}

/** Items with the same identity are kept once (the first). */
export function distinctItems(items: Array<storage.FeedItem | undefined>): storage.FeedItem[] {
  const seen = new Set<string>();
  const kept: storage.FeedItem[] = [];
  for (const item of items) {
    if (!item || seen.has(item.itemKey)) continue;
    seen.add(item.itemKey);
    kept.push(item);
  }
  return kept;
}
