import type { ScoredArticle } from '@autoglm/contracts';
import { mapArticleRef } from '../articles/article.mapper';
import type { ArticleRefRow } from '../articles/article-row';

export type ScoredArticleRow = ArticleRefRow & { score: number };

export function mapScoredArticle(row: ScoredArticleRow): ScoredArticle {
  return { article: mapArticleRef(row), score: row.score };
}
