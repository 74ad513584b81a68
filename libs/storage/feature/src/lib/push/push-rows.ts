import { ARTICLE_REF_COLUMNS, type ArticleRefRow } from '../articles/article-row';

export interface PushRuleRow {
  id: string;
  userId: string;
  name: string;
  keywords: string[];
  topics: string[];
  sourceIds: string[];
  actions: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const PUSH_RULE_COLUMNS = `r.id, r.user_id AS "userId", r.name, r.keywords, r.topics, r.source_ids AS "sourceIds",
  r.actions, r.enabled, r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

export interface PushEventRow extends ArticleRefRow {
  eventId: string;
  kind: string;
  ruleId: string | null;
  ruleName: string | null;
  score: number;
  reason: string;
  createdAt: Date;
}

/** Columns of PushEventRow from `push_events e JOIN articles a … NEWEST_ANALYSIS_JOIN LEFT JOIN push_rules r`. */
export const PUSH_EVENT_COLUMNS = `e.id AS "eventId", e.kind, e.rule_id AS "ruleId", r.name AS "ruleName", e.score, e.reason,
  e.created_at AS "createdAt", ${ARTICLE_REF_COLUMNS}`;

export interface WebhookRow {
  id: string;
  url: string;
  description: string;
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string;
  createdAt: Date;
}

/** Never the secret: it leaves storage only towards the sender (GetWebhookDelivery). */
export const WEBHOOK_COLUMNS = `w.id, w.url, w.description, w.enabled, w.consecutive_failures AS "consecutiveFailures",
  w.disabled_reason AS "disabledReason", w.created_at AS "createdAt"`;

export interface WebhookAttemptRow {
  deliveryId: string;
  attempt: number;
  statusCode: number;
  error: string;
  durationMs: number;
  createdAt: Date;
}

export interface WebhookDeliveryRow {
  id: string;
  webhookId: string;
  eventType: string;
  state: string;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  attemptLog: WebhookAttemptRow[];
}

export interface DigestSettingsRow {
  period: string;
  email: string;
  lastSentAt: Date | null;
}

export interface DueDigestRow {
  userId: string;
  userName: string;
  email: string;
  period: string;
  windowStart: Date;
  since: Date;
}
