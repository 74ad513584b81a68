import type { storage } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import type { UserEventRow } from './user-event-row';

export function mapUserEvent(row: UserEventRow): storage.UserEvent {
  return {
    id: row.id,
    userId: row.userId,
    articleId: row.articleId,
    type: row.type,
    dwellSeconds: row.dwellSeconds,
    occurredAt: toTimestamp(row.occurredAt),
  };
}
