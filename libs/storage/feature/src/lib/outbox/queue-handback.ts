import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { QUEUE_FACTORY, QUEUE_NAMES, type AnalyzeJob, type CrawlJob, type QueueFactory } from '@autoglm/shared-queue';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { SourcesService } from '../sources/sources.service';
import { outboxIdOfJob } from './outbox-relay';

/**
 * On shutdown, records in PostgreSQL the queue jobs this process holds but will not run, so the
 * next start re-derives them: an analyze job's outbox row is unpublished again (the relay
 * republishes it) and a crawl job's source is due again (instead of after its claim's lease).
 * Only the in-process queue of embedded mode holds such jobs (BullMQ's stay in Redis). Storage
 * stops last in a process, after the consumers drained, and before its database closes
 * (beforeApplicationShutdown runs after every onModuleDestroy — the relay's last run — and
 * before StorageResources' onApplicationShutdown).
 */
@Injectable()
export class QueueHandback implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueHandback.name);

  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(QUEUE_FACTORY) private readonly queues: QueueFactory,
    private readonly sources: SourcesService,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    const analyses = await this.queues.get<AnalyzeJob>(QUEUE_NAMES.analyze).takeUnfinished();
    const crawls = await this.queues.get<CrawlJob>(QUEUE_NAMES.crawl).takeUnfinished();
    if (analyses.length === 0 && crawls.length === 0) return;
    const outboxIds = analyses.map((job) => outboxIdOfJob(job.id)).filter((id): id is string => id !== undefined);
    if (outboxIds.length > 0) {
      await this.db.dataSource.query(`UPDATE outbox SET published_at = NULL WHERE id = ANY($1::bigint[])`, [outboxIds]);
    }
    const released = await this.sources.releaseClaims(crawls.map((job) => job.data.sourceId));
    this.logger.log(
      `handed back to the database: ${outboxIds.length} analysis job(s) (outbox rows to publish again), ` +
        `${crawls.length} crawl job(s) (${released} source(s) due again)`,
    );
  }
}
