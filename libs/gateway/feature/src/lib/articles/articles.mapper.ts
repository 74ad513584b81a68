import type { ArticleRef, ScoredArticle, storage } from '@autoglm/contracts';
import { isoOrNull, textOrNull } from '../common/values.mapper';
import type { ArticleDto, ArticlePageDto, ArticleSummaryDto, SimilarArticleDto } from './article.dto';

/** The list form of an article; storage's Article and the compact ArticleRef share these fields. */
export function mapArticleSummary(article: storage.Article | ArticleRef): ArticleSummaryDto {
  return {
    id: article.id,
    sourceId: article.sourceId,
    url: article.url,
    title: article.title,
    language: textOrNull(article.language),
    topic: textOrNull(article.topic),
    summary: textOrNull(article.summary),
    publishedAt: isoOrNull(article.publishedAt),
  };
}

export function mapArticlePage(page: storage.ListArticlesResponse): ArticlePageDto {
  return { items: page.articles.map(mapArticleSummary), nextCursor: textOrNull(page.nextCursor) };
}

export function mapSimilarArticles(scored: ScoredArticle[]): SimilarArticleDto[] {
  return scored.flatMap(({ article, score }) =>
    article ? [{ id: article.id, title: article.title, url: article.url, score }] : [],
  );
}

export function mapArticle(article: storage.Article, similar: ScoredArticle[]): ArticleDto {
  return {
    id: article.id,
    sourceId: article.sourceId,
    sourceTitle: article.sourceTitle,
    url: article.url,
    title: article.title,
    author: textOrNull(article.author),
    publishedAt: isoOrNull(article.publishedAt),
    fetchedAt: isoOrNull(article.fetchedAt),
    text: article.text,
    contentHtml: article.contentHtml,
    language: textOrNull(article.language),
    keywords: [...article.keywords],
    topic: textOrNull(article.topic),
    summary: textOrNull(article.summary),
    analyzed: article.analyzed,
    modelVersion: textOrNull(article.modelVersion),
    storyId: textOrNull(article.storyId),
    similar: mapSimilarArticles(similar),
  };
}
