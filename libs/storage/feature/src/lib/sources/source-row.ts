import type { SourceEntity } from '../database/source.entity';

/** A source as read from the database (feed_number aside: only subscriptions need it; claimed_at: only the queue sweeper), with the number of its articles and of those waiting for full text (int8 → string). */
export type SourceRow = Omit<SourceEntity, 'feedNumber' | 'claimedAt'> & { articleCount: string; fullTextPending: string };

/** Columns of `sources s` aliased to the entity's property names, plus the article count. */
export const SOURCE_COLUMNS = `
  s.id, s.url, s.title, s.kind, s.status,
  s.interval_seconds AS "intervalSeconds", s.last_error AS "lastError",
  s.consecutive_failures AS "consecutiveFailures", s.last_fetched_at AS "lastFetchedAt",
  s.next_check_at AS "nextCheckAt", s.created_at AS "createdAt", s.origin,
  s.etag, s.last_modified AS "lastModified", s.category, s.effective_interval_seconds AS "effectiveIntervalSeconds",
  s.full_text AS "fullText", s.source_options AS "sourceOptions", s.paused_at AS "pausedAt",
  (SELECT count(*) FROM articles a WHERE a.source_id = s.id)::text AS "articleCount",
  (SELECT count(*) FROM article_full_text f WHERE f.source_id = s.id AND f.state = 1)::text AS "fullTextPending"`;
