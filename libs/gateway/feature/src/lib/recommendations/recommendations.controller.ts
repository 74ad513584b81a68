import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { ActingUser } from '../auth/caller';
import { DEFAULT_RECOMMENDATIONS, RecommendationListDto, RecommendationsQueryDto } from './recommendation.dto';
import { mapRecommendations } from './recommendations.mapper';

@ApiTags('recommendations')
@Controller('users')
export class RecommendationsController {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Get(':id/recommendations')
  @Access(AccessPolicy.Owner, { in: 'param', name: 'id' })
  @ApiOkResponse({ type: RecommendationListDto })
  async list(
    @Param('id') _requested: string,
    @Query() query: RecommendationsQueryDto,
    @ActingUser() userId: string,
  ): Promise<RecommendationListDto> {
    const response = await this.recommender.getRecommendations({ limit: query.limit ?? DEFAULT_RECOMMENDATIONS }, { actor: userId });
    return mapRecommendations(response);
  }
}
