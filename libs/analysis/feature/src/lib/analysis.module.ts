import { Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { grpcClientProviders, startGrpcService, type RunningService } from '@autoglm/shared-grpc';
import { QueueModule } from '@autoglm/shared-queue';
import { AnalysisController } from './analysis.controller';
import { AnalysisService } from './analysis.service';
import {
  ANALYSIS_CLOCK,
  CHINESE_SEGMENTER,
  EMBEDDING_MODEL,
  EXECUTION_PROVIDER_REGISTRY,
  HUB_CLIENT_FACTORY,
  LANGUAGE_DETECTOR,
  LLM_CLIENT,
  LLM_TOKEN_BUDGET,
  TOPIC_CLASSIFIER,
} from './analysis.tokens';
import { EmbeddingCatalog } from './embedding-catalog.service';
import { EmbeddingService } from './embedding.service';
import { HubClient } from './hub/hub-client';
import { ModelPullJobs } from './hub/model-pull-jobs.service';
import { modelLoadOptions } from './model-load-options';
import { ReembedWorker } from './reembed/reembed-worker';
import { LanguageDetector } from './language/language-detector';
import { loadEmbeddingModel } from './model/model-loader';
import { LlmClient } from './llm/llm-client';
import { LlmArticleSummaries } from './llm/llm-article-summaries';
import { LlmBudgetRedis } from './llm/llm-budget-redis';
import type { LlmTokenBudget } from './llm/llm-token-budget';
import { AnalyzeJobConsumer } from './pipeline/analyze-job.consumer';
import { SummaryService } from './summary/summary.service';
import { BUILTIN_EXECUTION_PROVIDERS } from './providers/builtin-execution-providers';
import { ExecutionProviderRegistry } from './providers/execution-provider.registry';
import { ChineseSegmenter } from './text/chinese-segmenter';
import { createTopicClassifier } from './topics/topic-classifier.factory';

@Module({})
export class AnalysisModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AnalysisModule,
      imports: [QueueModule.forRoot(config.redis.url)],
      controllers: [AnalysisController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        ...grpcClientProviders('storage'),
        { provide: EXECUTION_PROVIDER_REGISTRY, useFactory: () => new ExecutionProviderRegistry(BUILTIN_EXECUTION_PROVIDERS) },
        {
          provide: EMBEDDING_MODEL,
          inject: [EXECUTION_PROVIDER_REGISTRY],
          useFactory: (registry: ExecutionProviderRegistry) => loadEmbeddingModel(config.analysis.modelDir, { registry, ...modelLoadOptions(config) }),
        },
        { provide: LANGUAGE_DETECTOR, useFactory: () => LanguageDetector.create() },
        { provide: CHINESE_SEGMENTER, useFactory: () => new ChineseSegmenter() },
        {
          provide: TOPIC_CLASSIFIER,
          inject: [EmbeddingCatalog],
          // The trained classifier (topics/data/topic-classifier.json) over the prototypes; both read
          // word vectors: the word model, whichever model is the default.
          useFactory: async (catalog: EmbeddingCatalog) => createTopicClassifier(await catalog.wordModel()),
        },
        EmbeddingService,
        EmbeddingCatalog,
        AnalysisService,
        LlmBudgetRedis,
        { provide: LLM_TOKEN_BUDGET, inject: [LlmBudgetRedis], useFactory: (redis: LlmBudgetRedis) => redis.budget() },
        {
          provide: LLM_CLIENT,
          inject: [LLM_TOKEN_BUDGET],
          // Off unless LLM_BASE_URL is set (config.llm, validated in libs/shared/config).
          useFactory: (budget: LlmTokenBudget | null) => (budget ? new LlmClient(config.llm, budget) : null),
        },
        SummaryService,
        LlmArticleSummaries,
        AnalyzeJobConsumer,
        { provide: ANALYSIS_CLOCK, useValue: { now: () => Date.now() } },
        { provide: HUB_CLIENT_FACTORY, useValue: (endpoint: string) => new HubClient({ endpoint }) },
        ModelPullJobs,
        ReembedWorker,
      ],
    };
  }
}

/** Starts the analysis gRPC service (models loaded and verified first) and its `analyze` queue consumer (drained on close). */
export async function startAnalysisService(config: AppConfig): Promise<RunningService> {
  const drain = (app: INestMicroservice, drainBy: number) => app.get(AnalyzeJobConsumer).stopConsuming(drainBy);
  return (await startGrpcService('analysis', AnalysisModule.forRoot(config), config, drain)).running;
}
