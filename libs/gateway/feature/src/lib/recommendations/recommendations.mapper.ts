import type { recommender } from '@autoglm/contracts';
import { mapArticleSummary } from '../articles/articles.mapper';
import type { RecommendationDto, RecommendationListDto } from './recommendation.dto';

export function mapRecommendations(response: recommender.GetRecommendationsResponse): RecommendationListDto {
  return {
    items: response.items.flatMap((item): RecommendationDto[] =>
      item.article ? [{ article: mapArticleSummary(item.article), score: item.score, reason: item.reason, controls: item.controls }] : [],
    ),
    profileEvents: response.profileEvents,
  };
}
