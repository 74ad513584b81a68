import { Controller } from '@nestjs/common';
import { storage } from '@autoglm/contracts';
import type { Metadata } from '@grpc/grpc-js';
import { actorOf, fromTimestamp } from '@autoglm/shared-grpc';
import { DomainError } from '@autoglm/shared-errors';
import { mapArticleEmbedding } from './analyses/embedding.mapper';
import { AnalysesService } from './analyses/analyses.service';
import { mapArticle, mapArticleRef } from './articles/article.mapper';
import { ArticleCache } from './articles/article-cache';
import { articleNotFound, ArticlesService } from './articles/articles.service';
import { mapUserEvent } from './events/user-event.mapper';
import { EventsService } from './events/events.service';
import { mapArticleFeedback, mapFeedBlend, mapFeedControls, mapFeedRule } from './feed-controls/feed-controls.mapper';
import { FeedControlsService } from './feed-controls/feed-controls.service';
import { FullTextWorkService } from './full-text/full-text-work.service';
import { mapSearchHit } from './search/search-hit.mapper';
import { SearchService } from './search/search.service';
import { mapScoredArticle } from './similarity/scored-article.mapper';
import { SimilarityService } from './similarity/similarity.service';
import { mapSource } from './sources/source.mapper';
import { SourcesService } from './sources/sources.service';
import { StoriesService } from './stories/stories.service';
import { LibraryService } from './users/library.service';
import { mapApiKey, mapIdentity, mapMarks, mapSavedSearch, mapSession, mapSubscription, mapUser, mapUserArticle } from './users/user.mapper';
import { SessionsService } from './users/sessions.service';
import { UsersService } from './users/users.service';
import { mapArticleStory, mapStory, mapStoryReading } from './stories/story.mapper';
import { ReembeddingService } from './reembed/reembedding.service';
import { ReadCoalescing } from './shared/read-coalescing';
import { mapWebSubSubscription } from './websub/websub-subscription.mapper';
import { WebSubSubscriptionsService } from './websub/websub-subscriptions.service';
import { DigestsService } from './push/digests.service';
import { PushEventsService } from './push/push-events.service';
import { mapDigestSettings, mapDueDigest, mapPushEvent, mapPushRule, mapWebhook, mapWebhookDelivery } from './push/push.mapper';
import { PushRulesService } from './push/push-rules.service';
import { WebhooksService } from './push/webhooks.service';

/** The gRPC edge of storage: parse, delegate, map. */
@Controller()
@storage.StorageServiceControllerMethods()
export class StorageController implements storage.StorageServiceController {
  constructor(
    private readonly sources: SourcesService,
    private readonly articles: ArticlesService,
    private readonly analyses: AnalysesService,
    private readonly similarity: SimilarityService,
    private readonly events: EventsService,
    private readonly searches: SearchService,
    private readonly articleCache: ArticleCache,
    private readonly stories: StoriesService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly library: LibraryService,
    private readonly webSub: WebSubSubscriptionsService,
    private readonly reembedding: ReembeddingService,
    private readonly fullText: FullTextWorkService,
    private readonly reads: ReadCoalescing,
    private readonly feedControls: FeedControlsService,
    private readonly pushRules: PushRulesService,
    private readonly pushEvents: PushEventsService,
    private readonly webhooks: WebhooksService,
    private readonly digests: DigestsService,
  ) {}

  async createSource(request: storage.CreateSourceRequest): Promise<storage.CreateSourceResponse> {
    const { source, created } = await this.sources.create(request);
    this.reads.changed();
    return { source: mapSource(source), created };
  }

  async getSource(request: storage.GetSourceRequest): Promise<storage.GetSourceResponse> {
    return { source: mapSource(await this.sources.get(request.id)) };
  }

  async listSources(_request: storage.ListSourcesRequest): Promise<storage.ListSourcesResponse> {
    return { sources: (await this.sources.list()).map(mapSource) };
  }

  async claimDueSources(request: storage.ClaimDueSourcesRequest): Promise<storage.ClaimDueSourcesResponse> {
    const claimed = await this.sources.claimDue(request.limit, request.leaseSeconds, request.sourceId);
    return { sources: claimed.map(mapSource) };
  }

  async recordFetchResult(request: storage.RecordFetchResultRequest): Promise<storage.RecordFetchResultResponse> {
    const source = await this.sources.recordFetchResult(request);
    // A first fetch may give the source its title, which article rows carry.
    this.reads.changed();
    return { source: mapSource(source) };
  }

  async resumeSource(request: storage.ResumeSourceRequest): Promise<storage.ResumeSourceResponse> {
    return { source: mapSource(await this.sources.resume(request.id)) };
  }

  async pauseSource(request: storage.PauseSourceRequest): Promise<storage.PauseSourceResponse> {
    return { source: mapSource(await this.sources.pause(request.id)) };
  }

  async updateSource(request: storage.UpdateSourceRequest): Promise<storage.UpdateSourceResponse> {
    const { source, changed } = await this.sources.update(request);
    if (changed) this.reads.changed();
    return { source: mapSource(source), changed };
  }

  async upsertArticles(request: storage.UpsertArticlesRequest): Promise<storage.UpsertArticlesResponse> {
    const result = await this.articles.upsert(request.sourceId, request.items);
    this.reads.changed();
    await this.articleCache.invalidate(result.articleIds.filter((id) => id !== ''));
    return result;
  }

  async deleteArticle(request: storage.DeleteArticleRequest): Promise<storage.DeleteArticleResponse> {
    await this.articles.delete(request.articleId);
    this.reads.changed();
    await this.articleCache.invalidate([request.articleId]);
    return {};
  }

  async getStory(request: storage.GetStoryRequest): Promise<storage.GetStoryResponse> {
    const { story, timeline } = await this.stories.get(request.id);
    return { story: mapStory(story, timeline) };
  }

  async listStories(request: storage.ListStoriesRequest): Promise<storage.ListStoriesResponse> {
    const { stories, nextCursor } = await this.stories.list(request);
    return { stories: stories.map(({ story, timeline }) => mapStory(story, timeline)), nextCursor };
  }

  async getArticle(request: storage.GetArticleRequest): Promise<storage.GetArticleResponse> {
    const article = await this.articleCache.get(
      request.id,
      async () => mapArticle(await this.articles.get(request.id)),
      () => articleNotFound(request.id),
    );
    return { article };
  }

  async listArticles(request: storage.ListArticlesRequest): Promise<storage.ListArticlesResponse> {
    return this.reads.read(`list ${JSON.stringify(request)}`, async () => {
      const page = await this.articles.list(request);
      return { articles: page.articles.map(mapArticle), nextCursor: page.nextCursor };
    });
  }

  async saveAnalysis(request: storage.SaveAnalysisRequest): Promise<storage.SaveAnalysisResponse> {
    await this.analyses.save(request);
    this.reads.changed();
    await this.articleCache.invalidate([request.articleId]);
    return { saved: true };
  }

  async getAnalysisInputs(request: storage.GetAnalysisInputsRequest): Promise<storage.GetAnalysisInputsResponse> {
    return { inputs: await this.analyses.inputs(request.articleIds) };
  }

  async saveAnalyses(request: storage.SaveAnalysesRequest): Promise<storage.SaveAnalysesResponse> {
    const missingArticleIds = await this.analyses.saveMany(request.analyses);
    this.reads.changed();
    await this.articleCache.invalidate(request.analyses.map((analysis) => analysis.articleId));
    return { missingArticleIds };
  }

  async saveLlmSummary(request: storage.SaveLlmSummaryRequest): Promise<storage.SaveLlmSummaryResponse> {
    await this.analyses.saveLlmSummary(request);
    this.reads.changed();
    await this.articleCache.invalidate([request.articleId]);
    return {};
  }

  async similarArticles(request: storage.SimilarArticlesRequest): Promise<storage.SimilarArticlesResponse> {
    // Kept until the next write: detail pages ask for the neighbours of many different articles.
    return this.reads.remember(`similar ${JSON.stringify(request)}`, async () => {
      const rows = await this.similarity.similar(request.articleId, request.limit);
      return { articles: rows.map(mapScoredArticle) };
    });
  }

  async nearestArticles(request: storage.NearestArticlesRequest): Promise<storage.NearestArticlesResponse> {
    const rows = await this.similarity.nearest(request);
    return { articles: rows.map(mapScoredArticle) };
  }

  async getEmbeddings(request: storage.GetEmbeddingsRequest): Promise<storage.GetEmbeddingsResponse> {
    return { embeddings: (await this.analyses.embeddings(request.articleIds)).map(mapArticleEmbedding) };
  }

  async getArticleRefs(request: storage.GetArticleRefsRequest): Promise<storage.GetArticleRefsResponse> {
    return { articles: (await this.articles.refs(request.articleIds)).map(mapArticleRef) };
  }

  async getArticleStories(request: storage.GetArticleStoriesRequest): Promise<storage.GetArticleStoriesResponse> {
    return { stories: (await this.stories.articleStories(request.articleIds)).map(mapArticleStory) };
  }

  async getStoryReading(request: storage.GetStoryReadingRequest, metadata?: Metadata): Promise<storage.GetStoryReadingResponse> {
    return mapStoryReading(await this.stories.reading(request.storyId, requireActor(metadata), request.maxArticles));
  }

  async recordEvent(request: storage.RecordEventRequest, metadata?: Metadata): Promise<storage.RecordEventResponse> {
    return { eventId: await this.events.record(requireActor(metadata), request) };
  }

  async listUserEvents(request: storage.ListUserEventsRequest, metadata?: Metadata): Promise<storage.ListUserEventsResponse> {
    return { events: (await this.events.listForUser(requireActor(metadata), request.limit)).map(mapUserEvent) };
  }

  async search(request: storage.SearchRequest, metadata?: Metadata): Promise<storage.SearchResponse> {
    // The actor is optional (only read_state needs one) but part of the key: its marks shape the answer.
    const actor = actorOf(metadata);
    return this.reads.read(`search ${JSON.stringify([actor, request])}`, async () => {
      const outcome = await this.searches.search(request, actor);
      return { hits: outcome.hits.map(mapSearchHit), nextCursor: outcome.nextCursor, mode: outcome.mode, notice: outcome.notice };
    });
  }

  async createUser(request: storage.CreateUserRequest, metadata?: Metadata): Promise<storage.CreateUserResponse> {
    // The acting user comes from the authenticated call, never from the request body.
    const { user, apiKey } = await this.users.create(request, actorOf(metadata));
    return { user: mapUser(user), apiKey: mapApiKey(apiKey) };
  }

  async getUser(_request: storage.GetUserRequest, metadata?: Metadata): Promise<storage.GetUserResponse> {
    return { user: mapUser(await this.users.get(requireActor(metadata))) };
  }

  async countUsers(): Promise<storage.CountUsersResponse> {
    return { count: await this.users.count() };
  }

  async authenticateApiKey(request: storage.AuthenticateApiKeyRequest): Promise<storage.AuthenticateApiKeyResponse> {
    const { user, apiKeyId } = await this.users.authenticate(request.keyHash);
    return { user: mapUser(user), apiKeyId };
  }

  async createApiKey(request: storage.CreateApiKeyRequest, metadata?: Metadata): Promise<storage.CreateApiKeyResponse> {
    return { apiKey: mapApiKey(await this.users.createApiKey(requireActor(metadata), request.apiKey)) };
  }

  async listApiKeys(_request: storage.ListApiKeysRequest, metadata?: Metadata): Promise<storage.ListApiKeysResponse> {
    return { apiKeys: (await this.users.listApiKeys(requireActor(metadata))).map(mapApiKey) };
  }

  async revokeApiKey(request: storage.RevokeApiKeyRequest, metadata?: Metadata): Promise<storage.RevokeApiKeyResponse> {
    return { apiKey: mapApiKey(await this.users.revokeApiKey(requireActor(metadata), request.apiKeyId)) };
  }

  async setPassword(request: storage.SetPasswordRequest, metadata?: Metadata): Promise<storage.SetPasswordResponse> {
    const { user, sessionsEnded } = await this.sessions.setPassword(requireActor(metadata), request.passwordHash, request.keepTokenHash);
    return { user: mapUser(user), sessionsEnded };
  }

  async getPasswordHash(request: storage.GetPasswordHashRequest): Promise<storage.GetPasswordHashResponse> {
    const { user, passwordHash } = await this.sessions.passwordHash(request.name);
    return { user: mapUser(user), passwordHash };
  }

  async signInWithIdentity(request: storage.SignInWithIdentityRequest): Promise<storage.SignInWithIdentityResponse> {
    const { user, created } = await this.users.signInWithIdentity(request);
    return { user: mapUser(user), created };
  }

  async linkIdentity(request: storage.LinkIdentityRequest, metadata?: Metadata): Promise<storage.LinkIdentityResponse> {
    return { identity: mapIdentity(await this.users.linkIdentity(requireActor(metadata), request)) };
  }

  async listIdentities(_request: storage.ListIdentitiesRequest, metadata?: Metadata): Promise<storage.ListIdentitiesResponse> {
    return { identities: (await this.users.listIdentities(requireActor(metadata))).map(mapIdentity) };
  }

  async unlinkIdentity(request: storage.UnlinkIdentityRequest, metadata?: Metadata): Promise<storage.UnlinkIdentityResponse> {
    await this.users.unlinkIdentity(requireActor(metadata), request);
    return {};
  }

  async createSession(request: storage.CreateSessionRequest, metadata?: Metadata): Promise<storage.CreateSessionResponse> {
    const expiresAt = request.expiresAt ? fromTimestamp(request.expiresAt) : undefined;
    return { session: mapSession(await this.sessions.create(requireActor(metadata), request.tokenHash, expiresAt)) };
  }

  async authenticateSession(request: storage.AuthenticateSessionRequest): Promise<storage.AuthenticateSessionResponse> {
    const { user, session } = await this.sessions.authenticate(request.tokenHash);
    return { user: mapUser(user), session: mapSession(session) };
  }

  async deleteSessions(request: storage.DeleteSessionsRequest, metadata?: Metadata): Promise<storage.DeleteSessionsResponse> {
    return { sessionsEnded: await this.sessions.delete(requireActor(metadata), request.tokenHash) };
  }

  async putSubscription(request: storage.PutSubscriptionRequest, metadata?: Metadata): Promise<storage.PutSubscriptionResponse> {
    const { subscription, created } = await this.library.putSubscription(requireActor(metadata), request);
    return { subscription: mapSubscription(subscription), created };
  }

  async deleteSubscription(request: storage.DeleteSubscriptionRequest, metadata?: Metadata): Promise<storage.DeleteSubscriptionResponse> {
    await this.library.deleteSubscription(requireActor(metadata), request.sourceId);
    return {};
  }

  async listSubscriptions(_request: storage.ListSubscriptionsRequest, metadata?: Metadata): Promise<storage.ListSubscriptionsResponse> {
    return { subscriptions: (await this.library.listSubscriptions(requireActor(metadata))).map(mapSubscription) };
  }

  async setArticleState(request: storage.SetArticleStateRequest, metadata?: Metadata): Promise<storage.SetArticleStateResponse> {
    const marks = await this.library.setArticleState(requireActor(metadata), request);
    // Searches filtered by reading state (saved, read) answer differently now.
    this.reads.changed();
    return { marks: mapMarks(marks) };
  }

  async listUserArticles(request: storage.ListUserArticlesRequest, metadata?: Metadata): Promise<storage.ListUserArticlesResponse> {
    const { articles, nextCursor, total } = await this.library.listUserArticles(requireActor(metadata), request);
    return { articles: articles.map(mapUserArticle), nextCursor, total };
  }

  async setArticleStates(request: storage.SetArticleStatesRequest, metadata?: Metadata): Promise<storage.SetArticleStatesResponse> {
    const changed = await this.library.setArticleStates(requireActor(metadata), request);
    if (changed > 0) this.reads.changed();
    return { changed };
  }

  async markAllRead(request: storage.MarkAllReadRequest, metadata?: Metadata): Promise<storage.MarkAllReadResponse> {
    const marked = await this.library.markAllRead(requireActor(metadata), request);
    if (marked > 0) this.reads.changed();
    return { marked };
  }

  async createSavedSearch(request: storage.CreateSavedSearchRequest, metadata?: Metadata): Promise<storage.CreateSavedSearchResponse> {
    return { search: mapSavedSearch(await this.library.createSavedSearch(requireActor(metadata), request.search)) };
  }

  async listSavedSearches(_request: storage.ListSavedSearchesRequest, metadata?: Metadata): Promise<storage.ListSavedSearchesResponse> {
    return { searches: (await this.library.listSavedSearches(requireActor(metadata))).map(mapSavedSearch) };
  }

  async getSavedSearch(request: storage.GetSavedSearchRequest, metadata?: Metadata): Promise<storage.GetSavedSearchResponse> {
    return { search: mapSavedSearch(await this.library.getSavedSearch(requireActor(metadata), request.savedSearchId)) };
  }

  async deleteSavedSearch(request: storage.DeleteSavedSearchRequest, metadata?: Metadata): Promise<storage.DeleteSavedSearchResponse> {
    await this.library.deleteSavedSearch(requireActor(metadata), request.savedSearchId);
    return {};
  }

  async getFeedControls(_request: storage.GetFeedControlsRequest, metadata?: Metadata): Promise<storage.GetFeedControlsResponse> {
    return { controls: mapFeedControls(await this.feedControls.get(requireActor(metadata))) };
  }

  async putFeedRule(request: storage.PutFeedRuleRequest, metadata?: Metadata): Promise<storage.PutFeedRuleResponse> {
    const { rule, created } = await this.feedControls.putRule(requireActor(metadata), request);
    return { rule: mapFeedRule(rule), created };
  }

  async deleteFeedRule(request: storage.DeleteFeedRuleRequest, metadata?: Metadata): Promise<storage.DeleteFeedRuleResponse> {
    await this.feedControls.deleteRule(requireActor(metadata), request.ruleId);
    return {};
  }

  async putFeedBlend(request: storage.PutFeedBlendRequest, metadata?: Metadata): Promise<storage.PutFeedBlendResponse> {
    return { blend: mapFeedBlend(await this.feedControls.putBlend(requireActor(metadata), request.blend)) };
  }

  async putArticleFeedback(request: storage.PutArticleFeedbackRequest, metadata?: Metadata): Promise<storage.PutArticleFeedbackResponse> {
    const feedback = await this.feedControls.putFeedback(requireActor(metadata), request.articleId, request.direction);
    return { feedback: feedback && mapArticleFeedback(feedback) };
  }

  async recordHubDiscovery(request: storage.RecordHubDiscoveryRequest): Promise<storage.RecordHubDiscoveryResponse> {
    const { row, changed } = await this.webSub.recordDiscovery(request.sourceId, request.hubUrl, request.topicUrl);
    return { subscription: mapWebSubSubscription(row), changed };
  }

  async claimWebSubRenewals(request: storage.ClaimWebSubRenewalsRequest): Promise<storage.ClaimWebSubRenewalsResponse> {
    return { subscriptions: (await this.webSub.claimRenewals(request.limit, request.leaseSeconds)).map(mapWebSubSubscription) };
  }

  async getWebSubSubscription(request: storage.GetWebSubSubscriptionRequest): Promise<storage.GetWebSubSubscriptionResponse> {
    const row = await this.webSub.find(request.sourceId);
    return { subscription: row && mapWebSubSubscription(row) };
  }

  async saveWebSubSubscription(request: storage.SaveWebSubSubscriptionRequest): Promise<storage.SaveWebSubSubscriptionResponse> {
    const s = request.subscription;
    if (!s) throw DomainError.invalidArgument('subscription is required');
    const row = await this.webSub.save({
      sourceId: s.sourceId,
      state: s.state,
      secret: s.secret,
      leaseSeconds: s.leaseSeconds,
      leaseExpiresAt: fromTimestamp(s.leaseExpiresAt) ?? null,
      renewAt: fromTimestamp(s.renewAt) ?? null,
      lastError: s.lastError,
    });
    return { subscription: mapWebSubSubscription(row) };
  }

  async claimFullTextWork(request: storage.ClaimFullTextWorkRequest): Promise<storage.ClaimFullTextWorkResponse> {
    return { work: await this.fullText.claim(request.limit, request.leaseSeconds) };
  }

  async recordFullTextResult(request: storage.RecordFullTextResultRequest): Promise<storage.RecordFullTextResultResponse> {
    const { applied, state, articleUpdated } = await this.fullText.record(request);
    if (articleUpdated) await this.articleCache.invalidate([request.articleId]);
    return { applied, state };
  }

  async listArticlesWithoutEmbedding(
    request: storage.ListArticlesWithoutEmbeddingRequest,
  ): Promise<storage.ListArticlesWithoutEmbeddingResponse> {
    const page = await this.reembedding.pending(request.modelVersion, request.afterId, request.limit);
    return { articles: page.articles.map((a) => ({ id: a.id, title: a.title, text: a.text })), remaining: String(page.remaining) };
  }

  async saveEmbeddings(request: storage.SaveEmbeddingsRequest): Promise<storage.SaveEmbeddingsResponse> {
    const { saved } = await this.reembedding.save(request.modelVersion, request.embeddings ?? []);
    this.reads.changed();
    await this.articleCache.invalidate((request.embeddings ?? []).map((e) => e.articleId));
    return { saved };
  }

  async createPushRule(request: storage.CreatePushRuleRequest, metadata?: Metadata): Promise<storage.CreatePushRuleResponse> {
    return { rule: mapPushRule(await this.pushRules.create(requireActor(metadata), request.rule)) };
  }

  async getPushRule(request: storage.GetPushRuleRequest, metadata?: Metadata): Promise<storage.GetPushRuleResponse> {
    return { rule: mapPushRule(await this.pushRules.get(requireActor(metadata), request.id)) };
  }

  async updatePushRule(request: storage.UpdatePushRuleRequest, metadata?: Metadata): Promise<storage.UpdatePushRuleResponse> {
    return { rule: mapPushRule(await this.pushRules.update(requireActor(metadata), request.id, request.rule)) };
  }

  async listPushRules(_request: storage.ListPushRulesRequest, metadata?: Metadata): Promise<storage.ListPushRulesResponse> {
    return { rules: (await this.pushRules.list(requireActor(metadata))).map(mapPushRule) };
  }

  async deletePushRule(request: storage.DeletePushRuleRequest, metadata?: Metadata): Promise<storage.DeletePushRuleResponse> {
    await this.pushRules.delete(requireActor(metadata), request.id);
    return {};
  }

  async applyPushRules(request: storage.ApplyPushRulesRequest): Promise<storage.ApplyPushRulesResponse> {
    const outcome = await this.pushRules.apply(request.articleIds);
    // mark_read changes what read-state searches answer.
    if (outcome.hits > 0) this.reads.changed();
    return outcome;
  }

  async appendPushEvents(request: storage.AppendPushEventsRequest): Promise<storage.AppendPushEventsResponse> {
    return { added: await this.pushEvents.appendForYou(request.events) };
  }

  async listPushEvents(request: storage.ListPushEventsRequest, metadata?: Metadata): Promise<storage.ListPushEventsResponse> {
    const { events, latestId } = await this.pushEvents.list(requireActor(metadata), request.afterId, request.limit);
    return { events: events.map(mapPushEvent), latestId };
  }

  async listPushAudience(request: storage.ListPushAudienceRequest): Promise<storage.ListPushAudienceResponse> {
    return { userIds: await this.pushEvents.audience(request.limit) };
  }

  async createWebhook(request: storage.CreateWebhookRequest, metadata?: Metadata): Promise<storage.CreateWebhookResponse> {
    return { webhook: mapWebhook(await this.webhooks.create(requireActor(metadata), request)) };
  }

  async listWebhooks(_request: storage.ListWebhooksRequest, metadata?: Metadata): Promise<storage.ListWebhooksResponse> {
    return { webhooks: (await this.webhooks.list(requireActor(metadata))).map(mapWebhook) };
  }

  async updateWebhook(request: storage.UpdateWebhookRequest, metadata?: Metadata): Promise<storage.UpdateWebhookResponse> {
    return { webhook: mapWebhook(await this.webhooks.update(requireActor(metadata), request)) };
  }

  async deleteWebhook(request: storage.DeleteWebhookRequest, metadata?: Metadata): Promise<storage.DeleteWebhookResponse> {
    await this.webhooks.delete(requireActor(metadata), request.id);
    return {};
  }

  async testWebhook(request: storage.TestWebhookRequest, metadata?: Metadata): Promise<storage.TestWebhookResponse> {
    return { delivery: mapWebhookDelivery(await this.webhooks.test(requireActor(metadata), request.id)) };
  }

  async listWebhookDeliveries(request: storage.ListWebhookDeliveriesRequest, metadata?: Metadata): Promise<storage.ListWebhookDeliveriesResponse> {
    const deliveries = await this.webhooks.deliveries(requireActor(metadata), request.webhookId, request.limit);
    return { deliveries: deliveries.map(mapWebhookDelivery) };
  }

  async getWebhookDelivery(request: storage.GetWebhookDeliveryRequest): Promise<storage.GetWebhookDeliveryResponse> {
    return this.webhooks.forAttempt(request.deliveryId);
  }

  async recordWebhookAttempt(request: storage.RecordWebhookAttemptRequest): Promise<storage.RecordWebhookAttemptResponse> {
    return this.webhooks.recordAttempt(request);
  }

  async listDueWebhookDeliveries(request: storage.ListDueWebhookDeliveriesRequest): Promise<storage.ListDueWebhookDeliveriesResponse> {
    return { deliveries: await this.webhooks.listDue(request.limit) };
  }

  async getDigestSettings(_request: storage.GetDigestSettingsRequest, metadata?: Metadata): Promise<storage.GetDigestSettingsResponse> {
    return { settings: mapDigestSettings(await this.digests.get(requireActor(metadata))) };
  }

  async putDigestSettings(request: storage.PutDigestSettingsRequest, metadata?: Metadata): Promise<storage.PutDigestSettingsResponse> {
    return { settings: mapDigestSettings(await this.digests.put(requireActor(metadata), request)) };
  }

  async claimDueDigests(request: storage.ClaimDueDigestsRequest): Promise<storage.ClaimDueDigestsResponse> {
    return { digests: (await this.digests.claimDue(request.limit, request.leaseSeconds)).map(mapDueDigest) };
  }

  async recordDigestSent(request: storage.RecordDigestSentRequest): Promise<storage.RecordDigestSentResponse> {
    return { recorded: await this.digests.recordSent(request) };
  }

  async listDigestHits(request: storage.ListDigestHitsRequest, metadata?: Metadata): Promise<storage.ListDigestHitsResponse> {
    return { articles: (await this.digests.hits(requireActor(metadata), request)).map(mapArticleRef) };
  }
}

/**
 * The user a per-user call acts for: the authenticated actor of its metadata (x-autoglm-actor),
 * never a request field any caller could forge. A call that names none is UNAUTHENTICATED.
 */
function requireActor(metadata: Metadata | undefined): string {
  const actor = actorOf(metadata);
  if (!actor) throw DomainError.unauthenticated('this call acts for a user: send the acting user as x-autoglm-actor metadata');
  return actor;
}
