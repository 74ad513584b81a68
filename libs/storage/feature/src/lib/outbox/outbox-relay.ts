import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { QUEUE_FACTORY, QUEUE_NAMES, SerialRuns, type AnalyzeJob, type JobQueue, type QueueFactory } from '@autoglm/shared-queue';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';

/** The outbox topic of "this article needs (re-)analysis". */
export const ANALYZE_TOPIC = 'article.analyze';

/** How often the relay looks for unpublished rows without being kicked. */
export const OUTBOX_POLL_MS = 1000;
const BATCH = 200;

interface OutboxRow {
  id: string;
  articleId: string;
}

/** The job id of one outbox row: the queue drops a second copy of the same row. */
export function analyzeJobId(articleId: string, outboxId: string): string {
  return `analyze:${articleId}:${outboxId}`;
}

/** The outbox row an analyze job was published from (the inverse of analyzeJobId); undefined for another id. */
export function outboxIdOfJob(jobId: string): string | undefined {
  return /^analyze:[^:]+:(\d+)$/.exec(jobId)?.[1];
}

/**
 * Publishes outbox rows to the analyze queue (enqueue first, then mark published: at-least-once).
 * Runs at start-up (work never published is re-derived), after every upsert and on a timer.
 * One run at a time per process; a kick during a run schedules one more run.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queue: JobQueue<AnalyzeJob>;
  private readonly runs = new SerialRuns(() => this.publishAll());

  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(QUEUE_FACTORY) queues: QueueFactory,
  ) {
    this.queue = queues.get<AnalyzeJob>(QUEUE_NAMES.analyze);
  }

  onApplicationBootstrap(): void {
    this.runs.start(OUTBOX_POLL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.runs.stop();
  }

  /** Starts a relay run (or queues one after the current run); resolves when the work is published. */
  kick(): Promise<void> {
    return this.runs.request();
  }

  private async publishAll(): Promise<void> {
    try {
      while (!this.runs.isStopped && (await this.publishBatch()) === BATCH);
    } catch (error) {
      // Rows stay unpublished; the next tick retries.
      this.logger.warn(`outbox relay: ${(error as Error).message}`);
    }
  }

  private async publishBatch(): Promise<number> {
    const rows = (await this.db.dataSource.query(
      `SELECT id::text AS id, article_id AS "articleId" FROM outbox
        WHERE published_at IS NULL AND topic = $1 ORDER BY id LIMIT $2`,
      [ANALYZE_TOPIC, BATCH],
    )) as OutboxRow[];
    if (rows.length === 0) return 0;
    // One round trip to Redis for the batch (the rows stay unpublished, to be sent again, if it fails).
    await this.queue.addMany(rows.map((row) => ({ data: { articleId: row.articleId }, options: { jobId: analyzeJobId(row.articleId, row.id) } })));
    await this.db.dataSource.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
    return rows.length;
  }
}
