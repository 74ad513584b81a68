import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { EMBEDDING_MODEL } from './analysis.tokens';
import { DynamicBatcher } from './batching/dynamic-batcher';
import type { EmbeddingModel } from './model/embedding-model';
import type { TokenizedText } from './model/word-tokenizer';

/** One text's embedding; `vector` is empty when the model knew none of its words. */
export interface TextEmbedding {
  vector: Float32Array;
  knownTokens: number;
  truncated: boolean;
}

/** Waiting texts beyond this are refused with RESOURCE_EXHAUSTED rather than queued without bound. */
export const MAX_WAITING_TEXTS = 20_000;

/** Embeds texts with the model; every text goes through the dynamic batcher. */
@Injectable()
export class EmbeddingService implements OnModuleDestroy {
  readonly batcher: DynamicBatcher<TokenizedText, Float32Array>;

  constructor(
    @Inject(EMBEDDING_MODEL) readonly model: EmbeddingModel,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.batcher = new DynamicBatcher((inputs) => model.run(inputs), {
      maxBatchSize: config.analysis.maxBatchSize,
      maxQueueDelayMs: config.analysis.maxQueueDelayMs,
      // Two in flight: one batch is computed while the next one is prepared and transferred.
      maxConcurrentBatches: 2,
      maxQueueSize: MAX_WAITING_TEXTS,
    });
  }

  async embed(texts: readonly string[]): Promise<TextEmbedding[]> {
    return Promise.all(texts.map((t) => this.embedOne(t)));
  }

  async embedOne(text: string): Promise<TextEmbedding> {
    const tokens = this.model.tokenizer.tokenize(text);
    if (tokens.knownTokens === 0) return { vector: new Float32Array(0), knownTokens: 0, truncated: tokens.truncated };
    try {
      const vector = await this.batcher.submit(tokens);
      return { vector, knownTokens: tokens.knownTokens, truncated: tokens.truncated };
    } catch (error) {
      if (isDomainError(error)) throw error;
      throw new DomainError(ErrorCode.Internal, `the embedding model failed: ${(error as Error).message}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.batcher.close();
    await this.model.release();
  }
}
