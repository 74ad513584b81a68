import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { StoryBriefDto, StoryBriefQueryDto } from './story-brief.dto';
import { mapStoryBrief } from './story-brief.mapper';

/** "What's new since you last read" a story: per user, so under /me. */
@ApiTags('stories')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me/stories')
export class StoryBriefController {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Get(':id/brief')
  @ApiOperation({
    summary:
      "What's new in a story since you last read it: sentences of its articles published after your last read (all of them if you never read it), " +
      'central and unlike what you read, each citing its article.',
  })
  @ApiOkResponse({ type: StoryBriefDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'limit outside 1..20.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No story has this id.' })
  async brief(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: StoryBriefQueryDto): Promise<StoryBriefDto> {
    return mapStoryBrief(await this.recommender.getStoryBrief({ storyId: id, limit: query.limit ?? 0 }, { actor: caller.userId }));
  }
}
