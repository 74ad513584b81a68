import { Controller } from '@nestjs/common';
import { recommender } from '@autoglm/contracts';
import { RecommendationService } from './recommendation.service';

@Controller()
@recommender.RecommenderServiceControllerMethods()
export class RecommenderController implements recommender.RecommenderServiceController {
  constructor(private readonly recommendations: RecommendationService) {}

  async recordEvent(request: recommender.RecordEventRequest): Promise<recommender.RecordEventResponse> {
    return { eventId: await this.recommendations.recordEvent(request) };
  }

  async getRecommendations(request: recommender.GetRecommendationsRequest): Promise<recommender.GetRecommendationsResponse> {
    const result = await this.recommendations.recommend(request.userId, request.limit);
    return {
      items: result.items.map((i) => ({ article: i.article, score: i.score, reason: i.reason })),
      profileEvents: result.profileEvents,
    };
  }
}
