import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { shutdownDeadlines, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { QUEUE_FACTORY, QUEUE_NAMES, type AnalyzeJob, type QueueFactory } from '@autoglm/shared-queue';
import { AnalysisService } from '../analysis.service';
import { LlmArticleSummaries } from '../llm/llm-article-summaries';

/**
 * Consumes the `analyze` queue: loads the article from storage, analyses it and saves the result
 * keyed by (article, model version). Idempotent, so the at-least-once queue may run it twice.
 */
@Injectable()
export class AnalyzeJobConsumer implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(AnalyzeJobConsumer.name);

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
    let article;
    try {
      ({ article } = await this.storage.getArticle({ id: job.articleId }));
    } catch (error) {
      if (isDomainError(error) && error.code === ErrorCode.NotFound) {
        this.logger.log(`article ${job.articleId} no longer exists; nothing to analyse`);
        return;
      }
      throw error;
    }
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
    await this.storage.saveAnalysis({
      articleId: job.articleId,
      modelVersion: result.modelVersion,
      language: result.language,
      keywords: result.keywords,
      topic: result.topic,
      summary: result.summary,
      embedding: Array.from(result.embedding.vector),
      simhash: result.simhash,
    });
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
