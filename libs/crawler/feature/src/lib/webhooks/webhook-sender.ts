import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { shutdownDeadlines, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { QUEUE_FACTORY, QUEUE_NAMES, type JobQueue, type QueueFactory, type WebhookJob } from '@autoglm/shared-queue';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { WEBHOOK_HEADERS, webhookSignature } from './webhook-signature';

/** How often deliveries whose queued attempt was lost (a restart, a lost Redis) are looked for. */
export const WEBHOOK_SWEEP_MS = 60_000;
const SWEEP_BATCH = 200;
const CONCURRENCY = 4;

/** The job id of an attempt (the same as storage's): a second copy of one attempt is dropped by the queue. */
export function webhookAttemptJobId(deliveryId: string, attempt: number): string {
  return `webhook:${deliveryId}:${attempt}`;
}

/**
 * Sends webhook deliveries: one `webhook` job is one attempt. The body is POSTed as stored, signed
 * (see webhookSignature), through the guarded fetcher that feeds use (private and loopback targets
 * only when crawler.allowHosts allows them); storage logs the outcome and says whether and when to
 * retry, and the retry is queued with that delay. Secrets are never logged.
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookSender.name);
  private readonly queue: JobQueue<WebhookJob>;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(QUEUE_FACTORY) queues: QueueFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    private readonly fetcher: GuardedFetcher,
  ) {
    this.queue = queues.get<WebhookJob>(QUEUE_NAMES.webhook);
  }

  onApplicationBootstrap(): void {
    this.queue.process((job) => this.attempt(job), { concurrency: CONCURRENCY });
    this.sweepTimer = setInterval(() => void this.sweep(), WEBHOOK_SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** One attempt. Throws only when storage cannot be reached (the queue then retries the job itself). */
  async attempt(job: WebhookJob): Promise<void> {
    const delivery = await this.storage.getWebhookDelivery({ deliveryId: job.deliveryId });
    if (!delivery.deliverable || delivery.attempts !== job.attempt - 1) return;
    const timestamp = Math.floor(Date.now() / 1000);
    const started = Date.now();
    let statusCode = 0;
    let error = '';
    try {
      const response = await this.fetcher.post(delivery.url, {
        body: delivery.body,
        contentType: 'application/json',
        timeoutMs: this.config.push.webhooks.timeoutMs,
        headers: {
          [WEBHOOK_HEADERS.delivery]: job.deliveryId,
          [WEBHOOK_HEADERS.event]: delivery.eventType,
          [WEBHOOK_HEADERS.attempt]: String(job.attempt),
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: webhookSignature(delivery.secret, timestamp, delivery.body),
        },
      });
      statusCode = response.status;
    } catch (failure) {
      error = (failure as Error).message;
    }
    const ok = statusCode >= 200 && statusCode < 300;
    const outcome = await this.storage.recordWebhookAttempt({
      deliveryId: job.deliveryId,
      attempt: job.attempt,
      ok,
      statusCode,
      error,
      durationMs: Date.now() - started,
    });
    if (!ok) this.logger.warn(`webhook delivery ${job.deliveryId} attempt ${job.attempt} failed (${statusCode ? `HTTP ${statusCode}` : error}): ${outcome.state}`);
    if (outcome.endpointDisabled) this.logger.warn(`the endpoint of webhook delivery ${job.deliveryId} was disabled after repeated failures`);
    if (outcome.state === 'pending') {
      const next = job.attempt + 1;
      await this.queue.add({ deliveryId: job.deliveryId, attempt: next }, { jobId: webhookAttemptJobId(job.deliveryId, next), delayMs: outcome.retryInMs });
    }
  }

  /** Re-queues overdue attempts that no queued job holds any more. */
  async sweep(): Promise<void> {
    try {
      const { deliveries } = await this.storage.listDueWebhookDeliveries({ limit: SWEEP_BATCH });
      for (const d of deliveries) {
        const attempt = d.attempts + 1;
        await this.queue.add({ deliveryId: d.deliveryId, attempt }, { jobId: webhookAttemptJobId(d.deliveryId, attempt) });
      }
    } catch (error) {
      this.logger.warn(`webhook sweep failed: ${(error as Error).message}`);
    }
  }

  async stopConsuming(deadline: number): Promise<void> {
    clearInterval(this.sweepTimer);
    const givenUp = await this.queue.stopConsuming(deadline);
    if (givenUp.length > 0) this.logger.warn(`gave up on ${givenUp.length} webhook attempt(s) still running at the drain deadline`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopConsuming(shutdownDeadlines(this.config.shutdown, Date.now()).drainBy);
  }
}
