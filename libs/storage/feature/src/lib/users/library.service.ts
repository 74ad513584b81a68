import { Inject, Injectable } from '@nestjs/common';
import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp } from '@autoglm/shared-grpc';
import { decodeArticleCursor, encodeArticleCursor } from '../articles/article-cursor';
import { ARTICLE_REF_COLUMNS, FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { articleNotFound } from '../articles/articles.service';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { SOURCE_COLUMNS, type SourceRow } from '../sources/source-row';
import { sourceNotFound } from '../sources/sources.service';
import { SAVED_SEARCH_COLUMNS, type MarksRow, type SavedSearchRow, type SubscriptionRow, type UserArticleRow } from './user-rows';
import { checkUserId, userNotFound } from './users.service';

const MAX_CATEGORY = 200;
const DEFAULT_PAGE = 20;
const MAX_PAGE = 1000;
/** Pages that carry each article's HTML are smaller: they must fit one gRPC message. */
const MAX_PAGE_WITH_CONTENT = 100;
const MAX_ITEM_NUMBERS = 1000;
const MAX_MARKED_ITEMS = 10_000;
const ITEM_NUMBER = /^[1-9]\d{0,18}$/;
const MAX_SAVED_SEARCHES = 200;
const MAX_SEARCH_NAME = 100;
const MAX_QUERY = 500;

/** The filters of a saved search, as stored (JSON text). */
interface SavedFilters {
  sourceId?: string;
  topic?: string;
  language?: string;
  from?: string;
  to?: string;
}

export function savedSearchNotFound(id: string): DomainError {
  return DomainError.notFound(`saved search ${id} not found`);
}

/**
 * What a user owns besides keys: subscriptions, read/star marks, the reading list and saved
 * searches. Every statement names the owner in its WHERE clause (or inserts it), so another
 * user's row is never read, changed or revealed: it is NOT_FOUND like a missing one.
 */
@Injectable()
export class LibraryService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
  ) {}

  async putSubscription(actorUserId: string, request: storage.PutSubscriptionRequest): Promise<{ subscription: SubscriptionRow; created: boolean }> {
    const userId = await this.requireUser(actorUserId);
    const category = request.category.trim();
    if (category.length > MAX_CATEGORY) throw DomainError.invalidArgument(`category must be at most ${MAX_CATEGORY} characters`);
    if (!isUuid(request.sourceId)) throw sourceNotFound(request.sourceId);
    const rows = (await this.db.dataSource.query(
      `INSERT INTO subscriptions (user_id, source_id, category, created_at)
       SELECT $1, s.id, $3, $4 FROM sources s WHERE s.id = $2
       ON CONFLICT (user_id, source_id) DO UPDATE SET category = EXCLUDED.category
       RETURNING (xmax = 0) AS created`,
      [userId, request.sourceId, category, this.clock.now()],
    )) as Array<{ created: boolean }>;
    if (!rows[0]) throw sourceNotFound(request.sourceId);
    const [subscription] = await this.subscriptions(userId, request.sourceId);
    if (!subscription) throw sourceNotFound(request.sourceId);
    return { subscription, created: rows[0].created };
  }

  async deleteSubscription(userId: string, sourceId: string): Promise<void> {
    const owner = await this.requireUser(userId);
    const deleted = isUuid(sourceId) && (await this.deleteOwned('subscriptions', 'source_id', sourceId, owner));
    if (!deleted) throw DomainError.notFound(`no subscription to source ${sourceId}`);
  }

  async listSubscriptions(userId: string): Promise<SubscriptionRow[]> {
    return this.subscriptions(await this.requireUser(userId));
  }

  /** Sets or clears the read and starred marks (a mark set twice keeps its first time). */
  async setArticleState(actorUserId: string, request: storage.SetArticleStateRequest): Promise<MarksRow> {
    const userId = await this.requireUser(actorUserId);
    const read = checkChange(request.read, 'read');
    const starred = checkChange(request.starred, 'starred');
    if (!isUuid(request.articleId)) throw articleNotFound(request.articleId);
    const rows = (await this.db.dataSource.query(
      `${markStatement(read, starred, 'a.id = $2')} RETURNING st.read_at AS "readAt", st.starred_at AS "starredAt"`,
      markParameters(read, starred, [userId, request.articleId], this.clock.now()),
    )) as MarksRow[];
    if (!rows[0]) throw articleNotFound(request.articleId);
    return rows[0];
  }

  /** setArticleState for many articles named by item number; unknown numbers are passed over. Returns how many were found. */
  async setArticleStates(actorUserId: string, request: storage.SetArticleStatesRequest): Promise<number> {
    const userId = await this.requireUser(actorUserId);
    const read = checkChange(request.read, 'read');
    const starred = checkChange(request.starred, 'starred');
    const itemNumbers = [...new Set((request.itemNumbers ?? []).map((n) => checkItemNumber(n, 'item_numbers')))];
    if (itemNumbers.length === 0 || itemNumbers.length > MAX_MARKED_ITEMS) throw DomainError.invalidArgument(`item_numbers must hold 1..${MAX_MARKED_ITEMS} numbers`);
    const rows = (await this.db.dataSource.query(
      `WITH marked AS (${markStatement(read, starred, 'a.item_number = ANY($2::bigint[])')} RETURNING 1) SELECT count(*)::int AS n FROM marked`,
      markParameters(read, starred, [userId, itemNumbers], this.clock.now()),
    )) as Array<{ n: number }>;
    return rows[0]?.n ?? 0;
  }

  /**
   * The reading list: articles of the user's subscriptions, newest first, with the user's marks.
   * STARRED lists every starred article, also from sources the user no longer follows; item_numbers
   * selects articles by number whether followed or not (articles are the instance's shared content).
   */
  async listUserArticles(actorUserId: string, request: storage.ListUserArticlesRequest): Promise<{ articles: UserArticleRow[]; nextCursor: string; total: number }> {
    const userId = await this.requireUser(actorUserId);
    const maxLimit = request.withContent ? MAX_PAGE_WITH_CONTENT : MAX_PAGE;
    const limit = request.limit || DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw DomainError.invalidArgument(`limit must be between 1 and ${maxLimit}`);
    const filter = request.filter;
    if (filter < 0 || !Object.values(storage.ReadingListFilter).includes(filter)) throw DomainError.invalidArgument('filter must be one of all, unread, read, starred');
    const order = request.order;
    if (order < 0 || !Object.values(storage.ReadingListOrder).includes(order)) throw DomainError.invalidArgument('order must be newest first, oldest first or by item number');
    const byFeedTime = order === storage.ReadingListOrder.READING_LIST_ORDER_UNSPECIFIED || order === storage.ReadingListOrder.READING_LIST_ORDER_OLDEST_FIRST;
    const ascending = order === storage.ReadingListOrder.READING_LIST_ORDER_OLDEST_FIRST || order === storage.ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC;
    if (request.cursor && !byFeedTime) throw DomainError.invalidArgument('a cursor continues only a list ordered by feed time');
    const itemNumbers = (request.itemNumbers ?? []).map((n) => checkItemNumber(n, 'item_numbers'));
    if (itemNumbers.length > MAX_ITEM_NUMBERS) throw DomainError.invalidArgument(`item_numbers takes at most ${MAX_ITEM_NUMBERS} numbers`);
    const after = request.afterItemNumber && request.afterItemNumber !== '0' ? checkItemNumber(request.afterItemNumber, 'after_item_number') : undefined;
    const before = request.beforeItemNumber && request.beforeItemNumber !== '0' ? checkItemNumber(request.beforeItemNumber, 'before_item_number') : undefined;
    const params: unknown[] = [userId];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    /** The conditions of the page alone (cursor, time window, number bounds), left out of the total. */
    const pageOnly: string[] = [];
    const starredOnly = filter === storage.ReadingListFilter.READING_LIST_FILTER_STARRED;
    const subscribed = starredOnly || itemNumbers.length > 0 ? '' : `JOIN subscriptions sub ON sub.source_id = a.source_id AND sub.user_id = $1`;
    if (itemNumbers.length > 0) where.push(`a.item_number = ANY(${param(itemNumbers)}::bigint[])`);
    if (starredOnly) where.push('st.starred_at IS NOT NULL');
    if (filter === storage.ReadingListFilter.READING_LIST_FILTER_UNREAD) where.push('st.read_at IS NULL');
    if (filter === storage.ReadingListFilter.READING_LIST_FILTER_READ) where.push('st.read_at IS NOT NULL');
    if (request.sourceId) {
      if (!isUuid(request.sourceId)) return { articles: [], nextCursor: '', total: 0 };
      where.push(`a.source_id = ${param(request.sourceId)}`);
    }
    if (request.category) {
      where.push(`a.source_id IN (SELECT c.source_id FROM subscriptions c WHERE c.user_id = $1 AND c.category = ${param(request.category)})`);
    }
    // The list's own parameters come first ($1..$n), the page's after them: the total uses only the former.
    const listParameters = params.length;
    if (request.cursor) {
      const cursor = decodeArticleCursor(request.cursor);
      pageOnly.push(`(${FEED_TIME}, a.id) ${ascending ? '>' : '<'} (${param(cursor.sortKey)}::timestamptz, ${param(cursor.id)}::uuid)`);
    }
    const newerThan = fromTimestamp(request.newerThan);
    const olderThan = fromTimestamp(request.olderThan);
    if (newerThan) pageOnly.push(`${FEED_TIME} > ${param(newerThan)}::timestamptz`);
    if (olderThan) pageOnly.push(`${FEED_TIME} < ${param(olderThan)}::timestamptz`);
    if (after) pageOnly.push(`a.item_number > ${param(after)}::bigint`);
    if (before) pageOnly.push(`a.item_number < ${param(before)}::bigint`);
    const direction = ascending ? 'ASC' : 'DESC';
    const orderBy = byFeedTime ? `${FEED_TIME} ${direction}, a.id ${direction}` : `a.item_number ${direction}`;
    const content = request.withContent
      ? `a.author, a.content_html AS "contentHtml", s.title AS "sourceTitle"`
      : `'' AS author, '' AS "contentHtml", '' AS "sourceTitle"`;
    const whereOf = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
    const from = `FROM articles a JOIN sources s ON s.id = a.source_id ${subscribed}
         LEFT JOIN article_states st ON st.article_id = a.id AND st.user_id = $1`;
    const rows = (await this.db.dataSource.query(
      `SELECT ${ARTICLE_REF_COLUMNS}, st.read_at AS "readAt", st.starred_at AS "starredAt",
              a.item_number::text AS "itemNumber", s.feed_number::text AS "feedNumber", ${content},
              to_char(${FEED_TIME} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "sortKey"
         ${from}
         ${NEWEST_ANALYSIS_JOIN}
        ${whereOf([...where, ...pageOnly])}
        ORDER BY ${orderBy}
        LIMIT ${param(limit + 1)}`,
      params,
    )) as UserArticleRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const more = rows.length > limit && last !== undefined && byFeedTime;
    const total = request.withTotal
      ? (((await this.db.dataSource.query(`SELECT count(*)::int AS n ${from} ${whereOf(where)}`, params.slice(0, listParameters))) as Array<{ n: number }>)[0]?.n ?? 0)
      : 0;
    return { articles: page, nextCursor: more ? encodeArticleCursor({ sortKey: last.sortKey, id: last.id }) : '', total };
  }

  /**
   * Marks the unread articles of the user's subscriptions read (of one source or one folder when
   * named), up to a feed time; returns how many were unread. Articles marked read keep their first read time.
   */
  async markAllRead(actorUserId: string, request: storage.MarkAllReadRequest): Promise<number> {
    const userId = await this.requireUser(actorUserId);
    const params: unknown[] = [userId, this.clock.now()];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [`NOT EXISTS (SELECT 1 FROM article_states r WHERE r.user_id = $1 AND r.article_id = a.id AND r.read_at IS NOT NULL)`];
    if (request.sourceId) {
      if (!isUuid(request.sourceId)) throw DomainError.notFound(`no subscription to source ${request.sourceId}`);
      where.push(`a.source_id = ${param(request.sourceId)}`);
    }
    if (request.category) where.push(`sub.category = ${param(request.category)}`);
    const upTo = fromTimestamp(request.upTo);
    if (upTo) where.push(`${FEED_TIME} <= ${param(upTo)}::timestamptz`);
    const rows = (await this.db.dataSource.query(
      `WITH marked AS (
         INSERT INTO article_states AS st (user_id, article_id, read_at, starred_at)
         SELECT $1, a.id, $2::timestamptz, NULL FROM articles a JOIN subscriptions sub ON sub.source_id = a.source_id AND sub.user_id = $1
          WHERE ${where.join(' AND ')}
         ON CONFLICT (user_id, article_id) DO UPDATE SET read_at = coalesce(st.read_at, EXCLUDED.read_at)
         RETURNING 1)
       SELECT count(*)::int AS n FROM marked`,
      params,
    )) as Array<{ n: number }>;
    return rows[0]?.n ?? 0;
  }

  async createSavedSearch(userId: string, search: storage.SavedSearch | undefined): Promise<SavedSearchRow> {
    const owner = await this.requireUser(userId);
    if (!search) throw DomainError.invalidArgument('search is required');
    const name = search.name.trim();
    if (!name || name.length > MAX_SEARCH_NAME) throw DomainError.invalidArgument(`name must be 1..${MAX_SEARCH_NAME} characters`);
    const query = search.query.trim();
    if (!query || query.length > MAX_QUERY) throw DomainError.invalidArgument(`query must be 1..${MAX_QUERY} characters`);
    const mode = search.mode === storage.SearchMode.SEARCH_MODE_UNSPECIFIED ? storage.SearchMode.SEARCH_MODE_HYBRID : search.mode;
    if (mode < 0 || !Object.values(storage.SearchMode).includes(mode)) throw DomainError.invalidArgument('mode must be text, semantic or hybrid');
    if (search.sourceId && !isUuid(search.sourceId)) throw DomainError.invalidArgument('source_id must be a source id (UUID)');
    const from = fromTimestamp(search.publishedFrom);
    const to = fromTimestamp(search.publishedTo);
    if (from && to && from > to) throw DomainError.invalidArgument('published_from must not be after published_to');
    const filters: SavedFilters = {
      ...(search.sourceId ? { sourceId: search.sourceId } : {}),
      ...(search.topic ? { topic: search.topic } : {}),
      ...(search.language ? { language: search.language } : {}),
      ...(from ? { from: from.toISOString() } : {}),
      ...(to ? { to: to.toISOString() } : {}),
    };
    return this.db.dataSource.transaction(async (manager) => {
      const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM saved_searches WHERE user_id = $1`, [owner])) as [
        { count: number },
      ];
      if (count >= MAX_SAVED_SEARCHES) throw DomainError.failedPrecondition(`a user can keep at most ${MAX_SAVED_SEARCHES} saved searches`);
      const taken = (await manager.query(`SELECT 1 FROM saved_searches WHERE user_id = $1 AND name = $2`, [owner, name])) as unknown[];
      if (taken.length > 0) throw DomainError.alreadyExists(`you already have a saved search named "${name}"`);
      const [row] = (await manager.query(
        `INSERT INTO saved_searches AS q (user_id, name, query, mode, filters, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ${SAVED_SEARCH_COLUMNS}`,
        [owner, name, query, mode, JSON.stringify(filters), this.clock.now()],
      )) as [SavedSearchRow];
      return row;
    });
  }

  async listSavedSearches(userId: string): Promise<SavedSearchRow[]> {
    const owner = await this.requireUser(userId);
    return (await this.db.dataSource.query(
      `SELECT ${SAVED_SEARCH_COLUMNS} FROM saved_searches q WHERE q.user_id = $1 ORDER BY q.name, q.id`,
      [owner],
    )) as SavedSearchRow[];
  }

  async getSavedSearch(userId: string, id: string): Promise<SavedSearchRow> {
    const owner = checkUserId(userId);
    const rows = isUuid(id)
      ? ((await this.db.dataSource.query(`SELECT ${SAVED_SEARCH_COLUMNS} FROM saved_searches q WHERE q.id = $1 AND q.user_id = $2`, [
          id,
          owner,
        ])) as SavedSearchRow[])
      : [];
    if (!rows[0]) throw savedSearchNotFound(id);
    return rows[0];
  }

  async deleteSavedSearch(userId: string, id: string): Promise<void> {
    const deleted = isUuid(id) && (await this.deleteOwned('saved_searches', 'id', id, checkUserId(userId)));
    if (!deleted) throw savedSearchNotFound(id);
  }

  private async subscriptions(userId: string, sourceId?: string): Promise<SubscriptionRow[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT ${SOURCE_COLUMNS}, sub.category AS "subscriptionCategory", sub.created_at AS "subscribedAt", s.feed_number::text AS "feedNumber"
         FROM subscriptions sub JOIN sources s ON s.id = sub.source_id
        WHERE sub.user_id = $1 ${sourceId ? 'AND sub.source_id = $2' : ''}
        ORDER BY sub.category, s.title, s.id`,
      sourceId ? [userId, sourceId] : [userId],
    )) as Array<SourceRow & { subscriptionCategory: string; subscribedAt: Date; feedNumber: string }>;
    return rows.map(({ subscriptionCategory, subscribedAt, feedNumber, ...source }) => ({
      source: source as SourceRow,
      category: subscriptionCategory,
      createdAt: subscribedAt,
      feedNumber,
    }));
  }

  /** Deletes the owner's row of table with column = value; false when the owner has none (someone else's is none). */
  private async deleteOwned(table: 'subscriptions' | 'saved_searches', column: 'source_id' | 'id', value: string, owner: string): Promise<boolean> {
    const rows = (await this.db.dataSource.query(
      `WITH d AS (DELETE FROM ${table} WHERE ${column} = $1 AND user_id = $2 RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [value, owner],
    )) as Array<{ n: number }>;
    return (rows[0]?.n ?? 0) > 0;
  }

  private async requireUser(userId: string): Promise<string> {
    const id = checkUserId(userId);
    const rows = (await this.db.dataSource.query(`SELECT 1 FROM users WHERE id = $1`, [id])) as unknown[];
    if (rows.length === 0) throw userNotFound(userId);
    return id;
  }
}

/**
 * The upsert of user $1's marks on the articles `which` selects (by $2); $3 is now, present only when a
 * mark is set (PostgreSQL refuses parameters a statement does not use). A mark set twice keeps its first time.
 */
function markStatement(read: storage.MarkChange, starred: storage.MarkChange, which: string): string {
  const next = (column: string, change: storage.MarkChange): string =>
    change === storage.MarkChange.MARK_CHANGE_SET ? `coalesce(st.${column}, $3::timestamptz)` : change === storage.MarkChange.MARK_CHANGE_CLEAR ? 'NULL::timestamptz' : `st.${column}`;
  const initial = (change: storage.MarkChange): string => (change === storage.MarkChange.MARK_CHANGE_SET ? '$3::timestamptz' : 'NULL::timestamptz');
  return `INSERT INTO article_states AS st (user_id, article_id, read_at, starred_at)
       SELECT $1, a.id, ${initial(read)}, ${initial(starred)} FROM articles a WHERE ${which}
       ON CONFLICT (user_id, article_id) DO UPDATE SET read_at = ${next('read_at', read)}, starred_at = ${next('starred_at', starred)}`;
}

function markParameters(read: storage.MarkChange, starred: storage.MarkChange, params: unknown[], now: Date): unknown[] {
  return read === storage.MarkChange.MARK_CHANGE_SET || starred === storage.MarkChange.MARK_CHANGE_SET ? [...params, now] : params;
}

/** A positive int64 as decimal text (forceLong=string); anything else is INVALID_ARGUMENT. */
function checkItemNumber(value: string, field: string): string {
  const text = String(value);
  if (!ITEM_NUMBER.test(text) || BigInt(text) > 9_223_372_036_854_775_807n) throw DomainError.invalidArgument(`${field} must hold positive 64-bit numbers`);
  return text;
}

function checkChange(change: storage.MarkChange, field: string): storage.MarkChange {
  if (change < 0 || !Object.values(storage.MarkChange).includes(change)) throw DomainError.invalidArgument(`${field} must be set, clear or unchanged`);
  return change;
}

/** The stored filters of a saved search, tolerant of rows written by older versions. */
export function savedFilters(row: SavedSearchRow): SavedFilters {
  try {
    const value = JSON.parse(row.filters) as unknown;
    return value && typeof value === 'object' ? (value as SavedFilters) : {};
  } catch {
    return {};
  }
}
