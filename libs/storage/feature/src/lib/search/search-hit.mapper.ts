import type { storage } from '@autoglm/contracts';
import { mapArticleRef } from '../articles/article.mapper';
import type { SearchHitRow } from './search.service';

export function mapSearchHit(row: SearchHitRow): storage.SearchHit {
  const { score, highlight, ...article } = row;
  return { article: mapArticleRef(article), score, highlight };
}
