import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { actingUserId, OptionalCaller, type Caller } from '../auth/caller';
import { DEFAULT_RECOMMENDATIONS, RecommendationListDto, RecommendationsArgs } from './recommendation.dto';
import { mapRecommendations } from './recommendations.mapper';

@Resolver(() => RecommendationListDto)
export class RecommendationsResolver {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Query(() => RecommendationListDto, { description: 'A personal ranking of articles, each with its reason.' })
  async recommendations(@Args() args: RecommendationsArgs, @OptionalCaller() caller: Caller | undefined): Promise<RecommendationListDto> {
    // As over REST: with an API key only the caller's own ranking ("me" or their id).
    const response = await this.recommender.getRecommendations({
      userId: actingUserId(caller, args.userId),
      limit: args.limit ?? DEFAULT_RECOMMENDATIONS,
    });
    return mapRecommendations(response);
  }
}
