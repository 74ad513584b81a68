import { storage, type ArticleRef, type ScoredArticle } from '@autoglm/contracts';
import { assertUnreachable } from '@autoglm/shared-errors';
import { isoOrNull, textOrNull } from '../common/values.mapper';
import type { ArticleDto, ArticlePageDto, ArticleSummaryDto, FullTextStateName, SimilarArticleDto } from './article.dto';

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
    llmSummary: article.llmSummary ? { text: article.llmSummary, language: article.llmSummaryLanguage, model: article.llmSummaryModel } : null,
    analyzed: article.analyzed,
    modelVersion: textOrNull(article.modelVersion),
    storyId: textOrNull(article.storyId),
    nearDuplicateOf: article.nearDuplicateOf
      ? {
          articleId: article.nearDuplicateOf.articleId,
          title: article.nearDuplicateOf.title,
          hammingDistance: article.nearDuplicateOf.hammingDistance >= 0 ? article.nearDuplicateOf.hammingDistance : null,
          cosine: article.nearDuplicateOf.cosine > 0 ? article.nearDuplicateOf.cosine : null,
        }
      : null,
    fullTextState: mapFullTextState(article.fullTextState),
    fullTextFailure: textOrNull(article.fullTextFailure),
    similar: mapSimilarArticles(similar),
  };
}

export function mapFullTextState(state: storage.FullTextState): FullTextStateName | null {
  switch (state) {
    // Not an article of a full-text source (or a storage that predates full-text rounds).
    case storage.FullTextState.FULL_TEXT_STATE_UNSPECIFIED:
      return null;
    case storage.FullTextState.FULL_TEXT_STATE_PENDING:
      return 'pending';
    case storage.FullTextState.FULL_TEXT_STATE_DONE:
      return 'done';
    case storage.FullTextState.FULL_TEXT_STATE_FAILED:
      return 'failed';
    default:
      return assertUnreachable(state, 'full-text state');
  }
}
