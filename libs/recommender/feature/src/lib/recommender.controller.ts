import { Controller } from '@nestjs/common';
import { recommender } from '@autoglm/contracts';
import type { Metadata } from '@grpc/grpc-js';
import { actorOf } from '@autoglm/shared-grpc';
import { RecommendationService } from './recommendation.service';

@Controller()
@recommender.RecommenderServiceControllerMethods()
export class RecommenderController implements recommender.RecommenderServiceController {
  constructor(private readonly recommendations: RecommendationService) {}

  // The user is the call's authenticated actor (x-autoglm-actor, set by the gateway), never a request field.
  async recordEvent(request: recommender.RecordEventRequest, metadata?: Metadata): Promise<recommender.RecordEventResponse> {
    return { eventId: await this.recommendations.recordEvent({ ...request, userId: actorOf(metadata) }) };
  }

  async getRecommendations(request: recommender.GetRecommendationsRequest, metadata?: Metadata): Promise<recommender.GetRecommendationsResponse> {
    const result = await this.recommendations.recommend(actorOf(metadata), request.limit);
    return {
      items: result.items.map((i) => ({ article: i.article, score: i.score, reason: i.reason })),
      profileEvents: result.profileEvents,
    };
  }
}
