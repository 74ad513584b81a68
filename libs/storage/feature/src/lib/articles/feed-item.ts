import { createHash } from 'node:crypto';
import type { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp } from '@autoglm/shared-grpc';

/** A feed item checked and ready to be written. */
export interface ValidFeedItem {
  itemKey: string;
  guid: string;
  url: string;
  title: string;
  author: string;
  publishedAt: Date | null;
  contentHtml: string;
  text: string;
  contentHash: string;
}

export const MAX_ITEMS_PER_UPSERT = 1000;
const MAX_ITEM_KEY_LENGTH = 1024;

/** Validates a crawler batch; the error names the offending item. */
export function validateFeedItems(items: storage.FeedItem[]): ValidFeedItem[] {
  if (items.length > MAX_ITEMS_PER_UPSERT) {
    throw DomainError.invalidArgument(`at most ${MAX_ITEMS_PER_UPSERT} items per request, got ${items.length}`);
  }
  return items.map((item, index) => {
    const itemKey = item.itemKey.trim();
    if (!itemKey) throw DomainError.invalidArgument(`items[${index}]: item_key is required`);
    if (itemKey.length > MAX_ITEM_KEY_LENGTH) {
      throw DomainError.invalidArgument(`items[${index}]: item_key is longer than ${MAX_ITEM_KEY_LENGTH} characters`);
    }
    const title = item.title.trim();
    if (!title && !item.text.trim()) throw DomainError.invalidArgument(`items[${index}]: an item needs a title or a text`);
    const valid = {
      itemKey,
      guid: item.guid,
      url: item.url.trim(),
      title,
      author: item.author.trim(),
      publishedAt: fromTimestamp(item.publishedAt) ?? null,
      contentHtml: item.contentHtml,
      text: item.text,
    };
    return { ...valid, contentHash: item.contentHash.trim() || contentHashOf(valid) };
  });
}

/** The hash that decides "changed" when the crawler did not send one: every stored field. */
export function contentHashOf(item: Omit<ValidFeedItem, 'contentHash' | 'itemKey'>): string {
  const hash = createHash('sha256');
  for (const part of [item.guid, item.url, item.title, item.author, item.publishedAt?.toISOString() ?? '', item.contentHtml, item.text]) {
    hash.update(part).update('\u0000');
  }
  return `sha256:${hash.digest('hex')}`;
}
