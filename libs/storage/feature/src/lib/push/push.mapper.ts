import type { storage } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { mapArticleRef } from '../articles/article.mapper';
import type { DigestSettingsRow, DueDigestRow, PushEventRow, PushRuleRow, WebhookAttemptRow, WebhookDeliveryRow, WebhookRow } from './push-rows';

export function mapPushRule(row: PushRuleRow): storage.PushRule {
  return {
    id: row.id,
    name: row.name,
    keywords: row.keywords,
    topics: row.topics,
    sourceIds: row.sourceIds,
    actions: row.actions,
    enabled: row.enabled,
    createdAt: toTimestamp(row.createdAt),
    updatedAt: toTimestamp(row.updatedAt),
  };
}

export function mapPushEvent(row: PushEventRow): storage.PushEvent {
  return {
    id: String(row.eventId),
    kind: row.kind,
    article: mapArticleRef(row),
    ruleId: row.ruleId ?? '',
    ruleName: row.ruleName ?? '',
    score: row.score,
    reason: row.reason,
    createdAt: toTimestamp(row.createdAt),
  };
}

export function mapWebhook(row: WebhookRow): storage.Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    enabled: row.enabled,
    consecutiveFailures: row.consecutiveFailures,
    disabledReason: row.disabledReason,
    createdAt: toTimestamp(row.createdAt),
  };
}

function mapAttempt(row: WebhookAttemptRow): storage.WebhookAttempt {
  return { attempt: row.attempt, statusCode: row.statusCode, error: row.error, durationMs: row.durationMs, createdAt: toTimestamp(row.createdAt) };
}

export function mapWebhookDelivery(row: WebhookDeliveryRow): storage.WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventType: row.eventType,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt ? toTimestamp(row.nextAttemptAt) : undefined,
    createdAt: toTimestamp(row.createdAt),
    attemptLog: row.attemptLog.map(mapAttempt),
  };
}

export function mapDigestSettings(row: DigestSettingsRow): storage.DigestSettings {
  return { period: row.period, email: row.email, lastSentAt: row.lastSentAt ? toTimestamp(row.lastSentAt) : undefined };
}

export function mapDueDigest(row: DueDigestRow): storage.DueDigest {
  return {
    userId: row.userId,
    userName: row.userName,
    email: row.email,
    period: row.period,
    windowStart: toTimestamp(row.windowStart),
    since: toTimestamp(row.since),
  };
}
