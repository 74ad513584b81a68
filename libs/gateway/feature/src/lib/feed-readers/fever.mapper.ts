import { createHash } from 'node:crypto';
import type { storage } from '@autoglm/contracts';
import { siteOf, unixSeconds } from './feed-reader-values';

/** Fever's API version, in every answer. */
export const FEVER_API_VERSION = 3;

/**
 * Fever's integer group id of a folder: 31 bits of the SHA-256 of its name, so it stays the same
 * while other folders come and go (group 0 is "all", Fever's Kindling).
 */
export function feverGroupId(category: string): number {
  return (createHash('sha256').update(category, 'utf8').digest().readUInt32BE(0) & 0x7fff_ffff) || 1;
}



export function mapFeverGroups(subscriptions: readonly storage.Subscription[]) {
  const categories = [...new Set(subscriptions.map((s) => s.category).filter((c) => c !== ''))].sort();
  return categories.map((title) => ({ id: feverGroupId(title), title }));
}

/** feeds_groups: each folder's feed ids as Fever writes them, comma-separated. */
export function mapFeverFeedsGroups(subscriptions: readonly storage.Subscription[]) {
  const byGroup = new Map<number, number[]>();
  for (const s of subscriptions) {
    if (!s.category) continue;
    const id = feverGroupId(s.category);
    byGroup.set(id, [...(byGroup.get(id) ?? []), Number(s.feedNumber)]);
  }
  return [...byGroup].map(([group_id, feeds]) => ({ group_id, feed_ids: feeds.sort((a, b) => a - b).join(',') }));
}

export function mapFeverFeeds(subscriptions: readonly storage.Subscription[]) {
  return subscriptions.flatMap((s) =>
    s.source
      ? [
          {
            id: Number(s.feedNumber),
            favicon_id: 0,
            title: s.source.title || s.source.url,
            url: s.source.url,
            site_url: siteOf(s.source.url),
            is_spark: 0,
            last_updated_on_time: unixSeconds(s.source.lastFetchedAt),
          },
        ]
      : [],
  );
}

export function mapFeverItem(article: storage.UserArticle) {
  const ref = article.article;
  return {
    id: Number(article.itemNumber),
    feed_id: Number(article.feedNumber),
    title: ref?.title ?? '',
    author: article.author,
    html: article.contentHtml,
    url: ref?.url ?? '',
    is_saved: article.marks?.starred ? 1 : 0,
    is_read: article.marks?.read ? 1 : 0,
    created_on_time: unixSeconds(ref?.publishedAt),
  };
}

/** unread_item_ids / saved_item_ids: comma-separated, as Fever writes them. */
export function feverIdList(articles: readonly storage.UserArticle[]): string {
  return articles.map((a) => a.itemNumber).join(',');
}
