import { Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { grpcClientProviders, startGrpcService, type RunningService } from '@autoglm/shared-grpc';
import { DEFAULT_QUEUE_PREFIX, QueueModule } from '@autoglm/shared-queue';
import { CrawlQueueConsumer } from './crawl/crawl-queue.consumer';
import { CrawlRunner, MAX_FETCHES_PER_HOST } from './crawl/crawl-runner.service';
import { FullTextEnricher } from './crawl/full-text-enricher';
import { FullTextRounds } from './crawl/full-text-rounds';
import { KeyedSemaphore, PER_HOST_FETCHES } from './crawl/keyed-semaphore';
import { RedisHostLimiter } from './crawl/redis-host-limiter';
import { CrawlerController } from './crawler.controller';
import { GuardedFetcher } from './fetch/guarded-fetcher';
import { RobotsTxtRules } from './fetch/robots-txt';
import { systemCrawlClock } from './crawl/crawl-clock';
import { UrlProbe } from './probe/url-probe.service';
import { HubRequest } from './websub/hub-request';
import { WebhookSender } from './webhooks/webhook-sender';

@Module({})
export class CrawlerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CrawlerModule,
      imports: [QueueModule.forRoot(config.redis.url)],
      controllers: [CrawlerController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        ...grpcClientProviders('storage'),
        // Closed by its onApplicationShutdown hook (Nest calls it on factory-made instances too).
        { provide: GuardedFetcher, useFactory: () => new GuardedFetcher(config.crawler) },
        {
          provide: RobotsTxtRules,
          useFactory: (fetcher: GuardedFetcher) =>
            new RobotsTxtRules(fetcher, { ...config.crawler.robotsTxt, userAgent: config.crawler.userAgent }, systemCrawlClock),
          inject: [GuardedFetcher],
        },
        UrlProbe,
        HubRequest,
        // Shared by the crawler replicas through Redis in distributed mode; a slot outlives a killed crawler by at most one fetch deadline.
        {
          provide: PER_HOST_FETCHES,
          useFactory: () =>
            config.redis.url
              ? new RedisHostLimiter({
                  url: config.redis.url,
                  keyPrefix: `${DEFAULT_QUEUE_PREFIX}:host-fetches:`,
                  limit: MAX_FETCHES_PER_HOST,
                  leaseMs: config.crawler.timeoutMs + 5_000,
                })
              : new KeyedSemaphore(MAX_FETCHES_PER_HOST),
        },
        FullTextEnricher,
        FullTextRounds,
        CrawlRunner,
        CrawlQueueConsumer,
        WebhookSender,
      ],
    };
  }
}

/** Starts the crawler: the gRPC CrawlerService and the consumer of the `crawl` queue (drained on close). */
export async function startCrawlerService(config: AppConfig): Promise<RunningService> {
  const drain = async (app: INestMicroservice, drainBy: number) => {
    await Promise.all([app.get(CrawlQueueConsumer).stopConsuming(drainBy), app.get(WebhookSender).stopConsuming(drainBy)]);
  };
  return (await startGrpcService('crawler', CrawlerModule.forRoot(config), config, drain)).running;
}
