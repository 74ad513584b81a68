import { Controller, Inject } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { recommender } from '@autoglm/contracts';
import type { Metadata } from '@grpc/grpc-js';
import { FeedControlsService } from './feed-controls.service';
import { actorOf, toTimestamp } from '@autoglm/shared-grpc';
import { DigestComposer, parseDigestPeriod } from './push/digest-composer';
import { CLOCK, type Clock } from './clock';
import { RecommendationService } from './recommendation.service';
import { StoryBriefService } from './story-brief.service';

@Controller()
@recommender.RecommenderServiceControllerMethods()
export class RecommenderController implements recommender.RecommenderServiceController {
  constructor(
    private readonly recommendations: RecommendationService,
    private readonly controls: FeedControlsService,
    private readonly digests: DigestComposer,
    private readonly briefs: StoryBriefService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // The user is the call's authenticated actor (x-autoglm-actor, set by the gateway), never a request field.
  async recordEvent(request: recommender.RecordEventRequest, metadata?: Metadata): Promise<recommender.RecordEventResponse> {
    return { eventId: await this.recommendations.recordEvent({ ...request, userId: actorOf(metadata) }) };
  }

  async getRecommendations(request: recommender.GetRecommendationsRequest, metadata?: Metadata): Promise<recommender.GetRecommendationsResponse> {
    const result = await this.recommendations.recommend(actorOf(metadata), request.limit);
    return {
      items: result.items.map((i) => ({ article: i.article, score: i.score, reason: i.reason, controls: i.controls })),
      profileEvents: result.profileEvents,
    };
  }

  async getFeedControls(_request: recommender.GetFeedControlsRequest, metadata?: Metadata): Promise<recommender.GetFeedControlsResponse> {
    return { controls: await this.controls.get(actorOf(metadata)) };
  }

  async putFeedRule(request: recommender.PutFeedRuleRequest, metadata?: Metadata): Promise<recommender.PutFeedRuleResponse> {
    return this.controls.putRule(actorOf(metadata), request);
  }

  async deleteFeedRule(request: recommender.DeleteFeedRuleRequest, metadata?: Metadata): Promise<recommender.DeleteFeedRuleResponse> {
    await this.controls.deleteRule(actorOf(metadata), request.ruleId);
    return {};
  }

  async putFeedBlend(request: recommender.PutFeedBlendRequest, metadata?: Metadata): Promise<recommender.PutFeedBlendResponse> {
    return { blend: await this.controls.putBlend(actorOf(metadata), request.blend) };
  }

  async putArticleFeedback(request: recommender.PutArticleFeedbackRequest, metadata?: Metadata): Promise<recommender.PutArticleFeedbackResponse> {
    return { feedback: await this.controls.putFeedback(actorOf(metadata), request.articleId, request.direction) };
  }

  async getDigest(request: recommender.GetDigestRequest, metadata?: Metadata): Promise<recommender.GetDigestResponse> {
    const actor = actorOf(metadata);
    if (!actor) throw DomainError.unauthenticated('the call names no acting user (x-autoglm-actor)');
    const digest = await this.digests.compose(actor, parseDigestPeriod(request.period), this.clock.now());
    return {
      period: digest.period,
      since: toTimestamp(digest.since),
      until: toTimestamp(digest.until),
      items: digest.items.map((i) => ({ article: i.article, reason: i.reason, score: i.score })),
      html: digest.html,
      text: digest.text,
    };
  }

  async getStoryBrief(request: recommender.GetStoryBriefRequest, metadata?: Metadata): Promise<recommender.GetStoryBriefResponse> {
    const brief = await this.briefs.brief(actorOf(metadata), request.storyId, request.limit);
    return {
      storyId: brief.storyId,
      title: brief.title,
      since: brief.since ? toTimestamp(brief.since) : undefined,
      newArticles: brief.newArticles,
      sentences: brief.sentences,
    };
  }
}
