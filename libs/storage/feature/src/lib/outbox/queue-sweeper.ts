import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import {
  crawlJobId,
  QUEUE_FACTORY,
  QUEUE_NAMES,
  SerialRuns,
  type AnalyzeJob,
  type CrawlJob,
  type EnsureOutcome,
  type JobQueue,
  type QueueFactory,
} from '@autoglm/shared-queue';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { ANALYZE_TOPIC, analyzeJobId } from './outbox-relay';

/** Rows looked at per statement: a sweep of a large backlog goes page by page. */
const SWEEP_PAGE = 500;

/** What one sweep found pending in PostgreSQL and what it had to recreate in the queue. */
export interface SweepResult {
  analyses: { pending: number } & EnsureOutcome;
  crawls: { pending: number } & EnsureOutcome;
}

/**
 * Redis may lose jobs, never facts: this recreates the queue work PostgreSQL shows as pending, at
 * start-up and every queue.sweepIntervalMs. Each job has the id its producer gives it, so a sweep
 * while the jobs exist adds nothing (JobQueue.ensure), and one that failed for good is retried.
 * - analyses: outbox rows already published whose article has no analysis saved since the row
 *   was written (rows not yet published are the relay's);
 * - crawls: sources claimed by the scheduler whose check has not reported back (claimed_at).
 * Full-text pages need nothing: the crawler claims them from PostgreSQL in rounds on a timer.
 */
@Injectable()
export class QueueSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(QueueSweeper.name);
  private readonly analyze: JobQueue<AnalyzeJob>;
  private readonly crawl: JobQueue<CrawlJob>;
  private readonly runs = new SerialRuns(() => this.sweepOnce());

  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(QUEUE_FACTORY) queues: QueueFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.analyze = queues.get<AnalyzeJob>(QUEUE_NAMES.analyze);
    this.crawl = queues.get<CrawlJob>(QUEUE_NAMES.crawl);
  }

  onApplicationBootstrap(): void {
    this.runs.start(this.config.queue.sweepIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.runs.stop();
  }

  private async sweepOnce(): Promise<void> {
    try {
      const { analyses, crawls }: SweepResult = { analyses: await this.sweepAnalyses(), crawls: await this.sweepCrawls() };
      if (analyses.added + analyses.retried + crawls.added + crawls.retried > 0) {
        this.logger.warn(
          `recreated lost queue work from the database: ${analyses.added} analysis job(s) added, ${analyses.retried} retried ` +
            `(of ${analyses.pending} pending); ${crawls.added} crawl job(s) added, ${crawls.retried} retried (of ${crawls.pending} claimed)`,
        );
      }
    } catch (error) {
      // PostgreSQL or Redis is unreachable: the next sweep tries again.
      this.logger.warn(`queue sweep: ${(error as Error).message}`);
    }
  }

  private async sweepAnalyses(): Promise<{ pending: number } & EnsureOutcome> {
    const total = { pending: 0, added: 0, retried: 0 };
    let after = '0';
    while (!this.runs.isStopped) {
      const rows = (await this.db.dataSource.query(
        `SELECT o.id::text AS id, o.article_id AS "articleId" FROM outbox o
          WHERE o.topic = $1 AND o.published_at IS NOT NULL AND o.id > $2::bigint
            AND NOT EXISTS (SELECT 1 FROM article_analyses a WHERE a.article_id = o.article_id AND a.created_at >= o.created_at)
          ORDER BY o.id LIMIT $3`,
        [ANALYZE_TOPIC, after, SWEEP_PAGE],
      )) as Array<{ id: string; articleId: string }>;
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const outcome = await this.analyze.ensure(rows.map((row) => ({ id: analyzeJobId(row.articleId, row.id), data: { articleId: row.articleId } })));
      add(total, rows.length, outcome);
      if (rows.length < SWEEP_PAGE) break;
    }
    return total;
  }

  private async sweepCrawls(): Promise<{ pending: number } & EnsureOutcome> {
    const rows = (await this.db.dataSource.query(`SELECT id FROM sources WHERE claimed_at IS NOT NULL ORDER BY id`)) as Array<{ id: string }>;
    const total = { pending: 0, added: 0, retried: 0 };
    if (rows.length > 0) add(total, rows.length, await this.crawl.ensure(rows.map(({ id }) => ({ id: crawlJobId(id), data: { sourceId: id } }))));
    return total;
  }
}

function add(total: { pending: number } & EnsureOutcome, pending: number, outcome: EnsureOutcome): void {
  total.pending += pending;
  total.added += outcome.added;
  total.retried += outcome.retried;
}
