import DataLoader from 'dataloader';
import type { storage } from '@autoglm/contracts';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { shutdownDeadlines, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { QUEUE_FACTORY, QUEUE_NAMES, type AnalyzeJob, type QueueFactory } from '@autoglm/shared-queue';
import { AnalysisService } from '../analysis.service';
import { LlmArticleSummaries } from '../llm/llm-article-summaries';

/**
 * Storage round trips of the jobs running at once are batched: their reads and their writes each
 * go as one call (one transaction for the writes) when they fall within a few milliseconds of each
 * other, which they do because the model's batcher finishes them together. One call of each kind is
 * in flight at a time (saves take one lock in storage anyway, and embedded storage is one session):
 * the jobs that finish while a call runs go together in the next one, so a slow save makes the next
 * batch larger instead of queueing many small ones.
 */
const STORAGE_BATCH = { maxItems: 32, delayMs: 5 } as const;

/** DataLoader batch scheduling with one batch in flight: a batch is sent a few ms after it opened, and not before the previous one ended. */
export class OneBatchInFlight {
  private previous: Promise<void> = Promise.resolve();

  constructor(private readonly delayMs: number) {}

  readonly schedule = (dispatch: () => void): void => {
    const previous = this.previous;
    setTimeout(() => void previous.then(dispatch), this.delayMs);
  };

  /** Runs a batch; the next one is dispatched after it settles. */
  run<T>(batch: () => Promise<T>): Promise<T> {
    const running = batch();
    this.previous = running.then(
      () => undefined,
      () => undefined,
    );
    return running;
  }
}

/**
 * Consumes the `analyze` queue: loads the article from storage, analyses it and saves the result
 * keyed by (article, model version). Idempotent, so the at-least-once queue may run it twice.
 */
@Injectable()
export class AnalyzeJobConsumer implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(AnalyzeJobConsumer.name);
  private readonly reading = new OneBatchInFlight(STORAGE_BATCH.delayMs);
  private readonly saving = new OneBatchInFlight(STORAGE_BATCH.delayMs);
  private readonly inputs = new DataLoader<string, storage.AnalysisInput | undefined>(
    (ids) =>
      this.reading.run(async () => {
        const { inputs } = await this.storage.getAnalysisInputs({ articleIds: [...ids] });
        const byId = new Map(inputs.map((input) => [input.articleId, input]));
        return ids.map((id) => byId.get(id.toLowerCase()));
      }),
    batchOptions<string>(this.reading),
  );
  private readonly saves = new DataLoader<storage.SaveAnalysisRequest, boolean>(
    (analyses) =>
      this.saving.run(async () => {
        const { missingArticleIds } = await this.storage.saveAnalyses({ analyses: [...analyses] });
        const missing = new Set(missingArticleIds);
        return analyses.map((analysis) => !missing.has(analysis.articleId.toLowerCase()));
      }),
    batchOptions<storage.SaveAnalysisRequest>(this.saving),
  );

  constructor(
    private readonly analysis: AnalysisService,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(QUEUE_FACTORY) private readonly queues: QueueFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly llmSummaries?: LlmArticleSummaries,
  ) {}

  onApplicationBootstrap(): void {
    this.queues
      .get<AnalyzeJob>(QUEUE_NAMES.analyze)
      .process((job) => this.handle(job), { concurrency: this.config.analysis.concurrency });
  }

  async handle(job: AnalyzeJob): Promise<void> {
    const article = await this.inputs.load(job.articleId);
    if (!article) {
      this.logger.log(`article ${job.articleId} no longer exists; nothing to analyse`);
      return;
    }
    if (article.title.trim() === '' && article.text.trim() === '') {
      this.logger.warn(`article ${job.articleId} has neither title nor text; skipped`);
      return;
    }
    // Ingestion is bulk work: interactive Embed/Analyze calls go first in the batcher.
    const result = await this.analysis.analyze(article.title, article.text, { priority: 'bulk' });
    const saved = await this.saves.load({
      articleId: job.articleId,
      modelVersion: result.modelVersion,
      language: result.language,
      keywords: result.keywords,
      topic: result.topic,
      summary: result.summary,
      embedding: Array.from(result.embedding.vector),
      simhash: result.simhash,
    });
    if (!saved) {
      this.logger.log(`article ${job.articleId} was deleted while it was analysed; nothing saved`);
      return;
    }
    // After the extractive summary is saved (the article is complete without it): the optional LLM one.
    await this.llmSummaries?.summarize(article);
  }

  /**
   * Takes no new job and lets the running analyses finish until `deadline` (epoch ms). Jobs not
   * started stay queued: in Redis for the next worker, in process for storage to hand back.
   */
  async stopConsuming(deadline: number): Promise<void> {
    const givenUp = await this.queues.get<AnalyzeJob>(QUEUE_NAMES.analyze).stopConsuming(deadline);
    if (givenUp.length > 0) this.logger.warn(`gave up on ${givenUp.length} analysis job(s) still running at the drain deadline: ${givenUp.join(', ')}`);
  }

  /** The service's shutdown normally stopped consuming already (with its deadline); this covers a bare app.close(). */
  async onModuleDestroy(): Promise<void> {
    await this.stopConsuming(shutdownDeadlines(this.config.shutdown, Date.now()).drainBy);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}

/** No caching (every job reads fresh and writes once); a batch waits a few ms for the jobs finishing with it, and for the previous batch. */
function batchOptions<K>(inFlight: OneBatchInFlight): DataLoader.Options<K, never, K> {
  return { cache: false, maxBatchSize: STORAGE_BATCH.maxItems, batchScheduleFn: inFlight.schedule };
}
