import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { grpcClientProviders, startGrpcService, type RunningService } from '@autoglm/shared-grpc';
import { QUEUE_FACTORY, QueueModule, type QueueFactory } from '@autoglm/shared-queue';
import { CrawlScheduler } from './crawl-scheduler';
import { OpmlService } from './opml/opml.service';
import { SourceRegistry } from './source-registry.service';
import { SourcesController } from './sources.controller';
import { WebSubCallbacks } from './websub/websub-callback.service';
import { WebSubSubscriber } from './websub/websub-subscriber.service';

@Module({})
export class SourcesModule implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_FACTORY) private readonly queues: QueueFactory) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SourcesModule,
      imports: [QueueModule.forRoot(config.redis.url)],
      controllers: [SourcesController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        ...grpcClientProviders('storage', 'crawler'),
        CrawlScheduler,
        SourceRegistry,
        OpmlService,
        WebSubSubscriber,
        WebSubCallbacks,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}

export async function startSourcesService(config: AppConfig): Promise<RunningService> {
  return (await startGrpcService('sources', SourcesModule.forRoot(config), config)).running;
}
