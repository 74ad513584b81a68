import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { grpcClientProviders, startGrpcService, type RunningService } from '@autoglm/shared-grpc';
import { QueueModule } from '@autoglm/shared-queue';
import { AnalysisController } from './analysis.controller';
import { AnalysisService } from './analysis.service';
import { CHINESE_SEGMENTER, EMBEDDING_MODEL, EXECUTION_PROVIDER_REGISTRY, LANGUAGE_DETECTOR, TOPIC_CLASSIFIER } from './analysis.tokens';
import { EmbeddingService } from './embedding.service';
import { LanguageDetector } from './language/language-detector';
import { loadEmbeddingModel } from './model/model-loader';
import { AnalyzeJobConsumer } from './pipeline/analyze-job.consumer';
import { BUILTIN_EXECUTION_PROVIDERS } from './providers/builtin-execution-providers';
import { ExecutionProviderRegistry } from './providers/execution-provider.registry';
import { ChineseSegmenter } from './text/chinese-segmenter';
import { TopicClassifier } from './topics/topic-classifier';

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
          useFactory: (registry: ExecutionProviderRegistry) => loadEmbeddingModel(config.analysis.modelDir, { registry }),
        },
        { provide: LANGUAGE_DETECTOR, useFactory: () => LanguageDetector.create() },
        { provide: CHINESE_SEGMENTER, useFactory: () => new ChineseSegmenter() },
        {
          provide: TOPIC_CLASSIFIER,
          inject: [EmbeddingService],
          useFactory: (embeddings: EmbeddingService) =>
            TopicClassifier.create(async (words) =>
              (await embeddings.embed(words, { priority: 'bulk' })).map((e) => (e.knownTokens > 0 ? e.vector : undefined)),
            ),
        },
        EmbeddingService,
        AnalysisService,
        AnalyzeJobConsumer,
      ],
    };
  }
}

/** Starts the analysis gRPC service (models loaded and verified first) and its `analyze` queue consumer. */
export async function startAnalysisService(config: AppConfig): Promise<RunningService> {
  return (await startGrpcService('analysis', AnalysisModule.forRoot(config), config)).running;
}
