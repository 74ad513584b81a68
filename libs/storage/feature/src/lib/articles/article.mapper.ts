import { storage, type ArticleRef } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import type { ArticleRefRow, ArticleRow } from './article-row';

export function mapArticle(row: ArticleRow): storage.Article {
  return {
    id: row.id,
    sourceId: row.sourceId,
    url: row.url,
    title: row.title,
    author: row.author,
    publishedAt: row.publishedAt ? toTimestamp(row.publishedAt) : undefined,
    fetchedAt: toTimestamp(row.fetchedAt),
    contentHtml: row.contentHtml,
    text: row.text,
    language: row.language ?? '',
    keywords: row.keywords ?? [],
    topic: row.topic ?? '',
    summary: row.summary ?? '',
    simhash: row.simhash ?? '',
    modelVersion: row.modelVersion ?? '',
    analyzed: row.modelVersion !== null,
    sourceTitle: row.sourceTitle,
    storyId: row.storyId ?? '',
    fullTextState: row.fullTextState ?? storage.FullTextState.FULL_TEXT_STATE_UNSPECIFIED,
    fullTextFailure: row.fullTextFailure ?? '',
    nearDuplicateOf: row.nearDuplicate
      ? {
          articleId: row.nearDuplicate.articleId,
          title: row.nearDuplicate.title,
          hammingDistance: row.nearDuplicate.distance ?? -1,
          cosine: row.nearDuplicate.cosine ?? 0,
        }
      : undefined,
    llmSummary: row.llmSummary ?? '',
    llmSummaryLanguage: row.llmSummaryLanguage ?? '',
    llmSummaryModel: row.llmSummaryModel ?? '',
    llmSummaryInputHash: row.llmSummaryInputHash ?? '',
  };
}

export function mapArticleRef(row: ArticleRefRow): ArticleRef {
  return {
    id: row.id,
    sourceId: row.sourceId,
    url: row.url,
    title: row.title,
    language: row.language ?? '',
    topic: row.topic ?? '',
    summary: row.summary ?? '',
    publishedAt: toTimestamp(row.publishedAt),
  };
}
