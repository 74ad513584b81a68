import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import { HealthProbes } from '@autoglm/shared-observability';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { grpcClientProviders } from '@autoglm/shared-grpc';
import { ArticleReader } from './articles/article-reader.service';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator.service';
import { AccessGuard } from './auth/access.guard';
import { InstanceAccounts } from './auth/instance-accounts.service';
import { LibraryController } from './me/library.controller';
import { FeedControlsController } from './controls/feed-controls.controller';
import { FeedControlsResolver } from './controls/feed-controls.resolver';
import { MeController } from './me/me.controller';
import { MeResolver } from './me/me.resolver';
import { UsersController } from './me/users.controller';
import { ArticlesController } from './articles/articles.controller';
import { ArticlesResolver } from './articles/articles.resolver';
import { ArticleSummaryResolver } from './articles/article-summary.resolver';
import { SimilarArticlesLoader } from './articles/similar-articles.loader';
import { GatewayValidationPipe } from './common/gateway-validation.pipe';
import { GatewayExceptionFilter } from './errors/gateway-exception.filter';
import { EventsController } from './events/events.controller';
import { gatewayGraphQlOptions } from './graphql/graphql-options';
import { HealthController } from './health/health.controller';
import { MetricsController } from './observability/metrics.controller';
import { HEALTH_PROBE_TIMEOUT_MS, HEALTH_REFRESH_INTERVAL_MS, ServiceHealth } from './health/service-health.service';
import { RecommendationsController } from './recommendations/recommendations.controller';
import { RecommendationsResolver } from './recommendations/recommendations.resolver';
import { ArticleSearch } from './search/article-search.service';
import { SearchController } from './search/search.controller';
import { SearchResolver } from './search/search.resolver';
import { SourcesController } from './sources/sources.controller';
import { SourcesResolver } from './sources/sources.resolver';
import { StoriesController } from './stories/stories.controller';
import { StoriesResolver } from './stories/stories.resolver';
import { StoryBriefController } from './stories/story-brief.controller';
import { StoryBriefResolver } from './stories/story-brief.resolver';
import { SystemController } from './system/system.controller';
import { ModelAdminController } from './admin/model-admin.controller';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { rateLimitProviders } from './rate-limit/rate-limit.providers';
import { PublicReadCache, PublicReadCacheInterceptor } from './common/public-read-cache';
import { WebSubController } from './websub/websub.controller';
import { FEED_READER_CLOCK, systemFeedReaderClock } from './feed-readers/feed-reader-clock';
import { FeedReaderAuth } from './feed-readers/feed-reader-auth.service';
import { FeverKeyController } from './feed-readers/fever-key.controller';
import { FeverController } from './feed-readers/fever.controller';
import { GoogleReaderController } from './feed-readers/google-reader.controller';
import { ReaderLibrary } from './feed-readers/reader-library.service';
import { createPushBus, PUSH_BUS } from '@autoglm/shared-push-bus';
import { DigestController } from './push/digest.controller';
import { PushRulesController } from './push/push-rules.controller';
import { PushRulesResolver } from './push/push-rules.resolver';
import { PushStreamController } from './push/push-stream.controller';
import { PushStreams } from './push/push-streams.service';
import { WebhooksController } from './push/webhooks.controller';
import { SessionAuthenticator } from './auth/session-authenticator.service';
import { AccountController } from './web/account.controller';
import { SessionController } from './web/session.controller';
import { WebAssets } from './web/web-assets.service';
import { WebReaderController } from './web/web-reader.controller';
import { OidcSignIn } from './web/oidc-sign-in.service';
import { WebSessions } from './web/web-sessions.service';

/** Health probes must answer quickly even when the RPC deadline is long. */
const MAX_HEALTH_PROBE_MS = 2_000;
/** How old the backend states /health reports may be (plus one probe). */
const HEALTH_REFRESH_MS = 2_000;

@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [GraphQLModule.forRoot<ApolloDriverConfig>(gatewayGraphQlOptions(config.api)), TerminusModule.forRoot({ logger: false })],
      // Express tries routes in the order they were registered: health probes and metrics scrapes, the most
      // frequent requests (kubelets, load balancers, Prometheus), match first instead of after every API route.
      controllers: [
        HealthController,
        MetricsController,
        SourcesController,
        ArticlesController,
        EventsController,
        RecommendationsController,
        SearchController,
        StoriesController,
        StoryBriefController,
        SystemController,
        ModelAdminController,
        WebSubController,
        UsersController,
        MeController,
        LibraryController,
        FeedControlsController,
        FeverKeyController,
        GoogleReaderController,
        FeverController,
        PushStreamController,
        PushRulesController,
        WebhooksController,
        DigestController,
        SessionController,
        AccountController,
        WebReaderController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        ...grpcClientProviders('sources', 'storage', 'recommender', 'analysis'),
        { provide: HEALTH_PROBE_TIMEOUT_MS, useValue: Math.min(MAX_HEALTH_PROBE_MS, config.rpcDeadlineMs) },
        { provide: HEALTH_REFRESH_INTERVAL_MS, useValue: HEALTH_REFRESH_MS },
        HealthProbes,
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        ApiKeyAuthenticator,
        SessionAuthenticator,
        WebSessions,
        OidcSignIn,
        WebAssets,
        InstanceAccounts,
        ...rateLimitProviders(config),
        // Global guards run in the order they are provided: the rate limit first, so it also counts
        // requests that authentication refuses (guessed or made-up keys).
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useValue: new GatewayValidationPipe() },
        ArticleReader,
        PublicReadCache,
        PublicReadCacheInterceptor,
        ServiceHealth,
        ArticlesResolver,
        SimilarArticlesLoader,
        ArticleSummaryResolver,
        SourcesResolver,
        StoriesResolver,
        RecommendationsResolver,
        ArticleSearch,
        SearchResolver,
        MeResolver,
        FeedControlsResolver,
        StoryBriefResolver,
        FeedReaderAuth,
        ReaderLibrary,
        { provide: FEED_READER_CLOCK, useValue: systemFeedReaderClock },
        { provide: PUSH_BUS, useFactory: () => createPushBus(config.redis.url) },
        PushStreams,
        PushRulesResolver,
      ],
    };
  }
}
