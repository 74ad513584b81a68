import { Inject, Injectable } from '@nestjs/common';
import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { sourceNotFound } from '../sources/sources.service';

const { WebSubState } = storage;

/** A websub_subscriptions row as queried (camelCase aliases). */
export interface WebSubSubscriptionRow {
  sourceId: string;
  hubUrl: string;
  topicUrl: string;
  state: number;
  secret: string;
  leaseSeconds: number;
  leaseExpiresAt: Date | null;
  renewAt: Date | null;
  lastError: string;
  updatedAt: Date;
}

/** What the subscriber writes back (hub and topic belong to discovery). */
export interface WebSubSubscriptionUpdate {
  sourceId: string;
  state: number;
  secret: string;
  leaseSeconds: number;
  leaseExpiresAt: Date | null;
  renewAt: Date | null;
  lastError: string;
}

const COLUMNS = `w.source_id AS "sourceId", w.hub_url AS "hubUrl", w.topic_url AS "topicUrl", w.state, w.secret,
  w.lease_seconds AS "leaseSeconds", w.lease_expires_at AS "leaseExpiresAt", w.renew_at AS "renewAt",
  w.last_error AS "lastError", w.updated_at AS "updatedAt"`;
const MAX_URL_LENGTH = 2000;
const MAX_ERROR_LENGTH = 1000;
const MAX_CLAIM_LIMIT = 1000;
const DEFAULT_CLAIM_LIMIT = 20;
const DEFAULT_CLAIM_LEASE_SECONDS = 300;

/** The WebSub subscription of each source: what discovery found and what the subscriber did. */
@Injectable()
export class WebSubSubscriptionsService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Notes the hub and topic a crawl found. A new subscription, or a changed hub or topic (which
   * needs a new subscription, with a new secret), is DISCOVERED and due now, and so is one we
   * unsubscribed (its source was paused and is crawled again); otherwise the same pair changes
   * nothing, so a crawl never disturbs a pending, active or denied subscription.
   */
  async recordDiscovery(sourceId: string, hubUrl: string, topicUrl: string): Promise<{ row: WebSubSubscriptionRow; changed: boolean }> {
    if (!isUuid(sourceId)) throw sourceNotFound(sourceId);
    const hub = httpUrl(hubUrl, 'hub_url');
    const topic = httpUrl(topicUrl, 'topic_url');
    const now = this.clock.now();
    const rows = (await this.db.dataSource.query(
      `WITH w AS (
         INSERT INTO websub_subscriptions AS t (source_id, hub_url, topic_url, state, secret, lease_seconds, renew_at, last_error, updated_at)
         SELECT s.id, $2, $3, $4, '', 0, $5, '', $5 FROM sources s WHERE s.id = $1
         ON CONFLICT (source_id) DO UPDATE
           SET hub_url = EXCLUDED.hub_url, topic_url = EXCLUDED.topic_url, state = EXCLUDED.state, secret = '',
               lease_seconds = 0, lease_expires_at = NULL, renew_at = EXCLUDED.renew_at, last_error = '', updated_at = EXCLUDED.updated_at
           WHERE t.hub_url <> EXCLUDED.hub_url OR t.topic_url <> EXCLUDED.topic_url OR t.state IN ($6, $7)
         RETURNING *)
       SELECT ${COLUMNS} FROM w`,
      [sourceId, hub, topic, WebSubState.WEB_SUB_STATE_DISCOVERED, now, WebSubState.WEB_SUB_STATE_UNSUBSCRIBING, WebSubState.WEB_SUB_STATE_UNSUBSCRIBED],
    )) as WebSubSubscriptionRow[];
    if (rows[0]) return { row: this.withExpiry(rows[0]), changed: true };
    const existing = await this.find(sourceId);
    if (!existing) throw sourceNotFound(sourceId);
    return { row: existing, changed: false };
  }

  async find(sourceId: string): Promise<WebSubSubscriptionRow | undefined> {
    if (!isUuid(sourceId)) return undefined;
    const rows = (await this.db.dataSource.query(`SELECT ${COLUMNS} FROM websub_subscriptions w WHERE w.source_id = $1`, [
      sourceId,
    ])) as WebSubSubscriptionRow[];
    return rows[0] && this.withExpiry(rows[0]);
  }

  /** Subscriptions whose renew_at has come, renew_at pushed out by the lease in the same statement (SKIP LOCKED). */
  async claimRenewals(limit: number, leaseSeconds: number): Promise<WebSubSubscriptionRow[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_CLAIM_LIMIT) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_CLAIM_LIMIT}`);
    }
    if (!Number.isInteger(leaseSeconds) || leaseSeconds < 0) throw DomainError.invalidArgument('lease_seconds must not be negative');
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + (leaseSeconds || DEFAULT_CLAIM_LEASE_SECONDS) * 1000);
    const rows = (await this.db.dataSource.query(
      `WITH due AS MATERIALIZED (
         SELECT source_id FROM websub_subscriptions
          WHERE renew_at IS NOT NULL AND renew_at <= $2
          ORDER BY renew_at, source_id
          LIMIT $1
          FOR UPDATE SKIP LOCKED),
       w AS (
         UPDATE websub_subscriptions u SET renew_at = $3 FROM due WHERE u.source_id = due.source_id RETURNING u.*)
       SELECT ${COLUMNS} FROM w`,
      [limit || DEFAULT_CLAIM_LIMIT, now, leaseUntil],
    )) as WebSubSubscriptionRow[];
    return rows.map((row) => this.withExpiry(row)).sort((a, b) => a.sourceId.localeCompare(b.sourceId));
  }

  async save(update: WebSubSubscriptionUpdate): Promise<WebSubSubscriptionRow> {
    if (!isUuid(update.sourceId)) throw subscriptionNotFound(update.sourceId);
    if (!Object.values(WebSubState).includes(update.state) || update.state === WebSubState.WEB_SUB_STATE_UNSPECIFIED) {
      throw DomainError.invalidArgument(`unknown WebSub state ${update.state}`);
    }
    if (!/^[0-9a-f]*$/i.test(update.secret) || update.secret.length > 200) throw DomainError.invalidArgument('secret must be hex, at most 200 characters');
    if (!Number.isInteger(update.leaseSeconds) || update.leaseSeconds < 0) throw DomainError.invalidArgument('lease_seconds must not be negative');
    const rows = (await this.db.dataSource.query(
      `WITH w AS (
         UPDATE websub_subscriptions SET state = $2, secret = $3, lease_seconds = $4, lease_expires_at = $5, renew_at = $6,
                last_error = $7, updated_at = $8
          WHERE source_id = $1 RETURNING *)
       SELECT ${COLUMNS} FROM w`,
      [
        update.sourceId,
        update.state,
        update.secret,
        update.leaseSeconds,
        update.leaseExpiresAt,
        update.renewAt,
        update.lastError.slice(0, MAX_ERROR_LENGTH),
        this.clock.now(),
      ],
    )) as WebSubSubscriptionRow[];
    if (!rows[0]) throw subscriptionNotFound(update.sourceId);
    return this.withExpiry(rows[0]);
  }

  /** An ACTIVE subscription whose lease has run out is EXPIRED (the row keeps ACTIVE: no writer has to notice the moment). */
  private withExpiry(row: WebSubSubscriptionRow): WebSubSubscriptionRow {
    const lapsed = row.leaseExpiresAt !== null && row.leaseExpiresAt.getTime() <= this.clock.now().getTime();
    return row.state === WebSubState.WEB_SUB_STATE_ACTIVE && lapsed ? { ...row, state: WebSubState.WEB_SUB_STATE_EXPIRED } : row;
  }
}

function subscriptionNotFound(sourceId: string): DomainError {
  return DomainError.notFound(`source ${sourceId} has no WebSub subscription`);
}

function httpUrl(value: string, name: string): string {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw DomainError.invalidArgument(`${name} must be an absolute http(s) URL, got "${text.slice(0, 200)}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || text.length > MAX_URL_LENGTH) {
    throw DomainError.invalidArgument(`${name} must be an absolute http(s) URL of at most ${MAX_URL_LENGTH} characters`);
  }
  return url.href;
}
