import type { storage } from '@autoglm/contracts';
import type { EmbeddingRow } from './embedding-row';

export function mapArticleEmbedding(row: EmbeddingRow): storage.ArticleEmbedding {
  return { articleId: row.articleId, modelVersion: row.modelVersion, vector: row.values, title: row.title };
}
