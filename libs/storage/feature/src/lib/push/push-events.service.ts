import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { PUSH_BUS, type PushBus } from '@autoglm/shared-push-bus';
import { NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { checkUserId } from '../users/users.service';
import { PUSH_EVENT_COLUMNS, type PushEventRow } from './push-rows';

export const MAX_PUSH_EVENTS_PAGE = 1000;
const MAX_APPEND = 5000;
const MAX_AUDIENCE = 100_000;
const EVENT_ID = /^\d{1,19}$/;
const MAX_REASON = 300;

/** A new event of a user (the newest id the transaction wrote for them). */
export interface NewPushEvent {
  userId: string;
  eventId: string;
}

/**
 * The per-user push stream as rows: appended by the For-You push and by rules (notify), read by the
 * gateway's streams after the last id they sent. Every append is announced on the push bus after
 * its commit, so each gateway replica wakes the streams of that user.
 */
@Injectable()
export class PushEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(PushEventsService.name);

  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    @Inject(PUSH_BUS) private readonly bus: PushBus,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.bus.close();
  }

  /** Adds For-You events; a (user, article) already pushed as For You is not added again. */
  async appendForYou(events: storage.ForYouCandidate[]): Promise<number> {
    if (events.length > MAX_APPEND) throw DomainError.invalidArgument(`at most ${MAX_APPEND} events per call`);
    const valid = events.filter((e) => isUuid(e.userId) && isUuid(e.articleId) && Number.isFinite(e.score));
    if (valid.length === 0) return 0;
    const rows = (await this.db.dataSource.query(
      `INSERT INTO push_events (user_id, kind, article_id, score, reason, created_at)
       SELECT v.user_id, 'for_you', v.article_id, v.score, v.reason, $5
         FROM unnest($1::uuid[], $2::uuid[], $3::float8[], $4::text[]) AS v(user_id, article_id, score, reason)
         JOIN users u ON u.id = v.user_id
         JOIN articles a ON a.id = v.article_id
       ON CONFLICT (user_id, kind, article_id) DO NOTHING
       RETURNING user_id AS "userId", id AS "eventId"`,
      [
        valid.map((e) => e.userId),
        valid.map((e) => e.articleId),
        valid.map((e) => e.score),
        valid.map((e) => e.reason.slice(0, MAX_REASON)),
        this.clock.now(),
      ],
    )) as NewPushEvent[];
    await this.announce(rows);
    return rows.length;
  }

  /** The user's events after afterId, oldest first, and the newest id the user has ("0": none). */
  async list(actorUserId: string, afterId: string, limit: number): Promise<{ events: PushEventRow[]; latestId: string }> {
    const userId = checkUserId(actorUserId);
    const after = afterId.trim() === '' ? '0' : afterId.trim();
    if (!EVENT_ID.test(after)) throw DomainError.invalidArgument('after_id must be a decimal event id');
    const size = limit || 100;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PUSH_EVENTS_PAGE) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_PUSH_EVENTS_PAGE}`);
    }
    const [events, latest] = await Promise.all([
      this.db.dataSource.query(
        `SELECT ${PUSH_EVENT_COLUMNS}
           FROM push_events e
           JOIN articles a ON a.id = e.article_id
           ${NEWEST_ANALYSIS_JOIN}
           LEFT JOIN push_rules r ON r.id = e.rule_id AND r.user_id = e.user_id
          WHERE e.user_id = $1 AND e.id > $2::bigint
          ORDER BY e.id
          LIMIT $3`,
        [userId, after, size],
      ) as Promise<PushEventRow[]>,
      this.db.dataSource.query(`SELECT coalesce(max(id), 0)::text AS "latestId" FROM push_events WHERE user_id = $1`, [userId]) as Promise<
        Array<{ latestId: string }>
      >,
    ]);
    return { events, latestId: latest[0]?.latestId ?? '0' };
  }

  /** Users (with an account) who have reading events, most recently active first. */
  async audience(limit: number): Promise<string[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_AUDIENCE) throw DomainError.invalidArgument(`limit must be between 0 and ${MAX_AUDIENCE}`);
    if (limit === 0) return [];
    const rows = (await this.db.dataSource.query(
      `SELECT u.id AS "userId"
         FROM users u
         JOIN LATERAL (SELECT max(e.occurred_at) AS last FROM reading_events e WHERE e.user_id = u.id::text) x ON x.last IS NOT NULL
        ORDER BY x.last DESC, u.id
        LIMIT $1`,
      [limit],
    )) as Array<{ userId: string }>;
    return rows.map((r) => r.userId);
  }

  /** Tells every gateway replica which users have new events (one notice per user: its newest id). */
  async announce(events: readonly NewPushEvent[]): Promise<void> {
    const newest = new Map<string, string>();
    for (const e of events) {
      const id = String(e.eventId);
      const known = newest.get(e.userId);
      if (!known || BigInt(id) > BigInt(known)) newest.set(e.userId, id);
    }
    for (const [userId, eventId] of newest) {
      // The events are committed: a lost notice only delays them until the stream's next resume.
      await this.bus.publish({ userId, eventId }).catch((error: Error) => this.logger.warn(`push notice for ${userId} not sent: ${error.message}`));
    }
  }
}
