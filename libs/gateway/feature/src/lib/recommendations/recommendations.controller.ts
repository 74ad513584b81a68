import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { DEFAULT_RECOMMENDATIONS, RecommendationListDto, RecommendationsQueryDto } from './recommendation.dto';
import { mapRecommendations } from './recommendations.mapper';

@ApiTags('recommendations')
@Controller('users')
export class RecommendationsController {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Get(':id/recommendations')
  @ApiOkResponse({ type: RecommendationListDto })
  async list(@Param('id') userId: string, @Query() query: RecommendationsQueryDto): Promise<RecommendationListDto> {
    const response = await this.recommender.getRecommendations({ userId, limit: query.limit ?? DEFAULT_RECOMMENDATIONS });
    return mapRecommendations(response);
  }
}
