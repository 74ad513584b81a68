import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { shutdownDeadlines } from '@autoglm/shared-grpc';
import { QUEUE_FACTORY, QUEUE_NAMES, type CrawlJob, type JobQueue, type QueueFactory } from '@autoglm/shared-queue';
import { CrawlRunner, isMissingSource } from './crawl-runner.service';

/** Consumes the `crawl` queue: one crawl per job, with the configured concurrency. */
@Injectable()
export class CrawlQueueConsumer implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(CrawlQueueConsumer.name);
  private queue: JobQueue<CrawlJob> | undefined;

  constructor(
    @Inject(QUEUE_FACTORY) private readonly queues: QueueFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: CrawlRunner,
  ) {}

  onModuleInit(): void {
    this.queue = this.queues.get<CrawlJob>(QUEUE_NAMES.crawl);
    this.queue.process((job) => this.handle(job), { concurrency: this.config.crawler.concurrency });
  }

  /** Runs one job. Throwing makes the queue retry it, which only storage failures should do. */
  async handle(job: CrawlJob): Promise<void> {
    try {
      await this.runner.crawl(job.sourceId);
    } catch (error) {
      if (isMissingSource(error)) {
        // The source was deleted after the job was queued: nothing to do, and retrying cannot help.
        this.logger.log(`dropping crawl of source ${job.sourceId}: it no longer exists`);
        return;
      }
      throw error;
    }
  }

  /**
   * Takes no new crawl and lets the running ones finish until `deadline` (epoch ms). Jobs not
   * started stay queued: in Redis for the next crawler, in process for storage to hand back.
   */
  async stopConsuming(deadline: number): Promise<void> {
    const givenUp = (await this.queue?.stopConsuming(deadline)) ?? [];
    if (givenUp.length > 0) this.logger.warn(`gave up on ${givenUp.length} crawl(s) still running at the drain deadline: ${givenUp.join(', ')}`);
  }

  /** The service's shutdown normally stopped consuming already (with its deadline); this covers a bare app.close(). */
  async onModuleDestroy(): Promise<void> {
    await this.stopConsuming(shutdownDeadlines(this.config.shutdown, Date.now()).drainBy);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}
