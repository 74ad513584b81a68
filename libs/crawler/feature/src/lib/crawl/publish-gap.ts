import type { storage } from '@autoglm/contracts';

/**
 * The median gap, in whole seconds, between the distinct publication times of the items of a
 * feed: how often the source publishes, as far as one document shows. 0 when fewer than two
 * items are dated. The median ignores a single old item at the bottom of the feed.
 */
export function medianPublishGapSeconds(items: readonly storage.FeedItem[]): number {
  const times = [...new Set(items.flatMap((i) => (i.publishedAt ? [Number(i.publishedAt.seconds)] : [])))]
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  if (times.length < 2) return 0;
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const median = gaps.length % 2 ? (gaps[mid] ?? 0) : ((gaps[mid - 1] ?? 0) + (gaps[mid] ?? 0)) / 2;
  return Math.min(Math.round(median), 2_147_483_647);
}
