import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ScoredArticle, storage } from '@autoglm/contracts';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { PublicReadCache } from '../common/public-read-cache';
import { required } from '../common/values.mapper';
import { DEFAULT_PAGE_SIZE, type ListArticlesQueryDto } from './article.dto';

export const SIMILAR_ARTICLES_LIMIT = 5;

export interface ArticleWithSimilar {
  article: storage.Article;
  similar: ScoredArticle[];
}

/** Reads articles from storage for both the REST and the GraphQL surface. */
@Injectable()
export class ArticleReader {
  private readonly logger = new Logger(ArticleReader.name);

  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    private readonly readCache: PublicReadCache,
  ) {}

  list(query: ListArticlesQueryDto): Promise<storage.ListArticlesResponse> {
    return this.storage.listArticles({
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor ?? '',
      sourceId: query.sourceId ?? '',
      topic: query.topic ?? '',
      language: query.language ?? '',
      // The list shows no text (see mapArticleSummary): a page of full texts is some 20 times larger.
      withoutContent: true,
    });
  }

  async get(id: string): Promise<ArticleWithSimilar> {
    const [found, similar] = await Promise.all([
      this.storage.getArticle({ id }),
      this.similarTo(id),
    ]);
    return { article: required(found.article, 'article'), similar };
  }

  async delete(id: string): Promise<void> {
    await this.storage.deleteArticle({ articleId: id });
    // The list, the article and the stories and neighbours that showed it: simplest to drop them all.
    this.readCache.clear();
  }

  /** Neighbours are a bonus: when the vector search fails the article is still shown, without them. */
  async similarTo(articleId: string): Promise<ScoredArticle[]> {
    try {
      const { articles } = await this.storage.similarArticles({ articleId, limit: SIMILAR_ARTICLES_LIMIT });
      return articles;
    } catch (error) {
      this.logger.warn(`similar articles of ${articleId} unavailable: ${(error as Error).message}`);
      return [];
    }
  }
}
