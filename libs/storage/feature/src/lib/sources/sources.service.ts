import { Inject, Injectable } from '@nestjs/common';
import { SourceKind, SourceStatus, storage } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { scheduleAfterCheck } from './fetch-schedule';
import { SOURCE_COLUMNS, type SourceRow } from './source-row';

export interface NewSource {
  url: string;
  title: string;
  kind: number;
  intervalSeconds: number;
  origin: string;
  ifMissing: boolean;
  category: string;
  fullText: boolean;
  /** Options of a JSON API or web-page source as JSON text; empty for feeds. */
  sourceOptionsJson?: string;
}

export interface FetchResult {
  sourceId: string;
  ok: boolean;
  error: string;
  feedTitle: string;
  notModified: boolean;
  newItems: number;
  publishGapSeconds: number;
  etag: string;
  lastModified: string;
  retryAfterSeconds: number;
}

const ORIGINS = new Set(['api', 'config']);
const DEFAULT_CLAIM_LIMIT = 20;
const MAX_CLAIM_LIMIT = 1000;
const DEFAULT_LEASE_SECONDS = 300;
const MAX_INTERVAL_SECONDS = 30 * 24 * 60 * 60;
const MAX_CATEGORY_LENGTH = 300;
/** Validators longer than this are not worth echoing back (and are not stored). */
const MAX_VALIDATOR_LENGTH = 1000;

@Injectable()
export class SourcesService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: NewSource): Promise<{ source: SourceRow; created: boolean }> {
    const url = parseSourceUrl(input.url);
    const kind = input.kind === SourceKind.SOURCE_KIND_UNSPECIFIED ? SourceKind.SOURCE_KIND_FEED : input.kind;
    if (!Object.values(SourceKind).includes(kind)) throw DomainError.invalidArgument(`unknown source kind ${input.kind}`);
    const interval = input.intervalSeconds || this.config.scheduler.defaultIntervalSeconds;
    if (!Number.isInteger(interval) || interval < 1 || interval > MAX_INTERVAL_SECONDS) {
      throw DomainError.invalidArgument(`interval_seconds must be between 1 and ${MAX_INTERVAL_SECONDS}`);
    }
    const origin = input.origin.trim() || 'api';
    if (!ORIGINS.has(origin)) throw DomainError.invalidArgument(`origin must be "api" or "config", not "${input.origin}"`);
    const category = (input.category ?? '').trim();
    if (category.length > MAX_CATEGORY_LENGTH) {
      throw DomainError.invalidArgument(`category is longer than ${MAX_CATEGORY_LENGTH} characters`);
    }

    const options = parseSourceOptions(kind, input.sourceOptionsJson ?? '');

    const now = this.clock.now();
    const inserted = (await this.db.dataSource.query(
      `WITH s AS (
         INSERT INTO sources (url, title, kind, status, interval_seconds, effective_interval_seconds, next_check_at, created_at, origin, category, full_text, source_options)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $6, $7, $8, $9, $10)
         ON CONFLICT (url) DO NOTHING
         RETURNING *)
       SELECT ${SOURCE_COLUMNS} FROM s`,
      [url, input.title.trim(), kind, SourceStatus.SOURCE_STATUS_ACTIVE, interval, now, origin, category, input.fullText === true, options],
    )) as SourceRow[];
    if (inserted[0]) return { source: inserted[0], created: true };

    if (!input.ifMissing) throw DomainError.alreadyExists('a source with this URL already exists', { url });
    const existing = await this.findBy('s.url = $1', [url]);
    if (!existing) throw DomainError.unavailable('the source was removed while it was being created; try again');
    return { source: existing, created: false };
  }

  async get(id: string): Promise<SourceRow> {
    const row = isUuid(id) ? await this.findBy('s.id = $1', [id]) : undefined;
    if (!row) throw sourceNotFound(id);
    return row;
  }

  async list(): Promise<SourceRow[]> {
    return (await this.db.dataSource.query(
      `SELECT ${SOURCE_COLUMNS} FROM sources s ORDER BY s.created_at, s.id`,
    )) as SourceRow[];
  }

  /**
   * Claims due sources (or one named source, regardless of its schedule) by pushing their
   * next_check_at out by the lease and recording when (claimed_at, cleared by the check's result:
   * the queue sweeper recreates the crawl job of a claim whose job Redis lost), in one statement: with SKIP LOCKED, concurrent claimers
   * (scheduler replicas) never receive the same source.
   */
  async claimDue(limit: number, leaseSeconds: number, sourceId: string): Promise<SourceRow[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_CLAIM_LIMIT) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_CLAIM_LIMIT}`);
    }
    if (!Number.isInteger(leaseSeconds) || leaseSeconds < 0) {
      throw DomainError.invalidArgument('lease_seconds must not be negative');
    }
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + (leaseSeconds || DEFAULT_LEASE_SECONDS) * 1000);

    if (sourceId) {
      if (!isUuid(sourceId)) throw sourceNotFound(sourceId);
      const rows = await this.updateReturning(`SET next_check_at = $2, claimed_at = $3 WHERE id = $1`, [sourceId, leaseUntil, now]);
      if (rows.length === 0) throw sourceNotFound(sourceId);
      return rows;
    }

    // MATERIALIZED: the locking subquery runs exactly once, so LIMIT bounds the claim.
    const rows = (await this.db.dataSource.query(
      `WITH due AS MATERIALIZED (
         SELECT id FROM sources
          WHERE status <> $4 AND next_check_at <= $2
          ORDER BY next_check_at, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED),
       s AS (
         UPDATE sources u SET next_check_at = $3, claimed_at = $2 FROM due WHERE u.id = due.id RETURNING u.*)
       SELECT ${SOURCE_COLUMNS} FROM s`,
      [limit || DEFAULT_CLAIM_LIMIT, now, leaseUntil, SourceStatus.SOURCE_STATUS_PAUSED],
    )) as SourceRow[];
    return rows.sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Gives back claims whose crawl will not run (its job was handed back by a stopping process):
   * the sources are due again now instead of when the lease runs out. Returns how many changed.
   */
  async releaseClaims(sourceIds: string[]): Promise<number> {
    const ids = [...new Set(sourceIds.filter(isUuid))];
    if (ids.length === 0) return 0;
    const now = this.clock.now();
    const rows = (await this.db.dataSource.query(
      `WITH s AS (UPDATE sources SET next_check_at = $2, claimed_at = NULL WHERE id = ANY($1::uuid[]) AND next_check_at > $2 RETURNING id) SELECT id FROM s`,
      [ids, now],
    )) as unknown[];
    return rows.length;
  }

  /**
   * Records the outcome of a check: the schedule (adaptive interval, backoff, Retry-After, pause
   * after repeated failures — see scheduleAfterCheck) and, for a full successful response, the
   * validators for the next conditional fetch. A 304 keeps the stored validators.
   */
  async recordFetchResult(result: FetchResult): Promise<SourceRow> {
    if (!isUuid(result.sourceId)) throw sourceNotFound(result.sourceId);
    const now = this.clock.now();
    const { pauseAfterFailures, minIntervalSeconds, maxIntervalSeconds } = this.config.scheduler;
    const updated = await this.db.dataSource.transaction(async (manager) => {
      const current = (await manager.query(
        `SELECT status, interval_seconds AS "intervalSeconds", effective_interval_seconds AS "effectiveIntervalSeconds",
                consecutive_failures AS "consecutiveFailures", last_fetched_at AS "lastFetchedAt",
                (SELECT w.lease_expires_at FROM websub_subscriptions w WHERE w.source_id = sources.id AND w.state = $2) AS "pushLeaseExpiresAt"
           FROM sources WHERE id = $1 FOR UPDATE`,
        [result.sourceId, storage.WebSubState.WEB_SUB_STATE_ACTIVE],
      )) as Array<{
        status: number;
        intervalSeconds: number;
        effectiveIntervalSeconds: number;
        consecutiveFailures: number;
        lastFetchedAt: Date | null;
        pushLeaseExpiresAt: Date | null;
      }>;
      const source = current[0];
      if (!source) return false;
      const next = scheduleAfterCheck(
        source,
        {
          ok: result.ok,
          error: result.error ?? '',
          notModified: result.notModified ?? false,
          newItems: result.newItems ?? 0,
          publishGapSeconds: result.publishGapSeconds ?? 0,
          retryAfterSeconds: result.retryAfterSeconds ?? 0,
        },
        { pauseAfterFailures, minIntervalSeconds, maxIntervalSeconds },
        now,
      );
      if (result.ok) next.nextCheckAt = safetyPollAt(next.nextCheckAt, source.pushLeaseExpiresAt, this.config.websub.pollIntervalSeconds, now);
      const schedule = [result.sourceId, next.status, next.consecutiveFailures, next.lastError, next.nextCheckAt, next.effectiveIntervalSeconds];
      if (!result.ok) {
        await manager.query(
          `UPDATE sources SET status = $2, consecutive_failures = $3, last_error = $4, next_check_at = $5, claimed_at = NULL,
                  effective_interval_seconds = $6
            WHERE id = $1`,
          schedule,
        );
      } else if (result.notModified) {
        await manager.query(
          `UPDATE sources SET status = $2, consecutive_failures = $3, last_error = $4, next_check_at = $5, claimed_at = NULL,
                  effective_interval_seconds = $6, last_fetched_at = $7
            WHERE id = $1`,
          [...schedule, now],
        );
      } else {
        await manager.query(
          `UPDATE sources SET status = $2, consecutive_failures = $3, last_error = $4, next_check_at = $5, claimed_at = NULL,
                  effective_interval_seconds = $6, last_fetched_at = $7, etag = $8, last_modified = $9,
                  title = CASE WHEN title = '' THEN $10 ELSE title END
            WHERE id = $1`,
          [...schedule, now, validator(result.etag), validator(result.lastModified), (result.feedTitle ?? '').trim()],
        );
      }
      return true;
    });
    if (!updated) throw sourceNotFound(result.sourceId);
    return this.get(result.sourceId);
  }

  /** Makes a source ACTIVE again with a clean failure count, due now (the scheduler claims it on its next tick). */
  async resume(id: string): Promise<SourceRow> {
    if (!isUuid(id)) throw sourceNotFound(id);
    const rows = await this.updateReturning(
      `SET status = $2, consecutive_failures = 0, last_error = '', next_check_at = $3, paused_at = NULL WHERE id = $1`,
      [id, SourceStatus.SOURCE_STATUS_ACTIVE, this.clock.now()],
    );
    if (!rows[0]) throw sourceNotFound(id);
    return rows[0];
  }

  /**
   * Pauses a source by hand: PAUSED, so the scheduler no longer claims it and check results keep it
   * paused (see scheduleAfterCheck) until resume. Its failure count and last error stay as they are
   * (they are its health); pausing again keeps the first paused_at.
   */
  async pause(id: string): Promise<SourceRow> {
    if (!isUuid(id)) throw sourceNotFound(id);
    const rows = await this.updateReturning(`SET status = $2, paused_at = coalesce(paused_at, $3) WHERE id = $1`, [
      id,
      SourceStatus.SOURCE_STATUS_PAUSED,
      this.clock.now(),
    ]);
    if (!rows[0]) throw sourceNotFound(id);
    return rows[0];
  }

  /**
   * Sets the given fields. New options make the source due now and drop its validators: a 304 to
   * the old validators would otherwise keep the items read with the old options.
   */
  async update(input: storage.UpdateSourceRequest): Promise<{ source: SourceRow; changed: boolean }> {
    const current = await this.get(input.id);
    const sets: string[] = [];
    const params: unknown[] = [current.id];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (input.title !== undefined && input.title.trim() !== current.title) set('title', input.title.trim());
    if (input.intervalSeconds !== undefined && input.intervalSeconds !== current.intervalSeconds) {
      const interval = input.intervalSeconds;
      if (!Number.isInteger(interval) || interval < 1 || interval > MAX_INTERVAL_SECONDS) {
        throw DomainError.invalidArgument(`interval_seconds must be between 1 and ${MAX_INTERVAL_SECONDS}`);
      }
      set('interval_seconds', interval);
      set('effective_interval_seconds', interval);
    }
    if (input.category !== undefined && input.category.trim() !== current.category) {
      const category = input.category.trim();
      if (category.length > MAX_CATEGORY_LENGTH) throw DomainError.invalidArgument(`category is longer than ${MAX_CATEGORY_LENGTH} characters`);
      set('category', category);
    }
    if (input.fullText !== undefined && input.fullText !== current.fullText) set('full_text', input.fullText);
    if (input.sourceOptionsJson !== undefined) {
      const options = parseSourceOptions(current.kind, input.sourceOptionsJson);
      if (!sameJson(options, current.sourceOptions)) {
        set('source_options', options);
        set('etag', '');
        set('last_modified', '');
        set('next_check_at', this.clock.now());
      }
    }
    if (sets.length === 0) return { source: current, changed: false };
    const rows = await this.updateReturning(`SET ${sets.join(', ')} WHERE id = $1`, params);
    if (!rows[0]) throw sourceNotFound(input.id);
    return { source: rows[0], changed: true };
  }

  private async findBy(where: string, params: unknown[]): Promise<SourceRow | undefined> {
    const rows = (await this.db.dataSource.query(
      `SELECT ${SOURCE_COLUMNS} FROM sources s WHERE ${where}`,
      params,
    )) as SourceRow[];
    return rows[0];
  }

  private async updateReturning(set: string, params: unknown[]): Promise<SourceRow[]> {
    return (await this.db.dataSource.query(
      `WITH s AS (UPDATE sources ${set} RETURNING *) SELECT ${SOURCE_COLUMNS} FROM s`,
      params,
    )) as SourceRow[];
  }
}

/**
 * While a hub pushes a source's new items (an active WebSub lease), polling is only a slow safety
 * net: the next check is at least pollIntervalSeconds away, but never after the lease runs out
 * (then nothing pushes any more and the normal schedule is back).
 */
export function safetyPollAt(nextCheckAt: Date, pushLeaseExpiresAt: Date | null, pollIntervalSeconds: number, now: Date): Date {
  if (!pushLeaseExpiresAt || pushLeaseExpiresAt.getTime() <= now.getTime()) return nextCheckAt;
  const safety = Math.min(now.getTime() + pollIntervalSeconds * 1000, pushLeaseExpiresAt.getTime());
  return safety > nextCheckAt.getTime() ? new Date(safety) : nextCheckAt;
}

function validator(value: string | undefined): string {
  const text = (value ?? '').trim();
  return text.length > MAX_VALIDATOR_LENGTH ? '' : text;
}

export function sourceNotFound(id: string): DomainError {
  return DomainError.notFound(`source ${id} not found`);
}

/** Accepts absolute http(s) URLs only and returns their normalized form. */
export function parseSourceUrl(raw: string): string {
  const text = raw.trim();
  if (!text) throw DomainError.invalidArgument('url is required');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw DomainError.invalidArgument(`url must be an absolute http(s) URL, got "${text}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw DomainError.invalidArgument(`url must be an absolute http(s) URL, got "${text}"`);
  }
  return url.href;
}

/** Longest options document stored (selectors, field paths and a few headers fit easily). */
const MAX_SOURCE_OPTIONS_LENGTH = 20_000;

/**
 * The options of a source as stored: a JSON object for the JSON API and web-page kinds (their
 * shape is checked where they are declared, in the configuration, and where they are used, by the
 * crawler); feeds take none.
 */
function parseSourceOptions(kind: number, json: string): string {
  const text = json.trim();
  if (kind === SourceKind.SOURCE_KIND_FEED) {
    if (text) throw DomainError.invalidArgument('a feed source takes no source options');
    return '';
  }
  if (!text) throw DomainError.invalidArgument('a JSON API or web-page source needs its options (source_options_json)');
  if (text.length > MAX_SOURCE_OPTIONS_LENGTH) {
    throw DomainError.invalidArgument(`source options are longer than ${MAX_SOURCE_OPTIONS_LENGTH} characters`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw DomainError.invalidArgument('source options are not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw DomainError.invalidArgument('source options must be a JSON object');
  }
  return text;
}

/** Two options texts that say the same (key order and spacing aside). */
function sameJson(a: string, b: string | null | undefined): boolean {
  if (a === (b ?? '')) return true;
  try {
    return JSON.stringify(sortedKeys(JSON.parse(a || 'null'))) === JSON.stringify(sortedKeys(JSON.parse(b || 'null')));
  } catch {
    return false;
  }
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}
