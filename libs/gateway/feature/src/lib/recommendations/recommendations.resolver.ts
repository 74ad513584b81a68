import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { ActingUser } from '../auth/caller';
import { DEFAULT_RECOMMENDATIONS, RecommendationListDto, RecommendationsArgs } from './recommendation.dto';
import { mapRecommendations } from './recommendations.mapper';

@Resolver(() => RecommendationListDto)
export class RecommendationsResolver {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Query(() => RecommendationListDto, { description: 'A personal ranking of articles, each with its reason.' })
  @Access(AccessPolicy.Owner, { in: 'args', name: 'userId' })
  async recommendations(@Args() args: RecommendationsArgs, @ActingUser() userId: string): Promise<RecommendationListDto> {
    const response = await this.recommender.getRecommendations({ limit: args.limit ?? DEFAULT_RECOMMENDATIONS }, { actor: userId });
    return mapRecommendations(response);
  }
}
