import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { ANALYZE_TOPIC, OutboxRelay } from '../outbox/outbox-relay';
import { SEARCH_VECTOR_SQL } from '../search/search-sql';
import { SearchSegmenter } from '../search/search-segmenter';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { fullTextRetry, MAX_FULL_TEXT_ATTEMPTS } from './full-text-retry';

const { FullTextState } = storage;

export const DEFAULT_FULL_TEXT_CLAIM_LIMIT = 20;
export const MAX_FULL_TEXT_CLAIM_LIMIT = 200;
export const DEFAULT_FULL_TEXT_LEASE_SECONDS = 300;
const MAX_LEASE_SECONDS = 24 * 60 * 60;
const MAX_FAILURE_LENGTH = 1000;
const MAX_CLAIM_LENGTH = 200;

/** One claimed item: the article as the feed gave it, and the claim that identifies this attempt. */
export interface FullTextWorkRow {
  articleId: string;
  sourceId: string;
  url: string;
  title: string;
  author: string;
  text: string;
  claim: string;
  attempt: number;
}

/** What the crawler found for a claimed item. */
export interface FullTextResult {
  articleId: string;
  claim: string;
  page?: storage.FullTextPage;
  failure: string;
  retryable: boolean;
  retryAfterSeconds: number;
}

export interface FullTextResultOutcome {
  /** False when the claim was stale (the item changed, was recorded already, or is gone). */
  applied: boolean;
  state: storage.FullTextState;
  /** Whether the article's content changed (it is then re-analysed). */
  articleUpdated: boolean;
}

interface ClaimRow {
  articleId: string;
  sourceId: string;
  attempts: number;
  feedHash: string;
  url: string;
  title: string;
  author: string;
  text: string;
}

interface StateRow {
  state: number;
  attempts: number;
  feed_hash: string;
}

/** The claim of an attempt: the attempt number and the feed's version of the item it was made for. */
export function fullTextClaim(attempts: number, feedHash: string): string {
  return `${attempts}:${feedHash}`;
}

/**
 * Records the written articles of a full_text source as waiting for their page's text, inside the
 * upsert's transaction (so the work is committed with the article, like its outbox row). An item
 * the feed changed starts over: waiting again, attempts reset, for its new feed hash.
 */
export async function recordFullTextPending(manager: EntityManager, sourceId: string, feedHashes: Map<string, string>, now: Date): Promise<void> {
  if (feedHashes.size === 0) return;
  // Sorted: concurrent batches lock rows in the same order.
  const ids = [...feedHashes.keys()].sort();
  await manager.query(
    `INSERT INTO article_full_text (article_id, source_id, state, feed_hash, attempts, next_attempt_at, failure, updated_at)
     SELECT id, $1, $2, hash, 0, $5, '', $5 FROM unnest($3::uuid[], $4::text[]) AS w(id, hash)
     ON CONFLICT (article_id) DO UPDATE
        SET state = EXCLUDED.state, feed_hash = EXCLUDED.feed_hash, attempts = 0,
            next_attempt_at = EXCLUDED.next_attempt_at, failure = '', updated_at = EXCLUDED.updated_at`,
    [sourceId, FullTextState.FULL_TEXT_STATE_PENDING, ids, ids.map((id) => feedHashes.get(id)), now],
  );
}

/**
 * The work list of full text for teaser items: claimed in rounds by the crawler (lease, SKIP LOCKED),
 * each result stored on the article with its outbox row (re-analysis) in one transaction.
 */
@Injectable()
export class FullTextWorkService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    private readonly outbox: OutboxRelay,
    private readonly segmenter: SearchSegmenter,
  ) {}

  async claim(limit: number, leaseSeconds: number): Promise<FullTextWorkRow[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_FULL_TEXT_CLAIM_LIMIT) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_FULL_TEXT_CLAIM_LIMIT}`);
    }
    if (!Number.isInteger(leaseSeconds) || leaseSeconds < 0 || leaseSeconds > MAX_LEASE_SECONDS) {
      throw DomainError.invalidArgument(`lease_seconds must be between 0 and ${MAX_LEASE_SECONDS}`);
    }
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + (leaseSeconds || DEFAULT_FULL_TEXT_LEASE_SECONDS) * 1000);
    return this.db.dataSource.transaction(async (manager) => {
      // Items whose last attempt never reported back (the crawler stopped) and that have no attempt left.
      await manager.query(
        `UPDATE article_full_text
            SET state = $1, updated_at = $2,
                failure = $4::text || CASE WHEN failure = '' THEN '' ELSE ' (last failure: ' || failure || ')' END
          WHERE state = $5 AND attempts >= $3 AND next_attempt_at <= $2`,
        [
          FullTextState.FULL_TEXT_STATE_FAILED,
          now,
          MAX_FULL_TEXT_ATTEMPTS,
          `no result after ${MAX_FULL_TEXT_ATTEMPTS} attempts`,
          FullTextState.FULL_TEXT_STATE_PENDING,
        ],
      );
      const rows = (await manager.query(
        `WITH due AS MATERIALIZED (
           SELECT article_id FROM article_full_text
            WHERE state = $5 AND next_attempt_at <= $2 AND attempts < $4
            ORDER BY next_attempt_at, article_id
            LIMIT $1
            FOR UPDATE SKIP LOCKED),
         w AS (
           UPDATE article_full_text f SET attempts = f.attempts + 1, next_attempt_at = $3, updated_at = $2
             FROM due WHERE f.article_id = due.article_id
           RETURNING f.article_id, f.source_id, f.attempts, f.feed_hash, f.next_attempt_at)
         SELECT w.article_id AS "articleId", w.source_id AS "sourceId", w.attempts, w.feed_hash AS "feedHash",
                a.url, a.title, a.author, a.text
           FROM w JOIN articles a ON a.id = w.article_id
          ORDER BY a.fetched_at, w.article_id`,
        [limit || DEFAULT_FULL_TEXT_CLAIM_LIMIT, now, leaseUntil, MAX_FULL_TEXT_ATTEMPTS, FullTextState.FULL_TEXT_STATE_PENDING],
      )) as ClaimRow[];
      return rows.map((row) => ({
        articleId: row.articleId,
        sourceId: row.sourceId,
        url: row.url,
        title: row.title,
        author: row.author,
        text: row.text,
        claim: fullTextClaim(row.attempts, row.feedHash),
        attempt: row.attempts,
      }));
    });
  }

  async record(result: FullTextResult): Promise<FullTextResultOutcome> {
    const stale = (state: number): FullTextResultOutcome => ({ applied: false, state, articleUpdated: false });
    validate(result);
    // An unknown id cannot hold a claim: stale, like one deleted while its page was read.
    if (!isUuid(result.articleId)) return stale(FullTextState.FULL_TEXT_STATE_UNSPECIFIED);
    const now = this.clock.now();
    const page = result.page;
    let documents: [string, string] | undefined;
    if (page) {
      const found = (await this.db.dataSource.query(`SELECT title FROM articles WHERE id = $1`, [result.articleId])) as Array<{ title: string }>;
      if (found.length === 0) return stale(FullTextState.FULL_TEXT_STATE_UNSPECIFIED);
      // Segmented before the transaction: PGlite's one session is not held while jieba runs.
      documents = [this.segmenter.document(found[0].title), this.segmenter.document(page.text)];
    }
    const outcome = await this.db.dataSource.transaction(async (manager): Promise<FullTextResultOutcome> => {
      const rows = (await manager.query(`SELECT state, attempts, feed_hash FROM article_full_text WHERE article_id = $1 FOR UPDATE`, [
        result.articleId,
      ])) as StateRow[];
      const row = rows[0];
      if (!row) return stale(FullTextState.FULL_TEXT_STATE_UNSPECIFIED);
      if (row.state !== FullTextState.FULL_TEXT_STATE_PENDING || fullTextClaim(row.attempts, row.feed_hash) !== result.claim) {
        return stale(row.state);
      }
      if (page && documents) {
        const updated = (await manager.query(
          `UPDATE articles SET url = $2, author = CASE WHEN $3::text = '' THEN author ELSE $3::text END, content_html = $4, text = $5,
                  content_hash = $6, updated_at = $7, search_vector = ${SEARCH_VECTOR_SQL('$8::text', '$9::text')}
            WHERE id = $1 AND content_hash IS DISTINCT FROM $6 RETURNING id`,
          [result.articleId, page.url.trim(), page.author.trim(), page.contentHtml, page.text, page.contentHash.trim(), now, ...documents],
        )) as [Array<{ id: string }>, number];
        const articleUpdated = updated[0].length > 0;
        if (articleUpdated) {
          await manager.query(`INSERT INTO outbox (topic, article_id, created_at) VALUES ($1, $2, $3)`, [ANALYZE_TOPIC, result.articleId, now]);
        }
        await manager.query(`UPDATE article_full_text SET state = $2, failure = '', updated_at = $3 WHERE article_id = $1`, [
          result.articleId,
          FullTextState.FULL_TEXT_STATE_DONE,
          now,
        ]);
        return { applied: true, state: FullTextState.FULL_TEXT_STATE_DONE, articleUpdated };
      }
      const retry = fullTextRetry(row.attempts, result.retryable, result.retryAfterSeconds);
      const state = retry.final ? FullTextState.FULL_TEXT_STATE_FAILED : FullTextState.FULL_TEXT_STATE_PENDING;
      await manager.query(
        `UPDATE article_full_text SET state = $2, failure = $3, updated_at = $4, next_attempt_at = COALESCE($5::timestamptz, next_attempt_at)
          WHERE article_id = $1`,
        [result.articleId, state, result.failure.trim().slice(0, MAX_FAILURE_LENGTH), now, retry.final ? null : new Date(now.getTime() + retry.delaySeconds * 1000)],
      );
      return { applied: true, state, articleUpdated: false };
    });
    if (outcome.articleUpdated) void this.outbox.kick();
    return outcome;
  }
}

function validate(result: FullTextResult): void {
  if (!result.claim.trim() || result.claim.length > MAX_CLAIM_LENGTH) throw DomainError.invalidArgument('claim is required (as ClaimFullTextWork gave it)');
  if (result.page) {
    if (!result.page.text.trim()) throw DomainError.invalidArgument('page.text is required');
    if (!result.page.contentHash.trim()) throw DomainError.invalidArgument('page.content_hash is required');
    if (result.failure.trim()) throw DomainError.invalidArgument('a result has either a page or a failure, not both');
    return;
  }
  if (!result.failure.trim()) throw DomainError.invalidArgument('failure is required when there is no page');
  if (!Number.isInteger(result.retryAfterSeconds) || result.retryAfterSeconds < 0) {
    throw DomainError.invalidArgument('retry_after_seconds must not be negative');
  }
}
