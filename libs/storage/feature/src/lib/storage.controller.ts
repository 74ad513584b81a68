import { Controller } from '@nestjs/common';
import { storage } from '@autoglm/contracts';
import { mapArticleEmbedding } from './analyses/embedding.mapper';
import { AnalysesService } from './analyses/analyses.service';
import { mapArticle, mapArticleRef } from './articles/article.mapper';
import { ArticleCache } from './articles/article-cache';
import { articleNotFound, ArticlesService } from './articles/articles.service';
import { mapUserEvent } from './events/user-event.mapper';
import { EventsService } from './events/events.service';
import { mapSearchHit } from './search/search-hit.mapper';
import { SearchService } from './search/search.service';
import { mapScoredArticle } from './similarity/scored-article.mapper';
import { SimilarityService } from './similarity/similarity.service';
import { mapSource } from './sources/source.mapper';
import { SourcesService } from './sources/sources.service';
import { StoriesService } from './stories/stories.service';
import { mapStory } from './stories/story.mapper';

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
  ) {}

  async createSource(request: storage.CreateSourceRequest): Promise<storage.CreateSourceResponse> {
    const { source, created } = await this.sources.create(request);
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
    return { source: mapSource(await this.sources.recordFetchResult(request)) };
  }

  async resumeSource(request: storage.ResumeSourceRequest): Promise<storage.ResumeSourceResponse> {
    return { source: mapSource(await this.sources.resume(request.id)) };
  }

  async upsertArticles(request: storage.UpsertArticlesRequest): Promise<storage.UpsertArticlesResponse> {
    const result = await this.articles.upsert(request.sourceId, request.items);
    await this.articleCache.invalidate(result.articleIds.filter((id) => id !== ''));
    return result;
  }

  async deleteArticle(request: storage.DeleteArticleRequest): Promise<storage.DeleteArticleResponse> {
    await this.articles.delete(request.articleId);
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
    const page = await this.articles.list(request);
    return { articles: page.articles.map(mapArticle), nextCursor: page.nextCursor };
  }

  async saveAnalysis(request: storage.SaveAnalysisRequest): Promise<storage.SaveAnalysisResponse> {
    await this.analyses.save(request);
    await this.articleCache.invalidate([request.articleId]);
    return { saved: true };
  }

  async similarArticles(request: storage.SimilarArticlesRequest): Promise<storage.SimilarArticlesResponse> {
    const rows = await this.similarity.similar(request.articleId, request.limit);
    return { articles: rows.map(mapScoredArticle) };
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

  async recordEvent(request: storage.RecordEventRequest): Promise<storage.RecordEventResponse> {
    return { eventId: await this.events.record(request) };
  }

  async listUserEvents(request: storage.ListUserEventsRequest): Promise<storage.ListUserEventsResponse> {
    return { events: (await this.events.listForUser(request.userId, request.limit)).map(mapUserEvent) };
  }

  async search(request: storage.SearchRequest): Promise<storage.SearchResponse> {
    const outcome = await this.searches.search(request);
    return { hits: outcome.hits.map(mapSearchHit), nextCursor: outcome.nextCursor, mode: outcome.mode, notice: outcome.notice };
  }
}
