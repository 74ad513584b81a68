import type { ReadingEventEntity } from '../database/reading-event.entity';

export type UserEventRow = Omit<ReadingEventEntity, 'article'>;

export const USER_EVENT_COLUMNS = `
  id, user_id AS "userId", article_id AS "articleId", type, dwell_seconds AS "dwellSeconds", occurred_at AS "occurredAt"`;
