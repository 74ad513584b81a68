import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { grpcClientProviders, startGrpcService, type RunningService } from '@autoglm/shared-grpc';
import { CLOCK, systemClock } from './clock';
import { FeedControlsService } from './feed-controls.service';
import { RecommendationService } from './recommendation.service';
import { RecommenderController } from './recommender.controller';

@Module({})
export class RecommenderModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RecommenderModule,
      controllers: [RecommenderController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        ...grpcClientProviders('storage'),
        RecommendationService,
        FeedControlsService,
      ],
    };
  }
}

export async function startRecommenderService(config: AppConfig): Promise<RunningService> {
  return (await startGrpcService('recommender', RecommenderModule.forRoot(config), config)).running;
}
