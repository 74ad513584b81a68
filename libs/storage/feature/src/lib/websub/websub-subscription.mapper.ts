import type { storage } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import type { WebSubSubscriptionRow } from './websub-subscriptions.service';

export function mapWebSubSubscription(row: WebSubSubscriptionRow): storage.WebSubSubscription {
  return {
    sourceId: row.sourceId,
    hubUrl: row.hubUrl,
    topicUrl: row.topicUrl,
    state: row.state,
    secret: row.secret,
    leaseSeconds: row.leaseSeconds,
    leaseExpiresAt: row.leaseExpiresAt ? toTimestamp(row.leaseExpiresAt) : undefined,
    renewAt: row.renewAt ? toTimestamp(row.renewAt) : undefined,
    lastError: row.lastError,
    updatedAt: toTimestamp(row.updatedAt),
  };
}
