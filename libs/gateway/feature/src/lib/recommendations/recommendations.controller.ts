import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { actingUserId, OptionalCaller, type Caller } from '../auth/caller';
import { DEFAULT_RECOMMENDATIONS, RecommendationListDto, RecommendationsQueryDto } from './recommendation.dto';
import { mapRecommendations } from './recommendations.mapper';

@ApiTags('recommendations')
@Controller('users')
export class RecommendationsController {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Get(':id/recommendations')
  @ApiOkResponse({ type: RecommendationListDto })
  async list(
    @Param('id') requested: string,
    @Query() query: RecommendationsQueryDto,
    @OptionalCaller() caller: Caller | undefined,
  ): Promise<RecommendationListDto> {
    // With an API key only the caller's own list ("me" or their id) is visible; another id is 404.
    const userId = actingUserId(caller, requested);
    const response = await this.recommender.getRecommendations({ userId, limit: query.limit ?? DEFAULT_RECOMMENDATIONS });
    return mapRecommendations(response);
  }
}
