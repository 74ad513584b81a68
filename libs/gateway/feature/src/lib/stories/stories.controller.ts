import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { required } from '../common/values.mapper';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { ListStoriesQueryDto, StoryDto, StoryPageDto } from './story.dto';
import { mapStoriesRequest, mapStory, mapStoryPage } from './story.mapper';
import { Access, AccessPolicy } from '../auth/access';
import { CachedPublicRead } from '../common/public-read-cache';

@ApiTags('stories')
@Access(AccessPolicy.Reader)
@Controller('stories')
export class StoriesController {
  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  @Get()
  @CachedPublicRead()
  @ApiOperation({ summary: 'The stories timeline: stories most recently joined by an article first, each with its newest articles.' })
  @ApiOkResponse({ type: StoryPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A query parameter or the cursor is invalid.' })
  async list(@Query() query: ListStoriesQueryDto): Promise<StoryPageDto> {
    return mapStoryPage(await this.storage.listStories(mapStoriesRequest(query)));
  }

  @Get(':id')
  @CachedPublicRead()
  @ApiOperation({ summary: 'A story: the articles about one event (near-duplicates and close embeddings), oldest first.' })
  @ApiOkResponse({ type: StoryDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No story has this id.' })
  async get(@Param('id') id: string): Promise<StoryDto> {
    const { story } = await this.storage.getStory({ id });
    return mapStory(required(story, 'story'));
  }
}
