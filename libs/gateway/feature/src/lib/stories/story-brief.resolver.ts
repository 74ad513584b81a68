import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { StoryBriefArgs, StoryBriefDto } from './story-brief.dto';
import { mapStoryBrief } from './story-brief.mapper';

/** The story brief over GraphQL (an API key is required, as for /api/v1/me/stories/:id/brief). */
@Access(AccessPolicy.KeyHolder)
@Resolver(() => StoryBriefDto)
export class StoryBriefResolver {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Query(() => StoryBriefDto, { description: "What's new in a story since you last read it, each sentence citing its article." })
  async storyBrief(@CurrentCaller() caller: Caller, @Args() args: StoryBriefArgs): Promise<StoryBriefDto> {
    return mapStoryBrief(await this.recommender.getStoryBrief({ storyId: args.id, limit: args.limit ?? 0 }, { actor: caller.userId }));
  }
}
