import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { DEFAULT_RECOMMENDATIONS, RecommendationListDto, RecommendationsArgs } from './recommendation.dto';
import { mapRecommendations } from './recommendations.mapper';

@Resolver(() => RecommendationListDto)
export class RecommendationsResolver {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Query(() => RecommendationListDto, { description: 'A personal ranking of articles, each with its reason.' })
  async recommendations(@Args() args: RecommendationsArgs): Promise<RecommendationListDto> {
    const response = await this.recommender.getRecommendations({
      userId: args.userId,
      limit: args.limit ?? DEFAULT_RECOMMENDATIONS,
    });
    return mapRecommendations(response);
  }
}
