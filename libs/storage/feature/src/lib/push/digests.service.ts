import { Inject, Injectable } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp } from '@autoglm/shared-grpc';
import { ARTICLE_REF_COLUMNS, NEWEST_ANALYSIS_JOIN, type ArticleRefRow } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { checkUserId, userNotFound } from '../users/users.service';
import type { DigestSettingsRow, DueDigestRow } from './push-rows';

export const DIGEST_PERIODS = ['off', 'hourly', 'daily'] as const;
const MAX_EMAIL = 254;
// One @, something on each side, no spaces or angle brackets (a header injection needs a line break or <>).
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
const MAX_HITS = 100;

/** The window (hour or day, UTC) `now` is in, as SQL over a settings row `d` and the parameter $1. */
const WINDOW_START = `date_trunc(CASE d.period WHEN 'hourly' THEN 'hour' ELSE 'day' END, $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;

/**
 * Digest settings and schedule. A user's digest is due when the current hour/day (UTC) is newer than
 * the last window sent; the sender claims it for a lease (FOR UPDATE SKIP LOCKED, so replicas share
 * the work) and records the window once sent. Everything is derived from these rows: a restart
 * loses nothing and sends nothing twice within a window.
 */
@Injectable()
export class DigestsService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
  ) {}

  async get(actorUserId: string): Promise<DigestSettingsRow> {
    const userId = checkUserId(actorUserId);
    const rows = (await this.db.dataSource.query(
      `SELECT d.period, d.email, d.last_sent_at AS "lastSentAt" FROM users u LEFT JOIN digest_settings d ON d.user_id = u.id WHERE u.id = $1`,
      [userId],
    )) as Array<{ period: string | null; email: string | null; lastSentAt: Date | null }>;
    if (!rows[0]) throw userNotFound(userId);
    return { period: rows[0].period ?? 'off', email: rows[0].email ?? '', lastSentAt: rows[0].lastSentAt };
  }

  async put(actorUserId: string, request: storage.PutDigestSettingsRequest): Promise<DigestSettingsRow> {
    const userId = checkUserId(actorUserId);
    const period = request.period.trim().toLowerCase();
    if (!(DIGEST_PERIODS as readonly string[]).includes(period)) throw DomainError.invalidArgument(`period must be one of ${DIGEST_PERIODS.join(', ')}`);
    const email = request.email.trim();
    if (email.length > MAX_EMAIL || (email !== '' && !EMAIL.test(email))) throw DomainError.invalidArgument('email is not an e-mail address');
    const rows = (await this.db.dataSource.query(
      `INSERT INTO digest_settings (user_id, period, email, updated_at)
       SELECT u.id, $2, $3, $4 FROM users u WHERE u.id = $1
       ON CONFLICT (user_id) DO UPDATE SET period = EXCLUDED.period, email = EXCLUDED.email, updated_at = EXCLUDED.updated_at
       RETURNING period, email, last_sent_at AS "lastSentAt"`,
      [userId, period, email, this.clock.now()],
    )) as DigestSettingsRow[];
    if (!rows[0]) throw userNotFound(userId);
    return rows[0];
  }

  /** Claims up to `limit` due digests for leaseSeconds. */
  async claimDue(limit: number, leaseSeconds: number): Promise<DueDigestRow[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw DomainError.invalidArgument('limit must be between 1 and 1000');
    if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1 || leaseSeconds > 86_400) throw DomainError.invalidArgument('lease_seconds must be between 1 and 86400');
    const now = this.clock.now();
    return (await this.db.dataSource.query(
      `WITH due AS (
         SELECT d.user_id, ${WINDOW_START} AS window_start
           FROM digest_settings d
          WHERE d.period IN ('hourly', 'daily') AND d.email <> ''
            AND (d.claimed_until IS NULL OR d.claimed_until <= $1)
            AND (d.last_window_start IS NULL OR d.last_window_start < ${WINDOW_START})
          ORDER BY d.user_id
          LIMIT $2
          FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE digest_settings d SET claimed_until = $1::timestamptz + make_interval(secs => $3)
           FROM due WHERE d.user_id = due.user_id
         RETURNING d.user_id, d.email, d.period, due.window_start)
       SELECT c.user_id AS "userId", u.name AS "userName", c.email, c.period, c.window_start AS "windowStart",
              c.window_start - CASE c.period WHEN 'hourly' THEN interval '1 hour' ELSE interval '1 day' END AS since
         FROM claimed c JOIN users u ON u.id = c.user_id`,
      [now, limit, leaseSeconds],
    )) as DueDigestRow[];
  }

  /** Records a window as sent (an older or equal window changes nothing) and frees the claim. */
  async recordSent(request: storage.RecordDigestSentRequest): Promise<boolean> {
    const userId = checkUserId(request.userId);
    const windowStart = fromTimestamp(request.windowStart);
    if (!windowStart) throw DomainError.invalidArgument('window_start is required');
    const rows = (await this.db.dataSource.query(
      `WITH d AS (
         UPDATE digest_settings SET last_window_start = $2, last_sent_at = $3, claimed_until = NULL
          WHERE user_id = $1 AND (last_window_start IS NULL OR last_window_start < $2) RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [userId, windowStart, this.clock.now()],
    )) as Array<{ n: number }>;
    return (rows[0]?.n ?? 0) > 0;
  }

  /** Articles the user's digest rules put aside since a time, newest first. */
  async hits(actorUserId: string, request: storage.ListDigestHitsRequest): Promise<ArticleRefRow[]> {
    const userId = checkUserId(actorUserId);
    const since = fromTimestamp(request.since) ?? new Date(0);
    const limit = request.limit || 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HITS) throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_HITS}`);
    return (await this.db.dataSource.query(
      `SELECT ${ARTICLE_REF_COLUMNS}
         FROM (SELECT h.article_id, max(h.created_at) AS hit_at FROM push_rule_hits h
                WHERE h.user_id = $1 AND h.digest AND h.created_at >= $2 GROUP BY h.article_id) h
         JOIN articles a ON a.id = h.article_id
         ${NEWEST_ANALYSIS_JOIN}
        ORDER BY h.hit_at DESC, a.id
        LIMIT $3`,
      [userId, since, limit],
    )) as ArticleRefRow[];
  }
}
