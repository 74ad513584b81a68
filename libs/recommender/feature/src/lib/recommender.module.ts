import { Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { grpcClientProviders, startGrpcService, type RunningService } from '@autoglm/shared-grpc';
import { QueueModule } from '@autoglm/shared-queue';
import { DigestComposer } from './push/digest-composer';
import { DigestMailer } from './push/digest-mailer';
import { PushWorker } from './push/push-worker';
import { CLOCK, systemClock } from './clock';
import { FeedControlsService } from './feed-controls.service';
import { RecommendationService } from './recommendation.service';
import { RecommenderController } from './recommender.controller';
import { StoryBriefService } from './story-brief.service';

@Module({})
export class RecommenderModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RecommenderModule,
      imports: [QueueModule.forRoot(config.redis.url)],
      controllers: [RecommenderController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        ...grpcClientProviders('storage', 'analysis'),
        RecommendationService,
        FeedControlsService,
        StoryBriefService,
        PushWorker,
        DigestComposer,
        DigestMailer,
      ],
    };
  }
}

export async function startRecommenderService(config: AppConfig): Promise<RunningService> {
  const drain = (app: INestMicroservice, drainBy: number) => app.get(PushWorker).stopConsuming(drainBy);
  return (await startGrpcService('recommender', RecommenderModule.forRoot(config), config, drain)).running;
}
