import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { required } from '../common/values.mapper';
import { ListStoriesQueryDto, StoryDto, StoryPageDto } from './story.dto';
import { mapStoriesRequest, mapStory, mapStoryPage } from './story.mapper';
import { Access, AccessPolicy } from '../auth/access';

@Access(AccessPolicy.Reader)
@Resolver(() => StoryDto)
export class StoriesResolver {
  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  @Query(() => StoryPageDto, { description: 'The stories timeline, most recently joined first (like GET /api/v1/stories).' })
  async stories(@Args() args: ListStoriesQueryDto): Promise<StoryPageDto> {
    return mapStoryPage(await this.storage.listStories(mapStoriesRequest(args)));
  }

  @Query(() => StoryDto, { description: 'One story with its timeline, oldest first (like GET /api/v1/stories/{id}).' })
  async story(@Args('id', { type: () => ID }) id: string): Promise<StoryDto> {
    const { story } = await this.storage.getStory({ id });
    return mapStory(required(story, 'story'));
  }
}
