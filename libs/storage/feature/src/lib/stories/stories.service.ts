import { Inject, Injectable } from '@nestjs/common';
import { EventType, type storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { decodeArticleCursor, encodeArticleCursor } from '../articles/article-cursor';
import { ARTICLE_REF_COLUMNS, FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { checkActorId } from '../events/events.service';
import { isUuid } from '../shared/ids';
import type { ArticleStoryRow, StoryEntryRow, StoryReadingRow, StoryRow } from './story-row';

/** A story's timeline shows at most this many articles (the oldest ones: how the story unfolded). */
const MAX_TIMELINE = 500;
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
const DEFAULT_MIN_SIZE = 2;
const MAX_MIN_SIZE = 1000;
const MAX_LISTED_ARTICLES = 20;

/** A page of the stories timeline: each story with its newest articles (oldest first). */
export interface StoryPage {
  stories: Array<{ story: StoryRow; timeline: StoryEntryRow[] }>;
  nextCursor: string;
}
/** Article ids per GetArticleStories request. */
const MAX_ARTICLE_STORY_IDS = 1000;
/** Articles (with texts) per GetStoryReading answer: its newest ones. */
const MAX_READING_ARTICLES = 100;
const DEFAULT_READING_ARTICLES = 50;
/** Reading events that mean the user read the article (a hide or an impression does not). */
const READ_EVENT_TYPES = [EventType.EVENT_TYPE_OPEN, EventType.EVENT_TYPE_DWELL, EventType.EVENT_TYPE_LIKE];

@Injectable()
export class StoriesService {
  constructor(@Inject(STORAGE_DATABASE) private readonly db: StorageDatabase) {}

  /** The story and its articles by publication time, oldest first. */
  async get(id: string): Promise<{ story: StoryRow; timeline: StoryEntryRow[] }> {
    const { story } = await this.headOf(id);
    const timeline = (await this.db.dataSource.query(
      `SELECT ${ARTICLE_REF_COLUMNS}, m.joined_at AS "joinedAt", m.similarity
         FROM story_memberships m JOIN articles a ON a.id = m.article_id ${NEWEST_ANALYSIS_JOIN}
        WHERE m.cluster_id = $1
        ORDER BY ${FEED_TIME}, a.id
        LIMIT ${MAX_TIMELINE}`,
      [id],
    )) as StoryEntryRow[];
    return { story, timeline };
  }

  /** Each known article's story and the article it near-duplicates, in request order. */
  async articleStories(articleIds: readonly string[]): Promise<ArticleStoryRow[]> {
    if (articleIds.length > MAX_ARTICLE_STORY_IDS) throw DomainError.invalidArgument(`at most ${MAX_ARTICLE_STORY_IDS} article ids per request`);
    const ids = [...new Set(articleIds.filter(isUuid).map((id) => id.toLowerCase()))];
    if (ids.length === 0) return [];
    const rows = (await this.db.dataSource.query(
      `SELECT a.id::text AS "articleId", coalesce(m.cluster_id::text, '') AS "storyId",
              coalesce(m.near_duplicate_of::text, '') AS "nearDuplicateOf"
         FROM articles a
         LEFT JOIN story_memberships m ON m.article_id = a.id
        WHERE a.id = ANY($1::uuid[])`,
      [ids],
    )) as ArticleStoryRow[];
    const byId = new Map(rows.map((row) => [row.articleId, row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * A story's newest articles with their texts (oldest first) and what the actor read of it: the articles they
   * opened, dwelt on or liked (or, with an account, marked read) and when they last did.
   */
  async reading(storyId: string, actor: string, maxArticles: number): Promise<StoryReadingRow> {
    const userId = checkActorId(actor);
    const size = maxArticles || DEFAULT_READING_ARTICLES;
    if (!Number.isInteger(size) || size < 1 || size > MAX_READING_ARTICLES) {
      throw DomainError.invalidArgument(`max_articles must be between 1 and ${MAX_READING_ARTICLES}`);
    }
    const { story } = await this.headOf(storyId);
    // Marks in article_states belong to accounts (uuid ids); events to any acting user name.
    const accountId = isUuid(userId) ? userId.toLowerCase() : null;
    const articles = (await this.db.dataSource.query(
      `SELECT * FROM (
         -- The last read is over the whole story (the window is computed before the LIMIT).
         SELECT *, max("readAt") OVER () AS "storyReadAt" FROM (
           SELECT ${ARTICLE_REF_COLUMNS}, a.text,
                  greatest(
                    (SELECT max(e.occurred_at) FROM reading_events e
                      WHERE e.user_id = $2 AND e.article_id = a.id AND e.type = ANY($4::smallint[])),
                    (SELECT s.read_at FROM article_states s WHERE s.user_id = $3::uuid AND s.article_id = a.id)) AS "readAt"
             FROM story_memberships m JOIN articles a ON a.id = m.article_id ${NEWEST_ANALYSIS_JOIN}
            WHERE m.cluster_id = $1) reads
          ORDER BY "publishedAt" DESC, id DESC
          LIMIT $5) newest
        ORDER BY "publishedAt", id`,
      [story.id, userId, accountId, READ_EVENT_TYPES, size],
    )) as StoryReadingRow['articles'];
    const storyReadAt = articles[0]?.storyReadAt;
    return { story, articles, lastReadAt: storyReadAt ? new Date(storyReadAt) : null };
  }

  private async headOf(id: string): Promise<{ story: StoryRow }> {
    const stories = isUuid(id)
      ? ((await this.db.dataSource.query(
          `SELECT id, title, created_at AS "createdAt", updated_at AS "updatedAt", size FROM story_clusters WHERE id = $1`,
          [id],
        )) as StoryRow[])
      : [];
    if (!stories[0]) throw storyNotFound(id);
    return { story: stories[0] };
  }

  /**
   * The stories most recently joined by an article first, keyset-paged on (updated_at, id) — the
   * cursor has the shape of an article cursor (an exact UTC time and an id) and is read by the same
   * codec. Each story carries its `articles` newest articles, oldest first.
   */
  async list(request: storage.ListStoriesRequest): Promise<StoryPage> {
    const limit = boundedInteger(request.limit, 'limit', 1, MAX_PAGE) || DEFAULT_PAGE;
    const minSize = boundedInteger(request.minSize, 'min_size', 1, MAX_MIN_SIZE) || DEFAULT_MIN_SIZE;
    const articles = boundedInteger(request.articles, 'articles', 0, MAX_LISTED_ARTICLES);
    const after = request.cursor ? decodeArticleCursor(request.cursor) : undefined;
    const rows = (await this.db.dataSource.query(
      `SELECT id, title, created_at AS "createdAt", updated_at AS "updatedAt", size,
              to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "sortKey"
         FROM story_clusters
        WHERE size >= $1 ${after ? 'AND (updated_at, id) < ($3::timestamptz, $4::uuid)' : ''}
        ORDER BY updated_at DESC, id DESC
        LIMIT $2`,
      after ? [minSize, limit + 1, after.sortKey, after.id] : [minSize, limit + 1],
    )) as Array<StoryRow & { sortKey: string }>;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last ? encodeArticleCursor({ sortKey: last.sortKey, id: last.id }) : '';
    const entries = articles > 0 && page.length > 0 ? await this.newestEntries(page.map((story) => story.id), articles) : [];
    return {
      stories: page.map(({ sortKey: _sortKey, ...story }) => ({
        story,
        timeline: entries
          .filter((entry) => entry.clusterId === story.id)
          .sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime() || a.id.localeCompare(b.id))
          .map(({ clusterId: _clusterId, ...entry }) => entry),
      })),
      nextCursor,
    };
  }

  /** The `perStory` newest articles of each story (the analysis joined only for those). */
  private async newestEntries(storyIds: string[], perStory: number): Promise<Array<StoryEntryRow & { clusterId: string }>> {
    return (await this.db.dataSource.query(
      `SELECT c.id AS "clusterId", e.*
         FROM unnest($1::uuid[]) AS c(id)
        CROSS JOIN LATERAL (
          SELECT ${ARTICLE_REF_COLUMNS}, r."joinedAt", r.similarity
            FROM (SELECT m.article_id, m.joined_at AS "joinedAt", m.similarity
                    FROM story_memberships m JOIN articles a ON a.id = m.article_id
                   WHERE m.cluster_id = c.id
                   ORDER BY ${FEED_TIME} DESC, a.id DESC
                   LIMIT $2) r
            JOIN articles a ON a.id = r.article_id ${NEWEST_ANALYSIS_JOIN}) e`,
      [storyIds, perStory],
    )) as Array<StoryEntryRow & { clusterId: string }>;
  }
}

/** 0 (proto3's "not set") or an integer within [min, max]; INVALID_ARGUMENT naming the field otherwise. */
function boundedInteger(value: number | undefined, field: string, min: number, max: number): number {
  const number = value ?? 0;
  if (number === 0) return 0;
  if (!Number.isInteger(number) || number < min || number > max) throw DomainError.invalidArgument(`${field} must be between ${min} and ${max}`);
  return number;
}

export function storyNotFound(id: string): DomainError {
  return DomainError.notFound(`story ${id} not found`);
}
