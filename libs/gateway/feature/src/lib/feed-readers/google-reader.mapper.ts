import type { storage, Timestamp } from '@autoglm/contracts';
import { siteOf, unixSeconds } from './feed-reader-values';
import { readerItemId } from './reader-item-ids';
import { feedStreamId, labelStreamId, READ, READING_LIST, STARRED } from './reader-streams';

/** What an item's mapping needs to know of its source: the caller's folder for it and its title. */
export interface FeedInfo {
  category: string;
  title: string;
}

export type FeedsById = ReadonlyMap<string, FeedInfo>;

export function feedsById(subscriptions: readonly storage.Subscription[]): Map<string, FeedInfo> {
  return new Map(subscriptions.flatMap((s) => (s.source ? [[s.source.id, { category: s.category, title: s.source.title || s.source.url }] as const] : [])));
}

function microseconds(ts: Timestamp | undefined): bigint {
  return ts ? BigInt(ts.seconds) * 1_000_000n + BigInt(Math.floor(ts.nanos / 1_000)) : 0n;
}


function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}


export function mapUserInfo(caller: { userId: string; name: string }) {
  return { userId: caller.userId, userName: caller.name, userProfileId: caller.userId, userEmail: '', isBloggerUser: false, signupTimeSec: 0, isMultiLoginEnabled: false };
}

export function mapSubscriptionList(subscriptions: readonly storage.Subscription[]) {
  return {
    subscriptions: subscriptions.flatMap((s) => {
      const source = s.source;
      if (!source) return [];
      return [
        {
          id: feedStreamId(source.id),
          title: source.title || source.url,
          categories: s.category ? [{ id: labelStreamId(s.category), label: s.category }] : [],
          url: source.url,
          htmlUrl: siteOf(source.url),
          iconUrl: '',
          firstitemmsec: String(microseconds(s.createdAt) / 1_000n),
          sortid: s.feedNumber.padStart(8, '0').slice(-8),
        },
      ];
    }),
  };
}

export function mapTagList(subscriptions: readonly storage.Subscription[]) {
  const labels = [...new Set(subscriptions.map((s) => s.category).filter((c) => c !== ''))].sort();
  return {
    tags: [{ id: STARRED }, { id: READ }, ...labels.map((label) => ({ id: labelStreamId(label), type: 'folder' }))],
  };
}

export function mapItemRefs(articles: readonly storage.UserArticle[], continuation: string) {
  return {
    itemRefs: articles.map((a) => ({ id: readerItemId(a.itemNumber).short, directStreamIds: [], timestampUsec: String(microseconds(a.article?.publishedAt)) })),
    ...(continuation ? { continuation } : {}),
  };
}

export function mapItem(article: storage.UserArticle, feeds: FeedsById) {
  const ref = article.article;
  const sourceId = ref?.sourceId ?? '';
  const feed = feeds.get(sourceId);
  const usec = microseconds(ref?.publishedAt);
  const categories = [READING_LIST, ...(feed?.category ? [labelStreamId(feed.category)] : [])];
  if (article.marks?.read) categories.push(READ);
  if (article.marks?.starred) categories.push(STARRED);
  const url = ref?.url ?? '';
  const content = article.contentHtml || (ref?.summary ? `<p>${escapeHtml(ref.summary)}</p>` : '');
  return {
    id: readerItemId(article.itemNumber).long,
    crawlTimeMsec: String(usec / 1_000n),
    timestampUsec: String(usec),
    published: unixSeconds(ref?.publishedAt),
    updated: unixSeconds(ref?.publishedAt),
    title: ref?.title ?? '',
    author: article.author,
    canonical: url ? [{ href: url }] : [],
    alternate: url ? [{ href: url, type: 'text/html' }] : [],
    summary: { direction: 'ltr', content },
    categories,
    origin: { streamId: feedStreamId(sourceId), title: article.sourceTitle || feed?.title || '', htmlUrl: siteOf(url) },
  };
}

export function mapStream(streamId: string, title: string, articles: readonly storage.UserArticle[], feeds: FeedsById, now: Date, continuation: string) {
  return {
    direction: 'ltr',
    id: streamId,
    title,
    description: '',
    updated: Math.floor(now.getTime() / 1000),
    updatedUsec: String(BigInt(now.getTime()) * 1_000n),
    items: articles.map((a) => mapItem(a, feeds)),
    ...(continuation ? { continuation } : {}),
  };
}

/** unread-count: per feed, per folder and for the whole reading list. */
export function mapUnreadCounts(unread: readonly storage.UserArticle[], feeds: FeedsById, max: number) {
  const counts = new Map<string, { count: number; newest: bigint }>();
  const add = (id: string, usec: bigint) => {
    const entry = counts.get(id) ?? { count: 0, newest: 0n };
    entry.count += 1;
    if (usec > entry.newest) entry.newest = usec;
    counts.set(id, entry);
  };
  for (const article of unread) {
    const usec = microseconds(article.article?.publishedAt);
    const sourceId = article.article?.sourceId ?? '';
    add(feedStreamId(sourceId), usec);
    const category = feeds.get(sourceId)?.category;
    if (category) add(labelStreamId(category), usec);
    add(READING_LIST, usec);
  }
  return {
    max,
    unreadcounts: [...counts].map(([id, { count, newest }]) => ({ id, count, newestItemTimestampUsec: String(newest) })),
  };
}
