import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { EMBEDDING_MODEL } from './analysis.tokens';
import { DynamicBatcher, type SubmitOptions } from './batching/dynamic-batcher';
import type { EmbeddingModel, EmbeddingRole } from './model/embedding-model';
import { batchTokenBudget } from './model/model-manifest';
import type { TokenizedText } from './model/word-tokenizer';

/** One text's embedding; `vector` is empty when the model knew none of its words. */
export interface TextEmbedding {
  vector: Float32Array;
  knownTokens: number;
  truncated: boolean;
}

/** Priority lane, deadline and cancellation of one caller's texts, and whether they are queries or documents. */
export type InferenceOptions = SubmitOptions & { role?: EmbeddingRole };

/** Embeds texts with the model; every text goes through the dynamic batcher. */
@Injectable()
export class EmbeddingService implements OnApplicationShutdown {
  readonly batcher: DynamicBatcher<TokenizedText, Float32Array>;

  constructor(
    @Inject(EMBEDDING_MODEL) readonly model: EmbeddingModel,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { maxBatchSize, maxQueueDelayMs, bulkQueueDelayMs, preferredBatchSizes, maxBatchTokens, maxQueueSize } = config.analysis;
    this.batcher = new DynamicBatcher((inputs) => model.run(inputs), {
      maxBatchSize,
      maxQueueDelayMs,
      bulkQueueDelayMs,
      preferredBatchSizes: preferredBatchSizes.filter((size) => size <= maxBatchSize),
      maxBatchTokens: batchTokenBudget(model.manifest, maxBatchTokens),
      lengthOf: (t) => t.ids.length,
      // One batch per session of the pool: each free session takes the next batch.
      maxConcurrentBatches: model.sessionPoolSize,
      // Waiting texts beyond this are refused with RESOURCE_EXHAUSTED rather than queued without bound.
      maxQueueSize,
    });
  }

  async embed(texts: readonly string[], options: InferenceOptions = {}): Promise<TextEmbedding[]> {
    return Promise.all(texts.map((t) => this.embedOne(t, options)));
  }

  async embedOne(text: string, options: InferenceOptions = {}): Promise<TextEmbedding> {
    const tokens = this.model.tokenize(text, options.role);
    if (tokens.knownTokens === 0) return { vector: new Float32Array(0), knownTokens: 0, truncated: tokens.truncated };
    try {
      const vector = await this.batcher.submit(tokens, options);
      return { vector, knownTokens: tokens.knownTokens, truncated: tokens.truncated };
    } catch (error) {
      if (isDomainError(error)) throw error;
      if (options.signal?.aborted) throw DomainError.unavailable('the request was cancelled');
      throw new DomainError(ErrorCode.Internal, `the embedding model failed: ${(error as Error).message}`);
    }
  }

  /** After the analyze jobs drained (onModuleDestroy), so no running analysis loses its model. */
  async onApplicationShutdown(): Promise<void> {
    this.batcher.close();
    await this.model.release();
  }
}
