import { ARTICLE_REF_COLUMNS, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';

export interface NearestQuery {
  /** Use pgvector's `<=>` on article_embeddings.vec, else an exact cosine over the real[] column. */
  pgvector: boolean;
  vector: number[];
  limit: number;
  excludeIds: string[];
  /** Only embeddings of this model version; empty means any version of the same dimension. */
  modelVersion: string;
}

/** pgvector's text form of a vector. */
export function toVectorLiteral(values: number[]): string {
  return `[${values.join(',')}]`;
}

/**
 * The kNN statement: cosine similarity of every embedding with the query's dimension, the best
 * embedding per article, then the top `limit` articles (ArticleRefRow columns plus `score`).
 * Zero vectors have no direction: their score is NULL/NaN and they are left out.
 */
export function buildNearestQuery(query: NearestQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [
    query.pgvector ? toVectorLiteral(query.vector) : query.vector,
    query.vector.length,
    query.excludeIds,
    query.limit,
  ];
  const scoring = query.pgvector
    ? { from: 'article_embeddings e', score: '1 - (e.vec <=> $1::vector)', filter: 'AND e.vec IS NOT NULL' }
    : {
        // Exact cosine in SQL: the dot product over the norms, in double precision.
        from: `article_embeddings e CROSS JOIN LATERAL (
                 SELECT sum(p.x::float8 * p.y::float8)
                        / nullif(sqrt(sum(p.x::float8 * p.x::float8)) * sqrt(sum(p.y::float8 * p.y::float8)), 0) AS score
                   FROM unnest(e.values, $1::real[]) AS p(x, y)) c`,
        score: 'c.score',
        filter: '',
      };
  let versionFilter = '';
  if (query.modelVersion) {
    params.push(query.modelVersion);
    versionFilter = `AND e.model_version = $${params.length}`;
  }
  const sql = `
    WITH scored AS (
      SELECT e.article_id, ${scoring.score} AS score
        FROM ${scoring.from}
       WHERE e.dims = $2 AND NOT (e.article_id = ANY($3::uuid[])) ${scoring.filter} ${versionFilter}),
    best AS (
      SELECT DISTINCT ON (article_id) article_id, score
        FROM scored
       WHERE score IS NOT NULL AND score <> 'NaN'::float8
       ORDER BY article_id, score DESC)
    SELECT ${ARTICLE_REF_COLUMNS}, b.score
      FROM best b JOIN articles a ON a.id = b.article_id ${NEWEST_ANALYSIS_JOIN}
     ORDER BY b.score DESC, a.id
     LIMIT $4`;
  return { sql, params };
}
