import { Inject, Injectable } from '@nestjs/common';
import { EventType, type storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import type { EntityManager } from 'typeorm';
import { NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { checkUserId, userNotFound } from '../users/users.service';
import { PushEventsService, type NewPushEvent } from './push-events.service';
import { PUSH_RULE_COLUMNS, type PushRuleRow } from './push-rows';
import { checkRuleSpec, foldText, ruleMatches, type MatchableArticle } from './rule-matching';
import { WebhooksService, type NewDelivery } from './webhooks.service';

export const MAX_RULES_PER_USER = 100;
const MAX_APPLY_ARTICLES = 500;
/** Text of an article that keyword conditions look at (the start of long texts is enough to decide). */
const MAX_MATCHED_TEXT = 20_000;

export function pushRuleNotFound(id: string): DomainError {
  return DomainError.notFound(`rule ${id} not found`);
}

interface ArticleForRules extends MatchableArticle {
  id: string;
  title: string;
  url: string;
  summary: string;
  publishedAt: Date;
}

export interface RuleHits {
  hits: number;
  events: number;
  deliveries: number;
}

/**
 * Users' rules: CRUD with the owner in every statement, and their evaluation on newly analysed
 * articles. A hit is a (rule, article) row written once; only a new row runs the rule's actions,
 * in the same transaction, so a replayed batch (the queue is at-least-once) acts once.
 */
@Injectable()
export class PushRulesService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    private readonly events: PushEventsService,
    private readonly webhooks: WebhooksService,
  ) {}

  async create(actorUserId: string, input: storage.PushRuleInput | undefined): Promise<PushRuleRow> {
    const userId = checkUserId(actorUserId);
    const spec = checkRuleSpec(requireInput(input));
    const now = this.clock.now();
    return this.db.dataSource.transaction(async (manager) => {
      const [owner] = (await manager.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [userId])) as unknown[];
      if (!owner) throw userNotFound(userId);
      const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM push_rules WHERE user_id = $1`, [userId])) as Array<{ count: number }>;
      if (count >= MAX_RULES_PER_USER) throw DomainError.failedPrecondition(`a user has at most ${MAX_RULES_PER_USER} rules`);
      const rows = (await manager.query(
        `WITH r AS (
           INSERT INTO push_rules (user_id, name, keywords, topics, source_ids, actions, enabled, created_at, updated_at)
           VALUES ($1, $2, $3::text[], $4::text[], $5::text[], $6::text[], $7, $8, $8) RETURNING *)
         SELECT ${PUSH_RULE_COLUMNS} FROM r`,
        [userId, spec.name, spec.keywords, spec.topics, spec.sourceIds, spec.actions, spec.enabled, now],
      )) as PushRuleRow[];
      return rows[0];
    });
  }

  async get(actorUserId: string, id: string): Promise<PushRuleRow> {
    const userId = checkUserId(actorUserId);
    if (!isUuid(id)) throw pushRuleNotFound(id);
    const rows = (await this.db.dataSource.query(`SELECT ${PUSH_RULE_COLUMNS} FROM push_rules r WHERE r.id = $1 AND r.user_id = $2`, [
      id,
      userId,
    ])) as PushRuleRow[];
    if (!rows[0]) throw pushRuleNotFound(id);
    return rows[0];
  }

  async list(actorUserId: string): Promise<PushRuleRow[]> {
    const userId = checkUserId(actorUserId);
    return (await this.db.dataSource.query(`SELECT ${PUSH_RULE_COLUMNS} FROM push_rules r WHERE r.user_id = $1 ORDER BY r.created_at, r.id`, [
      userId,
    ])) as PushRuleRow[];
  }

  async update(actorUserId: string, id: string, input: storage.PushRuleInput | undefined): Promise<PushRuleRow> {
    const userId = checkUserId(actorUserId);
    if (!isUuid(id)) throw pushRuleNotFound(id);
    const spec = checkRuleSpec(requireInput(input));
    const rows = (await this.db.dataSource.query(
      `WITH r AS (
         UPDATE push_rules SET name = $3, keywords = $4::text[], topics = $5::text[], source_ids = $6::text[],
                actions = $7::text[], enabled = $8, updated_at = $9
          WHERE id = $1 AND user_id = $2 RETURNING *)
       SELECT ${PUSH_RULE_COLUMNS} FROM r`,
      [id, userId, spec.name, spec.keywords, spec.topics, spec.sourceIds, spec.actions, spec.enabled, this.clock.now()],
    )) as PushRuleRow[];
    if (!rows[0]) throw pushRuleNotFound(id);
    return rows[0];
  }

  async delete(actorUserId: string, id: string): Promise<void> {
    const userId = checkUserId(actorUserId);
    if (!isUuid(id)) throw pushRuleNotFound(id);
    const rows = (await this.db.dataSource.query(`WITH d AS (DELETE FROM push_rules WHERE id = $1 AND user_id = $2 RETURNING id) SELECT id FROM d`, [
      id,
      userId,
    ])) as unknown[];
    if (rows.length === 0) throw pushRuleNotFound(id);
  }

  /** Runs every enabled rule on the articles; see the class comment. */
  async apply(articleIds: string[]): Promise<RuleHits> {
    if (articleIds.length > MAX_APPLY_ARTICLES) throw DomainError.invalidArgument(`at most ${MAX_APPLY_ARTICLES} articles per call`);
    const ids = [...new Set(articleIds.filter(isUuid).map((id) => id.toLowerCase()))];
    if (ids.length === 0) return { hits: 0, events: 0, deliveries: 0 };
    const articles = await this.articlesForRules(ids);
    if (articles.length === 0) return { hits: 0, events: 0, deliveries: 0 };
    // Only rules that can match: their topic and source lists are empty or name one of these articles'.
    const rules = (await this.db.dataSource.query(
      `SELECT ${PUSH_RULE_COLUMNS} FROM push_rules r
        WHERE r.enabled
          AND (cardinality(r.topics) = 0 OR r.topics && $1::text[])
          AND (cardinality(r.source_ids) = 0 OR r.source_ids && $2::text[])`,
      [[...new Set(articles.map((a) => a.topic))], [...new Set(articles.map((a) => a.sourceId))]],
    )) as PushRuleRow[];
    const hits: Array<{ rule: PushRuleRow; article: ArticleForRules }> = [];
    for (const article of articles) {
      for (const rule of rules) if (ruleMatches(rule, article)) hits.push({ rule, article });
    }
    if (hits.length === 0) return { hits: 0, events: 0, deliveries: 0 };
    const now = this.clock.now();
    const { newHits, events, deliveries } = await this.db.dataSource.transaction(async (manager) => {
      const out = { newHits: 0, events: [] as NewPushEvent[], deliveries: [] as NewDelivery[] };
      for (const { rule, article } of hits) {
        const inserted = (await manager.query(
          `INSERT INTO push_rule_hits (rule_id, article_id, user_id, digest, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (rule_id, article_id) DO NOTHING RETURNING rule_id`,
          [rule.id, article.id, rule.userId, rule.actions.includes('digest'), now],
        )) as unknown[];
        if (inserted.length === 0) continue;
        out.newHits++;
        await this.act(manager, rule, article, now, out);
      }
      return out;
    });
    await this.events.announce(events);
    await this.webhooks.enqueue(deliveries);
    return { hits: newHits, events: events.length, deliveries: deliveries.length };
  }

  private async act(
    manager: EntityManager,
    rule: PushRuleRow,
    article: ArticleForRules,
    now: Date,
    out: { events: NewPushEvent[]; deliveries: NewDelivery[] },
  ): Promise<void> {
    const actions = new Set(rule.actions);
    if (actions.has('notify')) {
      const rows = (await manager.query(
        `INSERT INTO push_events (user_id, kind, article_id, rule_id, score, reason, created_at)
         VALUES ($1, 'rule_hit', $2, $3, 1, $4, $5)
         ON CONFLICT (user_id, kind, article_id) DO NOTHING
         RETURNING user_id AS "userId", id AS "eventId"`,
        [rule.userId, article.id, rule.id, `matches your rule "${rule.name}"`, now],
      )) as NewPushEvent[];
      out.events.push(...rows);
    }
    if (actions.has('webhook')) {
      const body = {
        type: 'rule.hit',
        rule: { id: rule.id, name: rule.name },
        article: {
          id: article.id,
          title: article.title,
          url: article.url,
          summary: article.summary,
          topic: article.topic,
          sourceId: article.sourceId,
          publishedAt: article.publishedAt.toISOString(),
        },
      };
      out.deliveries.push(...(await this.webhooks.createDeliveries(manager, rule.userId, `rule:${rule.id}:${article.id}`, 'rule.hit', body, now)));
    }
    if (actions.has('mark_read')) {
      await manager.query(
        `INSERT INTO article_states (user_id, article_id, read_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, article_id) DO UPDATE SET read_at = coalesce(article_states.read_at, EXCLUDED.read_at)`,
        [rule.userId, article.id, now],
      );
    }
    if (actions.has('mute')) {
      // A hide event: the article leaves the user's For You, and articles like it rank lower.
      await manager.query(
        `INSERT INTO reading_events (user_id, article_id, type, dwell_seconds, occurred_at) VALUES ($1, $2, $3, 0, $4)`,
        [rule.userId, article.id, EventType.EVENT_TYPE_HIDE, now],
      );
    }
  }

  private async articlesForRules(ids: string[]): Promise<ArticleForRules[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT a.id, a.source_id AS "sourceId", a.title, a.url, coalesce(an.topic, '') AS topic, coalesce(an.summary, '') AS summary,
              coalesce(array_to_string(an.keywords, ' '), '') AS keywords, left(a.text, ${MAX_MATCHED_TEXT}) AS text,
              coalesce(a.published_at, a.fetched_at) AS "publishedAt"
         FROM articles a ${NEWEST_ANALYSIS_JOIN}
        WHERE a.id = ANY($1::uuid[])`,
      [ids],
    )) as Array<{ id: string; sourceId: string; title: string; url: string; topic: string; summary: string; keywords: string; text: string; publishedAt: Date }>;
    return rows.map((r) => ({
      id: r.id,
      sourceId: r.sourceId,
      title: r.title,
      url: r.url,
      summary: r.summary,
      topic: r.topic,
      publishedAt: r.publishedAt,
      folded: foldText([r.title, r.summary, r.keywords, r.text].join('\n')),
    }));
  }
}

function requireInput(input: storage.PushRuleInput | undefined): storage.PushRuleInput {
  if (!input) throw DomainError.invalidArgument('rule is required');
  return input;
}

