import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { articlesIngested } from '@autoglm/shared-observability';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { recordFullTextPending } from '../full-text/full-text-work.service';
import { ANALYZE_TOPIC, OutboxRelay } from '../outbox/outbox-relay';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { SEARCH_VECTOR_SQL } from '../search/search-sql';
import { SearchSegmenter } from '../search/search-segmenter';
import { sourceNotFound } from '../sources/sources.service';
import { decodeArticleCursor, encodeArticleCursor } from './article-cursor';
import {
  ARTICLE_COLUMNS,
  ARTICLE_COLUMNS_WITHOUT_CONTENT,
  ARTICLE_REF_COLUMNS,
  FEED_TIME,
  LLM_SUMMARY_JOIN,
  NEWEST_ANALYSIS_JOIN,
  type ArticleRefRow,
  type ArticleRow,
} from './article-row';
import { validateFeedItems, type ValidFeedItem } from './feed-item';

export interface UpsertOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Items of deleted articles (tombstoned), not written. */
  skipped: number;
  /** In request order; '' for a skipped item. */
  articleIds: string[];
  /** Articles this call created. */
  insertedIds: string[];
}

export interface ArticleQuery {
  limit: number;
  cursor: string;
  sourceId: string;
  topic: string;
  language: string;
  /** Leave contentHtml and text empty (list views show neither). */
  withoutContent?: boolean;
}

export interface ArticlePage {
  articles: ArticleRow[];
  nextCursor: string;
}

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
const MAX_REF_IDS = 1000;

@Injectable()
export class ArticlesService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    private readonly outbox: OutboxRelay,
    private readonly segmenter: SearchSegmenter,
  ) {}

  /**
   * Inserts new items, updates items whose content hash changed and leaves the others, keyed by
   * (source_id, item_key), with an analyze outbox row per written article, all in one transaction.
   * Items whose article was deleted (a tombstone on (source_id, item_key)) are skipped.
   *
   * A re-published item (a new item_key, e.g. a new GUID, with the URL of an article the source
   * already has) is not a second article: that article is updated and re-keyed to the new key, so
   * later crawls find it by key again (keeping the old key would send every later crawl down this
   * URL lookup). Likewise a new key with the URL of a deleted article stays deleted. A URL counts
   * as an identity only when it is unambiguous: carried by one item of the batch, held by one
   * article of the source whose key the batch does not list (a feed linking every item to its
   * home page is not re-publishing), and, for tombstones, not shared when the article was deleted.
   */
  async upsert(sourceId: string, items: storage.FeedItem[]): Promise<UpsertOutcome> {
    if (!isUuid(sourceId)) throw sourceNotFound(sourceId);
    const valid = validateFeedItems(items);
    const now = this.clock.now();
    // Segmented before the transaction: PGlite's one session is not held while jieba runs.
    const documents = valid.map((item) => [this.segmenter.document(item.title), this.segmenter.document(item.text)]);
    const keys = valid.map((item) => item.itemKey);

    const outcome = await this.db.dataSource.transaction(async (manager) => {
      // KEY SHARE: a concurrent delete (FOR UPDATE on the source) waits for this batch, and this batch for
      // it, so a tombstone committed by a delete is always seen below.
      const source = (await manager.query(`SELECT full_text FROM sources WHERE id = $1 FOR KEY SHARE`, [sourceId])) as Array<{
        full_text: boolean;
      }>;
      if (source.length === 0) return undefined;
      const tombstoned = new Set(
        (
          (await manager.query(`SELECT item_key FROM article_tombstones WHERE source_id = $1 AND item_key = ANY($2::text[])`, [
            sourceId,
            keys,
          ])) as Array<{ item_key: string }>
        ).map((row) => row.item_key),
      );
      // One read for the whole batch: items whose content hash is already stored are unchanged and not written.
      // feed_hash: an article holding its page's text is unchanged while the feed repeats the same teaser.
      const stored = new Map(
        (
          (await manager.query(
            `SELECT a.item_key, a.id, a.content_hash, f.feed_hash FROM articles a LEFT JOIN article_full_text f ON f.article_id = a.id
              WHERE a.source_id = $1 AND a.item_key = ANY($2::text[])`,
            [sourceId, keys],
          )) as Array<{ item_key: string; id: string; content_hash: string; feed_hash: string | null }>
        ).map((row) => [row.item_key, row]),
      );
      const byUrl = await this.urlIdentities(manager, sourceId, valid, tombstoned, stored);
      // Rows are written in the order of the key they hold now (a re-keyed article: its old key), so that
      // concurrent batches lock rows in the same order (no deadlock).
      const rowKey = valid.map((item) => byUrl.articles.get(item.itemKey)?.item_key ?? item.itemKey);
      const order = valid.map((_, i) => i).sort((a, b) => compare(rowKey[a], rowKey[b]) || compare(keys[a], keys[b]));
      const ids: string[] = new Array<string>(valid.length).fill('');
      /** Written article id → the content hash the feed gave it. */
      const written = new Map<string, string>();
      let inserted = 0;
      let updated = 0;
      let skipped = 0;
      const insertedIds: string[] = [];
      /** Indexes of items waiting for the next multi-row INSERT, and their keys (distinct). */
      let pending: number[] = [];
      const pendingKeys = new Set<string>();
      const flush = async () => {
        if (pending.length === 0) return;
        const batch = pending;
        pending = [];
        pendingKeys.clear();
        const rows = (await manager.query(
          `INSERT INTO articles AS t (source_id, item_key, guid, url, title, author, published_at, fetched_at, updated_at,
                                     content_html, text, content_hash, search_vector)
           SELECT $1::uuid, r.item_key, r.guid, r.url, r.title, r.author, r.published_at, $2::timestamptz, $2::timestamptz, r.content_html, r.text, r.content_hash,
                  ${SEARCH_VECTOR_SQL('r.title_doc', 'r.text_doc')}
             FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::text[],
                         $11::text[], $12::text[], $13::text[]) WITH ORDINALITY
                  AS r(item_key, guid, url, title, author, published_at, content_html, text, content_hash, title_doc, text_doc, n)
            ORDER BY r.n
           ON CONFLICT (source_id, item_key) DO UPDATE
              SET guid = EXCLUDED.guid, url = EXCLUDED.url, title = EXCLUDED.title, author = EXCLUDED.author,
                  published_at = EXCLUDED.published_at, updated_at = EXCLUDED.updated_at,
                  content_html = EXCLUDED.content_html, text = EXCLUDED.text, content_hash = EXCLUDED.content_hash,
                  search_vector = EXCLUDED.search_vector
            WHERE t.content_hash IS DISTINCT FROM EXCLUDED.content_hash
           RETURNING t.id, t.item_key, (t.xmax = 0) AS inserted`,
          [
            sourceId,
            now,
            ...ARTICLE_VALUE_FIELDS.map((field) => batch.map((i) => valid[i][field])),
            batch.map((i) => documents[i][0]),
            batch.map((i) => documents[i][1]),
          ],
        )) as Array<{ id: string; item_key: string; inserted: boolean }>;
        const returned = new Map(rows.map((row) => [row.item_key, row]));
        // An item whose content a concurrent batch stored first is not returned: its article is looked up.
        const missed = batch.filter((i) => !returned.has(valid[i].itemKey));
        const existing = new Map(
          missed.length === 0
            ? []
            : (
                (await manager.query(`SELECT id, item_key FROM articles WHERE source_id = $1 AND item_key = ANY($2::text[])`, [
                  sourceId,
                  missed.map((i) => valid[i].itemKey),
                ])) as Array<{ id: string; item_key: string }>
              ).map((row) => [row.item_key, row.id]),
        );
        for (const i of batch) {
          const row = returned.get(valid[i].itemKey);
          if (!row) {
            ids[i] = existing.get(valid[i].itemKey) ?? '';
            continue;
          }
          if (row.inserted) {
            inserted++;
            insertedIds.push(row.id);
          } else updated++;
          ids[i] = row.id;
          written.set(row.id, valid[i].contentHash);
        }
      };
      for (const index of order) {
        const item = valid[index];
        if (tombstoned.has(item.itemKey) || byUrl.tombstoned.has(item.itemKey)) {
          skipped++;
          continue;
        }
        const known = stored.get(item.itemKey);
        if (known && (known.content_hash === item.contentHash || known.feed_hash === item.contentHash)) {
          ids[index] = known.id;
          continue;
        }
        const republished = byUrl.articles.get(item.itemKey);
        if (republished) {
          await flush();
          const changed = republished.content_hash !== item.contentHash;
          // Guarded by the old key: a concurrent batch that re-keyed it first wins, and this item then
          // meets the article under its new key below (ON CONFLICT).
          const rekeyed = (await manager.query(
            changed
              ? `UPDATE articles SET item_key = $3, guid = $4, url = $5, title = $6, author = $7, published_at = $8, updated_at = $9,
                        content_html = $10, text = $11, content_hash = $12, search_vector = ${SEARCH_VECTOR_SQL('$13::text', '$14::text')}
                  WHERE id = $1 AND item_key = $2 RETURNING id`
              : `UPDATE articles SET item_key = $3, guid = $4 WHERE id = $1 AND item_key = $2 RETURNING id`,
            changed
              ? [republished.id, republished.item_key, ...articleValues(item, now), ...documents[index]]
              : [republished.id, republished.item_key, item.itemKey, item.guid],
          )) as [Array<{ id: string }>, number];
          const row = rekeyed[0][0];
          if (row) {
            ids[index] = row.id;
            if (changed) {
              updated++;
              written.set(row.id, item.contentHash);
            }
            continue;
          }
        }
        // New keys go in one multi-row INSERT per run of distinct keys (flushed before a re-keying UPDATE and at
        // a repeated key), which writes what one INSERT per item in the same order would.
        if (pendingKeys.has(item.itemKey)) await flush();
        pending.push(index);
        pendingKeys.add(item.itemKey);
      }
      await flush();
      if (written.size > 0) {
        await manager.query(
          `INSERT INTO outbox (topic, article_id, created_at) SELECT $1, unnest($2::uuid[]), $3`,
          [ANALYZE_TOPIC, [...written.keys()], now],
        );
      }
      if (source[0].full_text) await recordFullTextPending(manager, sourceId, written, now);
      return { inserted, updated, unchanged: valid.length - inserted - updated - skipped, skipped, articleIds: ids, insertedIds };
    });
    if (!outcome) throw sourceNotFound(sourceId);
    // Counted once committed: a rolled-back transaction wrote nothing.
    articlesIngested.inc({ result: 'inserted' }, outcome.inserted);
    articlesIngested.inc({ result: 'updated' }, outcome.updated);
    if (outcome.inserted + outcome.updated > 0) void this.outbox.kick();
    return outcome;
  }

  /**
   * For items with a new key (neither stored nor tombstoned by key) whose URL no other item of the
   * batch carries: the article of the source holding that URL (when exactly one does, and the batch
   * does not list its key), and the items whose URL is that of a deleted article. Keyed by item key.
   */
  private async urlIdentities(
    manager: EntityManager,
    sourceId: string,
    valid: ValidFeedItem[],
    tombstoned: Set<string>,
    stored: Map<string, unknown>,
  ): Promise<{ articles: Map<string, RepublishedArticle>; tombstoned: Set<string> }> {
    const articles = new Map<string, RepublishedArticle>();
    const deleted = new Set<string>();
    const urlCount = new Map<string, number>();
    for (const item of valid) if (item.url) urlCount.set(item.url, (urlCount.get(item.url) ?? 0) + 1);
    const candidates = valid.filter(
      (item) => item.url && urlCount.get(item.url) === 1 && !stored.has(item.itemKey) && !tombstoned.has(item.itemKey),
    );
    if (candidates.length === 0) return { articles, tombstoned: deleted };
    const urls = candidates.map((item) => item.url);
    // md5(url) matches the (source_id, md5(url)) indexes; url = ANY(...) makes a hash collision harmless.
    const hashes = urls.map((url) => createHash('md5').update(url, 'utf8').digest('hex'));
    const deletedUrls = new Set(
      (
        (await manager.query(
          `SELECT DISTINCT url FROM article_tombstones WHERE source_id = $1 AND url <> '' AND md5(url) = ANY($2::text[]) AND url = ANY($3::text[])`,
          [sourceId, hashes, urls],
        )) as Array<{ url: string }>
      ).map((row) => row.url),
    );
    const holders = (await manager.query(
      `SELECT url, (array_agg(id::text))[1] AS id, (array_agg(item_key))[1] AS item_key, (array_agg(content_hash))[1] AS content_hash
         FROM articles WHERE source_id = $1 AND url <> '' AND md5(url) = ANY($2::text[]) AND url = ANY($3::text[])
        GROUP BY url HAVING count(*) = 1`,
      [sourceId, hashes, urls],
    )) as Array<RepublishedArticle & { url: string }>;
    const holderOf = new Map(holders.map((row) => [row.url, row]));
    const batchKeys = new Set(valid.map((item) => item.itemKey));
    for (const item of candidates) {
      const holder = holderOf.get(item.url);
      if (holder && !batchKeys.has(holder.item_key)) articles.set(item.itemKey, holder);
      else if (!holder && deletedUrls.has(item.url)) deleted.add(item.itemKey);
    }
    return { articles, tombstoned: deleted };
  }

  /**
   * Deletes the article (its analyses, embeddings, events, outbox rows and story membership go with it by
   * cascade) and tombstones its (source_id, item_key) in the same transaction.
   */
  async delete(id: string): Promise<void> {
    if (!isUuid(id)) throw articleNotFound(id);
    const now = this.clock.now();
    const deleted = await this.db.dataSource.transaction(async (manager) => {
      const found = (await manager.query(`SELECT source_id FROM articles WHERE id = $1`, [id])) as Array<{ source_id: string }>;
      if (!found[0]) return false;
      // Waits for in-flight upserts of this source (they hold KEY SHARE) and holds back new ones until commit.
      await manager.query(`SELECT 1 FROM sources WHERE id = $1 FOR UPDATE`, [found[0].source_id]);
      const clusters = (await manager.query(`SELECT cluster_id FROM story_memberships WHERE article_id = $1`, [id])) as Array<{
        cluster_id: string;
      }>;
      const rows = (await manager.query(`DELETE FROM articles WHERE id = $1 RETURNING source_id, item_key, url`, [id])) as [
        Array<{ source_id: string; item_key: string; url: string }>,
        number,
      ];
      const row = rows[0][0];
      if (!row) return false;
      // The membership went with the article (cascade): the story shrinks, and goes when empty.
      await manager.query(
        `UPDATE story_clusters c SET size = (SELECT count(*) FROM story_memberships m WHERE m.cluster_id = c.id)
          WHERE c.id = ANY($1::uuid[])`,
        [clusters.map((c) => c.cluster_id)],
      );
      await manager.query(`DELETE FROM story_clusters WHERE id = ANY($1::uuid[]) AND size = 0`, [clusters.map((c) => c.cluster_id)]);
      // The URL is kept only when it identified this article alone (see upsert).
      await manager.query(
        `INSERT INTO article_tombstones (source_id, item_key, deleted_at, url)
         VALUES ($1, $2, $3, CASE WHEN EXISTS (SELECT 1 FROM articles WHERE source_id = $1 AND url <> '' AND md5(url) = md5($4) AND url = $4)
                                  THEN '' ELSE $4 END)
         ON CONFLICT (source_id, item_key) DO NOTHING`,
        [row.source_id, row.item_key, now, row.url],
      );
      return true;
    });
    if (!deleted) throw articleNotFound(id);
  }

  async get(id: string): Promise<ArticleRow> {
    const rows = isUuid(id)
      ? ((await this.db.dataSource.query(
          `SELECT ${ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id ${NEWEST_ANALYSIS_JOIN} ${LLM_SUMMARY_JOIN}
            WHERE a.id = $1`,
          [id],
        )) as ArticleRow[])
      : [];
    if (!rows[0]) throw articleNotFound(id);
    return rows[0];
  }

  /** The compact rows of the existing articles among ids (unknown or malformed ids are skipped), in request order. */
  async refs(articleIds: string[]): Promise<ArticleRefRow[]> {
    if (articleIds.length > MAX_REF_IDS) throw DomainError.invalidArgument(`at most ${MAX_REF_IDS} article ids per request`);
    const ids = [...new Set(articleIds.filter(isUuid).map((id) => id.toLowerCase()))];
    if (ids.length === 0) return [];
    const rows = (await this.db.dataSource.query(
      `SELECT ${ARTICLE_REF_COLUMNS} FROM articles a ${NEWEST_ANALYSIS_JOIN} WHERE a.id = ANY($1::uuid[])`,
      [ids],
    )) as ArticleRefRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Newest first (feed time, then id), keyset-paginated; topic/language filter the newest analysis. */
  async list(query: ArticleQuery): Promise<ArticlePage> {
    const limit = query.limit || DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_PAGE}`);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.cursor) {
      const cursor = decodeArticleCursor(query.cursor);
      where.push(`(${FEED_TIME}, a.id) < (${param(cursor.sortKey)}::timestamptz, ${param(cursor.id)}::uuid)`);
    }
    if (query.sourceId) {
      // No source has a malformed id, so the filter matches nothing.
      if (!isUuid(query.sourceId)) return { articles: [], nextCursor: '' };
      where.push(`a.source_id = ${param(query.sourceId)}`);
    }
    if (query.topic) where.push(`an.topic = ${param(query.topic)}`);
    if (query.language) where.push(`an.language = ${param(query.language)}`);
    const columns = query.withoutContent ? ARTICLE_COLUMNS_WITHOUT_CONTENT : ARTICLE_COLUMNS;
    const rows = (await this.db.dataSource.query(
      `SELECT ${columns} FROM articles a JOIN sources s ON s.id = a.source_id ${NEWEST_ANALYSIS_JOIN} ${LLM_SUMMARY_JOIN}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${FEED_TIME} DESC, a.id DESC
        LIMIT ${param(limit + 1)}`,
      params,
    )) as ArticleRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      articles: page,
      nextCursor: rows.length > limit && last ? encodeArticleCursor({ sortKey: last.sortKey, id: last.id }) : '',
    };
  }
}

export function articleNotFound(id: string): DomainError {
  return DomainError.notFound(`article ${id} not found`);
}

/** The item fields an INSERT of new articles takes, as parallel arrays, in its column order. */
const ARTICLE_VALUE_FIELDS = ['itemKey', 'guid', 'url', 'title', 'author', 'publishedAt', 'contentHtml', 'text', 'contentHash'] as const;

function articleValues(item: ValidFeedItem, now: Date): unknown[] {
  return [
    item.itemKey,
    item.guid,
    item.url,
    item.title,
    item.author,
    item.publishedAt,
    now,
    item.contentHtml,
    item.text,
    item.contentHash,
  ];
}

/** The one article of a source holding a URL a re-published item carries. */
interface RepublishedArticle {
  id: string;
  item_key: string;
  content_hash: string;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
