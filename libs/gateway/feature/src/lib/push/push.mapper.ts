import type { recommender, storage } from '@autoglm/contracts';
import { mapArticleSummary } from '../articles/articles.mapper';
import { isoOrNull } from '../common/values.mapper';
import type {
  DigestDto,
  DigestSettingsDto,
  NewWebhookDto,
  PushEventDto,
  PushRuleDto,
  PushRuleInputDto,
  WebhookDeliveryDto,
  WebhookDto,
} from './push.dto';

export function mapPushRuleInput(input: PushRuleInputDto): storage.PushRuleInput {
  return {
    name: input.name,
    keywords: input.keywords ?? [],
    topics: input.topics ?? [],
    sourceIds: input.sourceIds ?? [],
    actions: input.actions,
    enabled: input.enabled ?? true,
  };
}

export function mapPushRule(rule: storage.PushRule | undefined): PushRuleDto {
  const r = rule as storage.PushRule;
  return {
    id: r.id,
    name: r.name,
    keywords: r.keywords,
    topics: r.topics,
    sourceIds: r.sourceIds,
    actions: r.actions,
    enabled: r.enabled,
    createdAt: isoOrNull(r.createdAt) ?? '',
    updatedAt: isoOrNull(r.updatedAt) ?? '',
  };
}

export function mapWebhook(webhook: storage.Webhook | undefined): WebhookDto {
  const w = webhook as storage.Webhook;
  return {
    id: w.id,
    url: w.url,
    description: w.description,
    enabled: w.enabled,
    consecutiveFailures: w.consecutiveFailures,
    disabledReason: w.disabledReason,
    createdAt: isoOrNull(w.createdAt) ?? '',
  };
}

export function mapNewWebhook(webhook: storage.Webhook | undefined, secret: string): NewWebhookDto {
  return { ...mapWebhook(webhook), secret };
}

export function mapWebhookDelivery(delivery: storage.WebhookDelivery | undefined): WebhookDeliveryDto {
  const d = delivery as storage.WebhookDelivery;
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventType: d.eventType,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: isoOrNull(d.nextAttemptAt),
    createdAt: isoOrNull(d.createdAt) ?? '',
    attemptLog: d.attemptLog.map((a) => ({
      attempt: a.attempt,
      statusCode: a.statusCode,
      error: a.error,
      durationMs: a.durationMs,
      createdAt: isoOrNull(a.createdAt) ?? '',
    })),
  };
}

export function mapDigestSettings(settings: storage.DigestSettings | undefined): DigestSettingsDto {
  return { period: settings?.period ?? 'off', email: settings?.email ?? '', lastSentAt: isoOrNull(settings?.lastSentAt) };
}

export function mapDigest(digest: recommender.GetDigestResponse): DigestDto {
  return {
    period: digest.period,
    since: isoOrNull(digest.since) ?? '',
    until: isoOrNull(digest.until) ?? '',
    items: digest.items.flatMap((i) => (i.article ? [{ article: mapArticleSummary(i.article), reason: i.reason, score: i.score }] : [])),
  };
}

export function mapPushEvent(event: storage.PushEvent): PushEventDto {
  return {
    id: event.id,
    kind: event.kind,
    article: event.article
      ? mapArticleSummary(event.article)
      : { id: '', sourceId: '', url: '', title: '', language: null, topic: null, summary: null, publishedAt: null },
    score: event.score,
    reason: event.reason,
    rule: event.ruleId ? { id: event.ruleId, name: event.ruleName } : null,
    createdAt: isoOrNull(event.createdAt) ?? '',
  };
}
