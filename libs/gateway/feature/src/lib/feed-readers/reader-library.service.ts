import { Inject, Injectable } from '@nestjs/common';
import { SourceKind, storage, type Source } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { SOURCES_CLIENT, STORAGE_CLIENT, type SourcesClient, type StorageClient } from '@autoglm/shared-grpc';
import type { Caller } from '../auth/caller';
import { required } from '../common/values.mapper';

/** Storage's page sizes: reading-list pages, and pages that carry each article's HTML. */
const PAGE = 1_000;
const CONTENT_PAGE = 100;
/** The most articles one SetArticleStates call marks. */
const MARK_BATCH = 10_000;

export type ReadingListQuery = Partial<Omit<storage.ListUserArticlesRequest, 'limit'>>;

export function readingListRequest(query: ReadingListQuery, limit: number): storage.ListUserArticlesRequest {
  return {
    limit,
    cursor: query.cursor ?? '',
    filter: query.filter ?? storage.ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED,
    sourceId: query.sourceId ?? '',
    category: query.category ?? '',
    newerThan: query.newerThan,
    olderThan: query.olderThan,
    order: query.order ?? storage.ReadingListOrder.READING_LIST_ORDER_UNSPECIFIED,
    itemNumbers: query.itemNumbers ?? [],
    afterItemNumber: query.afterItemNumber ?? '0',
    beforeItemNumber: query.beforeItemNumber ?? '0',
    withContent: query.withContent ?? false,
    withTotal: query.withTotal ?? false,
  };
}

export interface MarkChanges {
  read?: boolean;
  starred?: boolean;
}

/**
 * The caller's library as the feed-reader protocols (Google Reader, Fever) see it: reading lists of
 * any length (paged through storage), articles by item number, marks in bulk, subscribing by URL.
 */
@Injectable()
export class ReaderLibrary {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(SOURCES_CLIENT) private readonly sources: SourcesClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async subscriptions(userId: string): Promise<storage.Subscription[]> {
    return (await this.storage.listSubscriptions({}, { actor: userId })).subscriptions;
  }

  /**
   * Up to `max` articles of a reading list, with the cursor that continues it ('' at its end).
   * `keep` drops articles after storage answered (filters storage cannot combine); they still count as read past.
   */
  async collect(userId: string, query: ReadingListQuery, max: number, keep: (article: storage.UserArticle) => boolean = () => true): Promise<{ articles: storage.UserArticle[]; continuation: string }> {
    const articles: storage.UserArticle[] = [];
    const pageSize = query.withContent ? CONTENT_PAGE : PAGE;
    let cursor = query.cursor ?? '';
    let read = 0;
    while (read < max) {
      const limit = Math.min(pageSize, max - read);
      const page = await this.storage.listUserArticles(readingListRequest({ ...query, cursor }, limit), { actor: userId });
      read += page.articles.length;
      articles.push(...page.articles.filter(keep));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return { articles, continuation: cursor };
  }

  /** How many articles a reading list holds in all (one count in storage). */
  async count(userId: string, query: ReadingListQuery): Promise<number> {
    return (await this.storage.listUserArticles(readingListRequest({ ...query, withTotal: true }, 1), { actor: userId })).total;
  }

  /** The articles with these item numbers (unknown numbers are left out), in storage's order. */
  async byItemNumbers(userId: string, itemNumbers: readonly string[], withContent: boolean): Promise<storage.UserArticle[]> {
    const unique = [...new Set(itemNumbers)];
    const pageSize = withContent ? CONTENT_PAGE : PAGE;
    const found: storage.UserArticle[] = [];
    for (let start = 0; start < unique.length; start += pageSize) {
      const chunk = unique.slice(start, start + pageSize);
      const page = await this.storage.listUserArticles(
        readingListRequest({ itemNumbers: chunk, withContent, order: storage.ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC }, chunk.length),
        { actor: userId },
      );
      found.push(...page.articles);
    }
    return found;
  }

  /** Sets or clears read / starred on the articles with these item numbers (unknown ones are passed over). */
  async markItems(userId: string, itemNumbers: readonly string[], changes: MarkChanges): Promise<void> {
    const change = (value: boolean | undefined) =>
      value === undefined ? storage.MarkChange.MARK_CHANGE_UNSPECIFIED : value ? storage.MarkChange.MARK_CHANGE_SET : storage.MarkChange.MARK_CHANGE_CLEAR;
    const unique = [...new Set(itemNumbers)];
    for (let start = 0; start < unique.length; start += MARK_BATCH) {
      await this.storage.setArticleStates({ itemNumbers: unique.slice(start, start + MARK_BATCH), read: change(changes.read), starred: change(changes.starred) }, { actor: userId });
    }
  }

  async markAllRead(userId: string, request: storage.MarkAllReadRequest): Promise<number> {
    return (await this.storage.markAllRead(request, { actor: userId })).marked;
  }

  async subscribe(userId: string, sourceId: string, category: string): Promise<storage.Subscription> {
    return required((await this.storage.putSubscription({ sourceId, category }, { actor: userId })).subscription, 'subscription');
  }

  async unsubscribe(userId: string, sourceId: string): Promise<void> {
    await this.storage.deleteSubscription({ sourceId }, { actor: userId });
  }

  /**
   * Follows the feed at a URL: the instance's source with that URL when there is one; otherwise a new
   * source is added first — which changes the whole instance, so only an administrator may (or anyone
   * under auth.allowAnonymousWrites), like POST /api/v1/sources. Others get PERMISSION_DENIED.
   */
  async subscribeUrl(caller: Caller, url: string, category: string): Promise<storage.Subscription> {
    const wanted = comparableUrl(url);
    if (!wanted) throw DomainError.invalidArgument('the feed must be an http(s) URL');
    let source = await this.sourceWithUrl(wanted);
    if (!source) {
      if (!caller.isAdmin && !this.config.auth.allowAnonymousWrites) {
        throw DomainError.permissionDenied(`no source has this URL yet, and adding one needs an administrator: ask one to add ${wanted}`);
      }
      try {
        source = (await this.sources.addSource({ url: wanted, title: '', intervalSeconds: 0, category: '', fullText: false, kind: SourceKind.SOURCE_KIND_FEED, optionsJson: '' })).source;
      } catch (error) {
        // Added meanwhile by someone else (or known under its URL's other spelling): follow that one.
        if (!isDomainError(error) || error.code !== ErrorCode.AlreadyExists) throw error;
        source = await this.sourceWithUrl(wanted);
      }
      if (!source) throw DomainError.notFound(`no source with URL ${wanted}`);
    }
    return this.subscribe(caller.userId, source.id, category);
  }

  /** ac=subscribe: a feed named by URL (followed or added, see subscribeUrl) or by source id, into a folder (or the one it had). */
  async follow(caller: Caller, feed: string, folder: string | undefined): Promise<void> {
    const existing = subscriptionFor(await this.subscriptions(caller.userId), feed);
    if (existing?.source) await this.subscribe(caller.userId, existing.source.id, folder ?? existing.category);
    else if (comparableUrl(feed)) await this.subscribeUrl(caller, feed, folder ?? '');
    // A source id that names no source is NOT_FOUND from storage.
    else await this.subscribe(caller.userId, feed, folder ?? '');
  }

  async unfollow(userId: string, feed: string): Promise<void> {
    const existing = subscriptionFor(await this.subscriptions(userId), feed)?.source;
    if (!existing) throw DomainError.notFound(`you do not follow ${feed.slice(0, 200)}`);
    await this.unsubscribe(userId, existing.id);
  }

  /** ac=edit: into the added folder, or out of the removed one (into none); the title is the instance's and stays. */
  async refile(userId: string, feed: string, added: string | undefined, removed: string | undefined): Promise<void> {
    const existing = subscriptionFor(await this.subscriptions(userId), feed);
    if (!existing?.source) throw DomainError.notFound(`you do not follow ${feed.slice(0, 200)}`);
    const category = added ?? (removed !== undefined && removed === existing.category ? '' : existing.category);
    if (category !== existing.category) await this.subscribe(userId, existing.source.id, category);
  }

  /** Moves every subscription of a folder to another ('' = none); NOT_FOUND when the user has no such folder. */
  async moveFolder(userId: string, from: string, to: string): Promise<void> {
    const inFolder = (await this.subscriptions(userId)).filter((s) => s.category === from && s.source);
    if (inFolder.length === 0) throw DomainError.notFound(`you have no folder ${from.slice(0, 200)}`);
    for (const subscription of inFolder) await this.subscribe(userId, subscription.source?.id ?? '', to);
  }

  private async sourceWithUrl(url: string): Promise<Source | undefined> {
    const { sources } = await this.sources.listSources({});
    return sources.find((source) => comparableUrl(source.url) === url);
  }
}

/** The subscription to a feed named by source id or by URL. */
export function subscriptionFor(subscriptions: readonly storage.Subscription[], feed: string): storage.Subscription | undefined {
  const url = comparableUrl(feed);
  return subscriptions.find((s) => s.source && (s.source.id === feed || (url !== '' && comparableUrl(s.source.url) === url)));
}

/** An http(s) URL in WHATWG form (so "HTTP://Example.org" and "http://example.org/" compare equal); '' for anything else. */
export function comparableUrl(text: string): string {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
  } catch {
    return '';
  }
}
