import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { PeriodicRound } from './periodic-round';
import { crawlJobId, QUEUE_FACTORY, QUEUE_NAMES, type CrawlJob, type JobQueue, type QueueFactory } from '@autoglm/shared-queue';

/** How long a claimed source stays invisible to other scheduler replicas while its crawl runs. */
export const CLAIM_LEASE_SECONDS = 600;

/** The span of each scheduler tick (the root of the trace its crawl jobs continue). */
export const CRAWL_SCHEDULING_ROUND = 'crawl scheduling round';

/**
 * The scheduler tick: claims due sources from storage (FOR UPDATE SKIP LOCKED, so replicas never
 * claim the same source twice) and enqueues one crawl job per source with a deterministic id.
 */
@Injectable()
export class CrawlScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CrawlScheduler.name);
  private readonly queue: JobQueue<CrawlJob>;
  private readonly rounds = new PeriodicRound(
    CRAWL_SCHEDULING_ROUND,
    () => this.claimAndEnqueue(),
    (error) => this.logger.warn(`scheduler tick failed: ${error.message}`),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(QUEUE_FACTORY) queues: QueueFactory,
  ) {
    this.queue = queues.get<CrawlJob>(QUEUE_NAMES.crawl);
  }

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    this.rounds.start(this.config.scheduler.tickMs, { now: true });
  }

  /** Waits for a round in progress: its claims are enqueued (or recorded) before the service goes on stopping. */
  async onModuleDestroy(): Promise<void> {
    await this.rounds.stop();
  }

  /** One scheduling round; returns how many crawl jobs were enqueued. Never runs twice at once. */
  tick(): Promise<number> {
    return this.rounds.run();
  }

  private async claimAndEnqueue(): Promise<number> {
    const { sources } = await this.storage.claimDueSources({
      limit: this.config.scheduler.batchSize,
      leaseSeconds: CLAIM_LEASE_SECONDS,
      sourceId: '',
    });
    for (const source of sources) await this.enqueue(source.id);
    return sources.length;
  }

  async enqueue(sourceId: string): Promise<string> {
    const jobId = crawlJobId(sourceId);
    await this.queue.add({ sourceId }, { jobId });
    return jobId;
  }
}
