import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { articleEmbeddingText } from '../analysis.service';
import { ANALYSIS_CLOCK, type AnalysisClock } from '../analysis.tokens';
import { EmbeddingService } from '../embedding.service';
import { RatePacer, timerSleep, type Sleep } from './rate-pacer';

export type ReembedState = 'disabled' | 'idle' | 'running' | 'done' | 'failed';

export interface ReembedProgress {
  /** The default model's version: stored articles are re-embedded with it. */
  modelVersion: string;
  state: ReembedState;
  /** Articles given a vector of modelVersion by this process. */
  done: number;
  /** What storage reported last, less what was done since. */
  remaining: number;
  /** Articles whose text gave no vector with this model (marked done without one). */
  skipped: number;
  /** The last failure (while retrying, or the one that stopped the pass). */
  error: string;
}

/** Failures worth waiting out: storage starting or busy, a full inference queue. */
const RETRYABLE = new Set<ErrorCode>([ErrorCode.Unavailable, ErrorCode.ResourceExhausted, ErrorCode.DeadlineExceeded]);
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/**
 * After a switch of the default embedding model, gives every stored article a vector of the new
 * model version: pages (keyset on id) through the articles storage lists as not yet done for the
 * version, embeds them in the batcher's bulk lane at a bounded rate (live ingestion keeps its share),
 * and saves them with SaveEmbeddings. Restart-safe without state of its own: what storage lists is
 * what is left. Vectors of other versions stay (search and similar use the version they are asked
 * for, so they keep answering while the pass runs).
 */
@Injectable()
export class ReembedWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReembedWorker.name);
  private readonly stop = new AbortController();
  private readonly state: ReembedProgress;
  private pass: Promise<void> | undefined;
  private readonly sleep: Sleep = timerSleep;

  constructor(
    private readonly embeddings: EmbeddingService,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ANALYSIS_CLOCK) private readonly clock: AnalysisClock,
  ) {
    this.state = {
      modelVersion: embeddings.model.version,
      state: config.analysis.reembed.enabled ? 'idle' : 'disabled',
      done: 0,
      remaining: 0,
      skipped: 0,
      error: '',
    };
  }

  onApplicationBootstrap(): void {
    if (this.config.analysis.reembed.enabled) void this.run();
  }

  progress(): ReembedProgress {
    return { ...this.state };
  }

  /** Runs one pass over what storage lists (at most one pass at a time); resolves when it ends. */
  run(): Promise<void> {
    this.pass ??= this.runPass().finally(() => (this.pass = undefined));
    return this.pass;
  }

  async onModuleDestroy(): Promise<void> {
    this.stop.abort();
    await this.pass;
  }

  private async runPass(): Promise<void> {
    const { pageSize, maxTextsPerSecond } = this.config.analysis.reembed;
    const version = this.state.modelVersion;
    const pacer = new RatePacer(maxTextsPerSecond, () => this.clock.now(), this.sleep);
    const signal = this.stop.signal;
    this.state.state = 'running';
    this.state.error = '';
    let afterId = '';
    let retryMs = FIRST_RETRY_MS;
    while (!signal.aborted) {
      try {
        const page = await this.storage.listArticlesWithoutEmbedding({ modelVersion: version, afterId, limit: pageSize });
        this.state.remaining = Number(page.remaining) || 0;
        if (page.articles.length === 0) break;
        if (afterId === '' && this.state.done === 0) this.logger.log(`re-embedding ${this.state.remaining} stored articles with ${version}`);
        const vectors = await Promise.all(
          page.articles.map(async (article) => {
            await pacer.take(signal);
            const text = articleEmbeddingText(article.title, article.text);
            const embedding = text ? await this.embeddings.embedOne(text, { priority: 'bulk', signal }) : undefined;
            return { articleId: article.id, vector: embedding ? Array.from(embedding.vector) : [] };
          }),
        );
        if (signal.aborted) break;
        const { saved } = await this.storage.saveEmbeddings({ modelVersion: version, embeddings: vectors });
        this.state.done += saved;
        this.state.skipped += vectors.filter((v) => v.vector.length === 0).length;
        this.state.remaining = Math.max(0, this.state.remaining - page.articles.length);
        afterId = (page.articles[page.articles.length - 1] as { id: string }).id;
        retryMs = FIRST_RETRY_MS;
        this.state.error = '';
      } catch (error) {
        if (signal.aborted) break;
        const message = isDomainError(error) ? error.message : String((error as Error)?.message ?? error);
        this.state.error = message;
        if (!isDomainError(error) || !RETRYABLE.has(error.code)) {
          this.state.state = 'failed';
          this.logger.error(`re-embedding with ${version} stopped: ${message}`);
          return;
        }
        // The same page again after a pause: nothing was saved for it, or saving it twice is harmless.
        await this.sleep(retryMs, signal);
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
      }
    }
    if (signal.aborted) {
      this.state.state = 'idle';
      return;
    }
    this.state.state = 'done';
    if (this.state.done + this.state.skipped > 0) {
      this.logger.log(`re-embedding with ${version} done: ${this.state.done} articles, ${this.state.skipped} without a vector`);
    }
  }
}
