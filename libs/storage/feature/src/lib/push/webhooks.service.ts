import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { QUEUE_FACTORY, QUEUE_NAMES, type JobQueue, type QueueFactory, type WebhookJob } from '@autoglm/shared-queue';
import type { EntityManager } from 'typeorm';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { checkUserId, userNotFound } from '../users/users.service';
import { WEBHOOK_COLUMNS, type WebhookAttemptRow, type WebhookDeliveryRow, type WebhookRow } from './push-rows';

export const MAX_WEBHOOKS_PER_USER = 10;
const MAX_URL = 2000;
const MAX_DESCRIPTION = 200;
const MIN_SECRET = 24;
const MAX_DELIVERIES_PAGE = 100;
const MAX_ERROR = 500;
/** The sweep leaves a due delivery to its queued job for this long before it enqueues it again (lost work only). */
const SWEEP_GRACE_MS = 30_000;

export function webhookNotFound(id: string): DomainError {
  return DomainError.notFound(`webhook ${id} not found`);
}

/** A delivery written by a transaction, to enqueue once it committed. */
export interface NewDelivery {
  deliveryId: string;
}

/** The job id of an attempt: the queue drops a second copy of the same attempt. */
export function webhookJobId(deliveryId: string, attempt: number): string {
  return `webhook:${deliveryId}:${attempt}`;
}

function checkUrl(raw: string): string {
  const url = raw.trim();
  if (!url) throw DomainError.invalidArgument('url is required');
  if (url.length > MAX_URL) throw DomainError.invalidArgument(`url must be at most ${MAX_URL} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw DomainError.invalidArgument(`url "${url.slice(0, 100)}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw DomainError.invalidArgument('url must be http or https');
  if (parsed.username || parsed.password) throw DomainError.invalidArgument('url must not carry credentials (the signature authenticates us)');
  return parsed.toString();
}

function checkDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > MAX_DESCRIPTION) throw DomainError.invalidArgument(`description must be at most ${MAX_DESCRIPTION} characters`);
  return description;
}

/**
 * Users' webhook endpoints and their deliveries. A delivery is one event for one endpoint, with the
 * exact body that is signed; each attempt is logged, retried with exponential backoff through the
 * `webhook` queue, and an endpoint failing push.webhooks.disableAfterFailures times in a row is disabled.
 * The secret is written once and read only by GetWebhookDelivery (the sender).
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);
  private readonly queue: JobQueue<WebhookJob>;

  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(QUEUE_FACTORY) queues: QueueFactory,
  ) {
    this.queue = queues.get<WebhookJob>(QUEUE_NAMES.webhook);
  }

  async create(actorUserId: string, request: storage.CreateWebhookRequest): Promise<WebhookRow> {
    const userId = checkUserId(actorUserId);
    const url = checkUrl(request.url);
    const description = checkDescription(request.description);
    if (request.secret.length < MIN_SECRET) throw DomainError.invalidArgument(`secret must be at least ${MIN_SECRET} characters`);
    return this.db.dataSource.transaction(async (manager) => {
      const [owner] = (await manager.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [userId])) as unknown[];
      if (!owner) throw userNotFound(userId);
      const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM webhook_endpoints WHERE user_id = $1`, [userId])) as Array<{
        count: number;
      }>;
      if (count >= MAX_WEBHOOKS_PER_USER) throw DomainError.failedPrecondition(`a user has at most ${MAX_WEBHOOKS_PER_USER} webhooks`);
      const rows = (await manager.query(
        `WITH w AS (INSERT INTO webhook_endpoints (user_id, url, secret, description, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *)
         SELECT ${WEBHOOK_COLUMNS} FROM w`,
        [userId, url, request.secret, description, this.clock.now()],
      )) as WebhookRow[];
      return rows[0];
    });
  }

  async list(actorUserId: string): Promise<WebhookRow[]> {
    const userId = checkUserId(actorUserId);
    return (await this.db.dataSource.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhook_endpoints w WHERE w.user_id = $1 ORDER BY w.created_at, w.id`, [
      userId,
    ])) as WebhookRow[];
  }

  async update(actorUserId: string, request: storage.UpdateWebhookRequest): Promise<WebhookRow> {
    const userId = checkUserId(actorUserId);
    if (!isUuid(request.id)) throw webhookNotFound(request.id);
    const url = request.url === undefined ? null : checkUrl(request.url);
    const description = request.description === undefined ? null : checkDescription(request.description);
    const enabled = request.enabled ?? null;
    const rows = (await this.db.dataSource.query(
      `WITH w AS (
         UPDATE webhook_endpoints SET url = coalesce($3, url), description = coalesce($4, description),
                enabled = coalesce($5, enabled),
                consecutive_failures = CASE WHEN $5 THEN 0 ELSE consecutive_failures END,
                disabled_reason = CASE WHEN $5 THEN '' ELSE disabled_reason END
          WHERE id = $1 AND user_id = $2 RETURNING *)
       SELECT ${WEBHOOK_COLUMNS} FROM w`,
      [request.id, userId, url, description, enabled],
    )) as WebhookRow[];
    if (!rows[0]) throw webhookNotFound(request.id);
    return rows[0];
  }

  async delete(actorUserId: string, id: string): Promise<void> {
    const userId = checkUserId(actorUserId);
    if (!isUuid(id)) throw webhookNotFound(id);
    const rows = (await this.db.dataSource.query(
      `WITH d AS (DELETE FROM webhook_endpoints WHERE id = $1 AND user_id = $2 RETURNING id) SELECT id FROM d`,
      [id, userId],
    )) as unknown[];
    if (rows.length === 0) throw webhookNotFound(id);
  }

  /** Queues a "ping" delivery to one of the user's endpoints (enabled or not: a test says whether it works). */
  async test(actorUserId: string, id: string): Promise<WebhookDeliveryRow> {
    const userId = checkUserId(actorUserId);
    if (!isUuid(id)) throw webhookNotFound(id);
    const now = this.clock.now();
    const deliveries = await this.db.dataSource.transaction(async (manager) => {
      const [endpoint] = (await manager.query(`SELECT id FROM webhook_endpoints WHERE id = $1 AND user_id = $2`, [id, userId])) as unknown[];
      if (!endpoint) throw webhookNotFound(id);
      return this.insertDelivery(manager, id, userId, `ping:${randomUUID()}`, 'ping', { message: 'This is a test delivery.' }, now);
    });
    await this.enqueue(deliveries);
    const [created] = await this.deliveriesOf(userId, id, 1, deliveries[0]?.deliveryId);
    return created;
  }

  /** The endpoint's deliveries, newest first, with their attempts. */
  async deliveries(actorUserId: string, webhookId: string, limit: number): Promise<WebhookDeliveryRow[]> {
    const userId = checkUserId(actorUserId);
    if (!isUuid(webhookId)) throw webhookNotFound(webhookId);
    const size = limit || 20;
    if (!Number.isInteger(size) || size < 1 || size > MAX_DELIVERIES_PAGE) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_DELIVERIES_PAGE}`);
    }
    const [endpoint] = (await this.db.dataSource.query(`SELECT id FROM webhook_endpoints WHERE id = $1 AND user_id = $2`, [
      webhookId,
      userId,
    ])) as unknown[];
    if (!endpoint) throw webhookNotFound(webhookId);
    return this.deliveriesOf(userId, webhookId, size);
  }

  /** Within a rule's transaction: one delivery per enabled endpoint of the user, unless that event was delivered there before. */
  async createDeliveries(manager: EntityManager, userId: string, eventKey: string, eventType: string, data: object, now: Date): Promise<NewDelivery[]> {
    const endpoints = (await manager.query(`SELECT id FROM webhook_endpoints WHERE user_id = $1 AND enabled`, [userId])) as Array<{ id: string }>;
    const out: NewDelivery[] = [];
    for (const endpoint of endpoints) out.push(...(await this.insertDelivery(manager, endpoint.id, userId, eventKey, eventType, data, now)));
    return out;
  }

  /** Enqueues the first attempt of committed deliveries (a lost one is found again by listDue). */
  async enqueue(deliveries: readonly NewDelivery[]): Promise<void> {
    for (const { deliveryId } of deliveries) {
      await this.queue
        .add({ deliveryId, attempt: 1 }, { jobId: webhookJobId(deliveryId, 1) })
        .catch((error: Error) => this.logger.warn(`webhook delivery ${deliveryId} not queued (the sweep will): ${error.message}`));
    }
  }

  /** What the sender needs for attempt `attempt` of a delivery; deliverable false when there is nothing to send. */
  async forAttempt(deliveryId: string): Promise<storage.GetWebhookDeliveryResponse> {
    const none: storage.GetWebhookDeliveryResponse = { deliverable: false, url: '', secret: '', body: '', eventType: '', attempts: 0 };
    if (!isUuid(deliveryId)) return none;
    const rows = (await this.db.dataSource.query(
      `SELECT d.state, d.attempts, d.body, d.event_type AS "eventType", w.url, w.secret, w.enabled
         FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
        WHERE d.id = $1`,
      [deliveryId],
    )) as Array<{ state: string; attempts: number; body: string; eventType: string; url: string; secret: string; enabled: boolean }>;
    const row = rows[0];
    if (!row) return none;
    return {
      deliverable: row.state === 'pending' && row.enabled,
      url: row.url,
      secret: row.secret,
      body: row.body,
      eventType: row.eventType,
      attempts: row.attempts,
    };
  }

  /** Logs an attempt and decides what follows (see the proto). */
  async recordAttempt(request: storage.RecordWebhookAttemptRequest): Promise<storage.RecordWebhookAttemptResponse> {
    if (!isUuid(request.deliveryId)) throw DomainError.notFound(`delivery ${request.deliveryId} not found`);
    const { maxAttempts, backoffMs, disableAfterFailures } = this.config.push.webhooks;
    const now = this.clock.now();
    return this.db.dataSource.transaction(async (manager) => {
      const [delivery] = (await manager.query(
        `SELECT d.state, d.attempts, d.endpoint_id AS "endpointId" FROM webhook_deliveries d WHERE d.id = $1 FOR UPDATE`,
        [request.deliveryId],
      )) as Array<{ state: string; attempts: number; endpointId: string }>;
      if (!delivery) throw DomainError.notFound(`delivery ${request.deliveryId} not found`);
      if (delivery.state !== 'pending' || request.attempt !== delivery.attempts + 1) {
        return { state: delivery.state, retryInMs: 0, endpointDisabled: false };
      }
      await manager.query(
        `INSERT INTO webhook_attempts (delivery_id, attempt, status_code, error, duration_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [request.deliveryId, request.attempt, request.statusCode, request.error.slice(0, MAX_ERROR), Math.max(0, request.durationMs), now],
      );
      if (request.ok) {
        await manager.query(`UPDATE webhook_deliveries SET state = 'delivered', attempts = $2, next_attempt_at = NULL, updated_at = $3 WHERE id = $1`, [
          request.deliveryId,
          request.attempt,
          now,
        ]);
        await manager.query(`UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = $1`, [delivery.endpointId]);
        return { state: 'delivered', retryInMs: 0, endpointDisabled: false };
      }
      const failure = request.statusCode ? `HTTP ${request.statusCode}` : request.error.slice(0, MAX_ERROR) || 'no answer';
      const [endpoint] = (await manager.query(
        `WITH w AS (
           UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1,
                  enabled = enabled AND consecutive_failures + 1 < $2,
                  disabled_reason = CASE WHEN enabled AND consecutive_failures + 1 >= $2
                                         THEN $3 || (consecutive_failures + 1) || ' consecutive failed attempts, the last: ' || $4
                                         ELSE disabled_reason END
            WHERE id = $1 RETURNING enabled)
         SELECT enabled FROM w`,
        [delivery.endpointId, disableAfterFailures, 'disabled after ', failure],
      )) as Array<{ enabled: boolean }>;
      const endpointDisabled = !endpoint?.enabled;
      const retry = !endpointDisabled && request.attempt < maxAttempts;
      const retryInMs = retry ? Math.min(backoffMs * 2 ** (request.attempt - 1), 2_147_000_000) : 0;
      await manager.query(
        `UPDATE webhook_deliveries SET state = $2, attempts = $3, next_attempt_at = $4, updated_at = $5 WHERE id = $1`,
        [request.deliveryId, retry ? 'pending' : 'failed', request.attempt, retry ? new Date(now.getTime() + retryInMs) : null, now],
      );
      return { state: retry ? 'pending' : 'failed', retryInMs, endpointDisabled };
    });
  }

  /** Pending deliveries of enabled endpoints whose attempt is overdue (their queued job was lost). */
  async listDue(limit: number): Promise<storage.DueWebhookDelivery[]> {
    const size = Math.min(Math.max(limit || 100, 1), 1000);
    const rows = (await this.db.dataSource.query(
      `SELECT d.id AS "deliveryId", d.attempts
         FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.enabled
        WHERE d.state = 'pending' AND d.next_attempt_at <= $1
        ORDER BY d.next_attempt_at
        LIMIT $2`,
      [new Date(this.clock.now().getTime() - SWEEP_GRACE_MS), size],
    )) as storage.DueWebhookDelivery[];
    return rows;
  }

  private async insertDelivery(
    manager: EntityManager,
    endpointId: string,
    userId: string,
    eventKey: string,
    eventType: string,
    data: object,
    now: Date,
  ): Promise<NewDelivery[]> {
    const id = randomUUID();
    // The delivery id is in the body too, so a receiver that logs bodies can deduplicate retries.
    const body = JSON.stringify({ id, type: eventType, createdAt: now.toISOString(), ...data });
    return (await manager.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, user_id, event_key, event_type, body, state, attempts, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7)
       ON CONFLICT (endpoint_id, event_key) DO NOTHING
       RETURNING id AS "deliveryId"`,
      [id, endpointId, userId, eventKey, eventType, body, now],
    )) as NewDelivery[];
  }

  private async deliveriesOf(userId: string, webhookId: string, limit: number, onlyId?: string): Promise<WebhookDeliveryRow[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT d.id, d.endpoint_id AS "webhookId", d.event_type AS "eventType", d.state, d.attempts,
              d.next_attempt_at AS "nextAttemptAt", d.created_at AS "createdAt"
         FROM webhook_deliveries d
        WHERE d.endpoint_id = $1 AND d.user_id = $2 AND ($4::uuid IS NULL OR d.id = $4)
        ORDER BY d.created_at DESC, d.id
        LIMIT $3`,
      [webhookId, userId, limit, onlyId ?? null],
    )) as Array<Omit<WebhookDeliveryRow, 'attemptLog'>>;
    if (rows.length === 0) return [];
    const attempts = (await this.db.dataSource.query(
      `SELECT t.delivery_id AS "deliveryId", t.attempt, t.status_code AS "statusCode", t.error, t.duration_ms AS "durationMs", t.created_at AS "createdAt"
         FROM webhook_attempts t WHERE t.delivery_id = ANY($1::uuid[]) ORDER BY t.attempt`,
      [rows.map((r) => r.id)],
    )) as WebhookAttemptRow[];
    return rows.map((r) => ({ ...r, attemptLog: attempts.filter((a) => a.deliveryId === r.id) }));
  }
}
