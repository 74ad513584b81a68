import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { QUEUE_FACTORY, QueueModule, type QueueFactory } from '@autoglm/shared-queue';
import { AnalysesService } from './analyses/analyses.service';
import { ReembeddingService } from './reembed/reembedding.service';
import { ArticleCache } from './articles/article-cache';
import { ReadCoalescing } from './shared/read-coalescing';
import { ArticlesService } from './articles/articles.service';
import { openStorageDatabase, STORAGE_DATABASE } from './database/storage-database';
import { EventsService } from './events/events.service';
import { FullTextWorkService } from './full-text/full-text-work.service';
import { LibraryService } from './users/library.service';
import { FeedControlsService } from './feed-controls/feed-controls.service';
import { UsersService } from './users/users.service';
import { SessionsService } from './users/sessions.service';
import { OutboxRelay } from './outbox/outbox-relay';
import { QueueHandback } from './outbox/queue-handback';
import { QueueSweeper } from './outbox/queue-sweeper';
import { STORAGE_CLOCK, systemClock, type Clock } from './shared/clock';
import { EmbeddedMaintenance } from './database/embedded-maintenance';
import { SearchIndexBackfill } from './search/search-index-backfill';
import { SearchSegmenter } from './search/search-segmenter';
import { SearchService } from './search/search.service';
import { HnswIndexes } from './similarity/hnsw-indexes';
import { SimilarityService } from './similarity/similarity.service';
import { SourcesService } from './sources/sources.service';
import { StoriesService } from './stories/stories.service';
import { STORY_LINKAGE, StoryClustering } from './stories/story-clustering';
import type { StoryLinkage } from './stories/story-choice';
import { StorageController } from './storage.controller';
import { WebSubSubscriptionsService } from './websub/websub-subscriptions.service';
import { OWNS_QUEUE_FACTORY, StorageResources } from './storage-resources';
import { createPushBus, PUSH_BUS } from '@autoglm/shared-push-bus';
import { DigestsService } from './push/digests.service';
import { PushEventsService } from './push/push-events.service';
import { PushRulesService } from './push/push-rules.service';
import { PushTrigger } from './push/push-trigger';
import { WebhooksService } from './push/webhooks.service';

export interface StorageModuleOptions {
  /** Time source (tests); the system clock by default. */
  clock?: Clock;
  /** A queue factory owned by the caller (not closed by storage); else QueueModule provides one from config.redis.url. */
  queueFactory?: QueueFactory;
  /** How articles join stories by embedding: 'linked' (default); the others only for tools/bench/story-quality.ts's comparison. */
  storyLinkage?: StoryLinkage;
}

@Module({})
export class StorageModule {
  static forRoot(config: AppConfig, options: StorageModuleOptions = {}): DynamicModule {
    return {
      module: StorageModule,
      imports: options.queueFactory ? [] : [QueueModule.forRoot(config.redis.url)],
      controllers: [StorageController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: STORAGE_CLOCK, useValue: options.clock ?? systemClock },
        { provide: STORY_LINKAGE, useValue: options.storyLinkage ?? 'linked' },
        ...(options.queueFactory ? [{ provide: QUEUE_FACTORY, useValue: options.queueFactory }] : []),
        { provide: OWNS_QUEUE_FACTORY, useValue: options.queueFactory === undefined },
        { provide: STORAGE_DATABASE, useFactory: () => openStorageDatabase(config.database) },
        StorageResources,
        OutboxRelay,
        QueueHandback,
        QueueSweeper,
        SourcesService,
        WebSubSubscriptionsService,
        ArticlesService,
        FullTextWorkService,
        ArticleCache,
        ReadCoalescing,
        AnalysesService,
        ReembeddingService,
        HnswIndexes,
        StoryClustering,
        StoriesService,
        SimilarityService,
        EventsService,
        UsersService,
        SessionsService,
        LibraryService,
        FeedControlsService,
        { provide: SearchSegmenter, useValue: new SearchSegmenter() },
        SearchService,
        SearchIndexBackfill,
        EmbeddedMaintenance,
        { provide: PUSH_BUS, useFactory: () => createPushBus(config.redis.url) },
        PushTrigger,
        PushEventsService,
        PushRulesService,
        WebhooksService,
        DigestsService,
      ],
    };
  }
}
