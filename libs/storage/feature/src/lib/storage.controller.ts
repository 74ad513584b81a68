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
import { FullTextWorkService } from './full-text/full-text-work.service';
import { mapSearchHit } from './search/search-hit.mapper';
import { SearchService } from './search/search.service';
import { mapScoredArticle } from './similarity/scored-article.mapper';
import { SimilarityService } from './similarity/similarity.service';
import { mapSource } from './sources/source.mapper';
import { SourcesService } from './sources/sources.service';
import { StoriesService } from './stories/stories.service';
import { LibraryService } from './users/library.service';
import { mapApiKey, mapMarks, mapSavedSearch, mapSession, mapSubscription, mapUser, mapUserArticle } from './users/user.mapper';
import { SessionsService } from './users/sessions.service';
import { UsersService } from './users/users.service';
import { mapStory } from './stories/story.mapper';
import { ReembeddingService } from './reembed/reembedding.service';
import { ReadCoalescing } from './shared/read-coalescing';
import { mapWebSubSubscription } from './websub/websub-subscription.mapper';
import { WebSubSubscriptionsService } from './websub/websub-subscriptions.service';

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
