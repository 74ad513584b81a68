import { Controller, Inject } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { recommender } from '@autoglm/contracts';
import type { Metadata } from '@grpc/grpc-js';
import { actorOf, toTimestamp } from '@autoglm/shared-grpc';
import { DigestComposer, parseDigestPeriod } from './push/digest-composer';
import { CLOCK, type Clock } from './clock';
import { RecommendationService } from './recommendation.service';

@Controller()
@recommender.RecommenderServiceControllerMethods()
export class RecommenderController implements recommender.RecommenderServiceController {
  constructor(
    private readonly recommendations: RecommendationService,
    private readonly digests: DigestComposer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // The user is the call's authenticated actor (x-autoglm-actor, set by the gateway), never a request field.
  async recordEvent(request: recommender.RecordEventRequest, metadata?: Metadata): Promise<recommender.RecordEventResponse> {
    return { eventId: await this.recommendations.recordEvent({ ...request, userId: actorOf(metadata) }) };
  }

  async getRecommendations(request: recommender.GetRecommendationsRequest, metadata?: Metadata): Promise<recommender.GetRecommendationsResponse> {
    const result = await this.recommendations.recommend(actorOf(metadata), request.limit);
    return {
      items: result.items.map((i) => ({ article: i.article, score: i.score, reason: i.reason })),
      profileEvents: result.profileEvents,
    };
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
}
