/** The newest embedding of an article (by its analysis time), with the article's title. */
export interface EmbeddingRow {
  articleId: string;
  modelVersion: string;
  values: number[];
  title: string;
}

/** Newest embedding per article among `$1::uuid[]`. */
export const NEWEST_EMBEDDINGS_SQL = `
  SELECT DISTINCT ON (e.article_id)
         e.article_id AS "articleId", e.model_version AS "modelVersion", e.values, a.title
    FROM article_embeddings e
    JOIN articles a ON a.id = e.article_id
    LEFT JOIN article_analyses an ON an.article_id = e.article_id AND an.model_version = e.model_version
   WHERE e.article_id = ANY($1::uuid[])
   ORDER BY e.article_id, an.created_at DESC NULLS LAST, e.model_version DESC`;
