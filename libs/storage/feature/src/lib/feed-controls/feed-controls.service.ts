import { Inject, Injectable } from '@nestjs/common';
import { FeedbackDirection, FeedRuleAction, FeedRuleKind, type FeedBlend } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { articleNotFound } from '../articles/articles.service';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { checkActorId } from '../events/events.service';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { sourceNotFound } from '../sources/sources.service';
import type { ArticleFeedbackRow, FeedBlendRow, FeedRuleRow } from './feed-control-rows';

/** A user keeps at most this many rules (the ranking checks each candidate against all of them). */
export const MAX_FEED_RULES = 200;
/** Feedback older than the newest this many entries no longer shapes the ranking and is not listed. */
export const MAX_FEEDBACK = 200;
const MAX_RULE_VALUE = 100;
const MIN_KEYWORD = 2;

const RULE_COLUMNS = `r.id, r.kind, r.value, r.action, r.created_at AS "createdAt"`;

/** A row as json_agg gives it: its timestamp as text. */
type Jsonified<T extends { createdAt: Date }> = Omit<T, 'createdAt'> & { createdAt: string };

export function feedRuleNotFound(id: string): DomainError {
  return DomainError.notFound(`feed rule ${id} not found`);
}

/**
 * A user's For-You controls: follow/mute rules, the ranking blend and "more/less like this". Every
 * statement names the acting user in its WHERE clause (or inserts it): another user's rule is
 * NOT_FOUND like a missing one.
 */
@Injectable()
export class FeedControlsService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
  ) {}

  async get(actor: string): Promise<{ rules: FeedRuleRow[]; blend: FeedBlendRow | undefined; feedback: ArticleFeedbackRow[] }> {
    const userId = checkActorId(actor);
    // One statement (each For-You call reads the controls; on PGlite every round trip costs ~1 ms of system calls).
    const [row] = (await this.db.dataSource.query(
      `SELECT
         (SELECT coalesce(json_agg(r ORDER BY r."createdAt", r.id), '[]') FROM (SELECT ${RULE_COLUMNS} FROM feed_rules r WHERE r.user_id = $1) r) AS rules,
         (SELECT row_to_json(b) FROM (SELECT relevance, freshness, diversity FROM feed_blends WHERE user_id = $1) b) AS blend,
         (SELECT coalesce(json_agg(f ORDER BY f."createdAt" DESC, f."articleId"), '[]') FROM (
            SELECT f.article_id AS "articleId", f.direction, f.created_at AS "createdAt", a.title
              FROM article_feedback f JOIN articles a ON a.id = f.article_id
             WHERE f.user_id = $1
             ORDER BY f.created_at DESC, f.article_id
             LIMIT ${MAX_FEEDBACK}) f) AS feedback`,
      [userId],
    )) as Array<{ rules: Array<Jsonified<FeedRuleRow>>; blend: FeedBlendRow | null; feedback: Array<Jsonified<ArticleFeedbackRow>> }>;
    return {
      rules: (row?.rules ?? []).map((r) => ({ ...r, createdAt: new Date(r.createdAt) })),
      blend: row?.blend ?? undefined,
      feedback: (row?.feedback ?? []).map((f) => ({ ...f, createdAt: new Date(f.createdAt) })),
    };
  }

  async putRule(actor: string, input: { kind: FeedRuleKind; value: string; action: FeedRuleAction }): Promise<{ rule: FeedRuleRow; created: boolean }> {
    const userId = checkActorId(actor);
    if (input.action !== FeedRuleAction.FEED_RULE_ACTION_FOLLOW && input.action !== FeedRuleAction.FEED_RULE_ACTION_MUTE) {
      throw DomainError.invalidArgument('action must be FOLLOW or MUTE');
    }
    const value = await this.ruleValue(input.kind, input.value);
    const rows = (await this.db.dataSource.query(
      `INSERT INTO feed_rules (user_id, kind, value, action, created_at)
       SELECT $1, $2, $3, $4, $5
        WHERE (SELECT count(*) FROM feed_rules WHERE user_id = $1) < ${MAX_FEED_RULES}
           OR EXISTS (SELECT 1 FROM feed_rules WHERE user_id = $1 AND kind = $2 AND value = $3)
       ON CONFLICT ON CONSTRAINT "UQ_feed_rules_user_kind_value" DO UPDATE SET action = EXCLUDED.action
       RETURNING ${RULE_COLUMNS.replace(/r\./g, '')}, (xmax = 0) AS created`,
      [userId, input.kind, value, input.action, this.clock.now()],
    )) as Array<FeedRuleRow & { created: boolean }>;
    const row = rows[0];
    if (!row) throw DomainError.failedPrecondition(`a user keeps at most ${MAX_FEED_RULES} feed rules: delete one first`);
    const { created, ...rule } = row;
    return { rule, created };
  }

  async deleteRule(actor: string, ruleId: string): Promise<void> {
    const userId = checkActorId(actor);
    if (!isUuid(ruleId)) throw feedRuleNotFound(ruleId);
    const [, deleted] = (await this.db.dataSource.query(`DELETE FROM feed_rules WHERE id = $1 AND user_id = $2`, [ruleId, userId])) as [unknown, number];
    if (!deleted) throw feedRuleNotFound(ruleId);
  }

  async putBlend(actor: string, blend: FeedBlend | undefined): Promise<FeedBlendRow> {
    const userId = checkActorId(actor);
    if (!blend) throw DomainError.invalidArgument('blend is required');
    for (const [name, weight] of Object.entries({ relevance: blend.relevance, freshness: blend.freshness, diversity: blend.diversity })) {
      if (!Number.isFinite(weight) || weight < 0 || weight > 1) throw DomainError.invalidArgument(`${name} must be a number between 0 and 1`);
    }
    if (blend.relevance + blend.freshness === 0) throw DomainError.invalidArgument('relevance and freshness cannot both be 0');
    const [row] = (await this.db.dataSource.query(
      `INSERT INTO feed_blends (user_id, relevance, freshness, diversity, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT "PK_feed_blends"
       DO UPDATE SET relevance = EXCLUDED.relevance, freshness = EXCLUDED.freshness, diversity = EXCLUDED.diversity, updated_at = EXCLUDED.updated_at
       RETURNING relevance, freshness, diversity`,
      [userId, blend.relevance, blend.freshness, blend.diversity, this.clock.now()],
    )) as [FeedBlendRow];
    return row;
  }

  /** Records (or with UNSPECIFIED clears) "more/less like this"; undefined when cleared. */
  async putFeedback(actor: string, articleId: string, direction: FeedbackDirection): Promise<ArticleFeedbackRow | undefined> {
    const userId = checkActorId(actor);
    if (![FeedbackDirection.FEEDBACK_DIRECTION_UNSPECIFIED, FeedbackDirection.FEEDBACK_DIRECTION_MORE, FeedbackDirection.FEEDBACK_DIRECTION_LESS].includes(direction)) throw DomainError.invalidArgument('direction must be MORE, LESS or UNSPECIFIED (clear)');
    if (!isUuid(articleId)) throw articleNotFound(articleId);
    if (direction === FeedbackDirection.FEEDBACK_DIRECTION_UNSPECIFIED) {
      const exists = (await this.db.dataSource.query(`SELECT 1 FROM articles WHERE id = $1`, [articleId])) as unknown[];
      if (exists.length === 0) throw articleNotFound(articleId);
      await this.db.dataSource.query(`DELETE FROM article_feedback WHERE user_id = $1 AND article_id = $2`, [userId, articleId]);
      return undefined;
    }
    const rows = (await this.db.dataSource.query(
      `INSERT INTO article_feedback (user_id, article_id, direction, created_at)
       SELECT $1, a.id, $3, $4 FROM articles a WHERE a.id = $2
       ON CONFLICT ON CONSTRAINT "PK_article_feedback" DO UPDATE SET direction = EXCLUDED.direction, created_at = EXCLUDED.created_at
       RETURNING article_id AS "articleId", direction, created_at AS "createdAt", (SELECT title FROM articles WHERE id = $2) AS title`,
      [userId, articleId, direction, this.clock.now()],
    )) as ArticleFeedbackRow[];
    if (!rows[0]) throw articleNotFound(articleId);
    return rows[0];
  }

  /** The stored form of a rule's value: topics and keywords lower case and trimmed, sources an existing source's id. */
  private async ruleValue(kind: FeedRuleKind, raw: string): Promise<string> {
    const value = raw.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
    if (!value) throw DomainError.invalidArgument('value is required');
    if (value.length > MAX_RULE_VALUE) throw DomainError.invalidArgument(`value must be at most ${MAX_RULE_VALUE} characters`);
    switch (kind) {
      case FeedRuleKind.FEED_RULE_KIND_TOPIC:
        return value;
      case FeedRuleKind.FEED_RULE_KIND_KEYWORD:
        if ([...value].length < MIN_KEYWORD && !/\p{Script=Han}/u.test(value)) throw DomainError.invalidArgument(`a keyword has at least ${MIN_KEYWORD} characters`);
        return value;
      case FeedRuleKind.FEED_RULE_KIND_SOURCE: {
        const exists = isUuid(value) ? ((await this.db.dataSource.query(`SELECT 1 FROM sources WHERE id = $1`, [value])) as unknown[]) : [];
        if (exists.length === 0) throw sourceNotFound(raw);
        return value;
      }
      default:
        throw DomainError.invalidArgument('kind must be TOPIC, SOURCE or KEYWORD');
    }
  }
}
