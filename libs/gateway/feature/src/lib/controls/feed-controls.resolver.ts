import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ArticleFeedbackDto, DeleteFeedRuleArgs, FeedBlendDto, FeedBlendInputDto, FeedControlsDto, FeedRuleDto, PutFeedRuleDto, SetArticleFeedbackArgs } from './feed-controls.dto';
import { mapArticleFeedback, mapFeedbackChange, mapFeedBlend, mapFeedControls, mapFeedRule, mapFeedRuleAction, mapFeedRuleKind } from './feed-controls.mapper';

/** The caller's For-You controls over GraphQL (an API key is required, as for /api/v1/me/controls). */
@Access(AccessPolicy.KeyHolder)
@Resolver(() => FeedControlsDto)
export class FeedControlsResolver {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Query(() => FeedControlsDto, { description: 'Your For-You controls: follow/mute rules, the blend in effect, "more/less like this".' })
  async feedControls(@CurrentCaller() caller: Caller): Promise<FeedControlsDto> {
    return mapFeedControls((await this.recommender.getFeedControls({}, { actor: caller.userId })).controls);
  }

  @Mutation(() => FeedRuleDto, { description: 'Follow or mute a topic, source or keyword.' })
  async putFeedRule(@CurrentCaller() caller: Caller, @Args() args: PutFeedRuleDto): Promise<FeedRuleDto> {
    const { rule } = await this.recommender.putFeedRule(
      { kind: mapFeedRuleKind(args.kind), value: args.value, action: mapFeedRuleAction(args.action) },
      { actor: caller.userId },
    );
    return mapFeedRule(rule);
  }

  @Mutation(() => Boolean, { description: 'Remove one of your feed rules.' })
  async deleteFeedRule(@CurrentCaller() caller: Caller, @Args() args: DeleteFeedRuleArgs): Promise<boolean> {
    await this.recommender.deleteFeedRule({ ruleId: args.id }, { actor: caller.userId });
    return true;
  }

  @Mutation(() => FeedBlendDto, { description: 'Set how your ranking weighs relevance, freshness and diversity (each 0..1).' })
  async setFeedBlend(@CurrentCaller() caller: Caller, @Args() args: FeedBlendInputDto): Promise<FeedBlendDto> {
    const { blend } = await this.recommender.putFeedBlend({ blend: { relevance: args.relevance, freshness: args.freshness, diversity: args.diversity } }, { actor: caller.userId });
    return mapFeedBlend(blend);
  }

  @Mutation(() => ArticleFeedbackDto, { nullable: true, description: '"More/less like this" on an article; "none" clears it (answers null).' })
  async setArticleFeedback(@CurrentCaller() caller: Caller, @Args() args: SetArticleFeedbackArgs): Promise<ArticleFeedbackDto | null> {
    const { feedback } = await this.recommender.putArticleFeedback(
      { articleId: args.articleId, direction: mapFeedbackChange(args.direction) },
      { actor: caller.userId },
    );
    return feedback ? mapArticleFeedback(feedback) : null;
  }
}
