import { ARTICLE_REF_COLUMNS, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';

export interface NearestQuery {
  /** Use pgvector's `<=>` on article_embeddings.vec, else an exact cosine over the real[] column. */
  pgvector: boolean;
  vector: number[];
  limit: number;
  excludeIds: string[];
  /** Only embeddings of this model version; empty means any version of the same dimension. */
  modelVersion: string;
  /**
   * An HNSW index exists for the query's dimension (see hnsw-indexes.ts): walk it (approximate)
   * instead of scoring every embedding. Only meaningful with pgvector.
   */
  indexed?: boolean;
}

/** The name of the partial HNSW index over the embeddings of one dimension. */
export function hnswIndexName(dims: number): string {
  return `IDX_article_embeddings_hnsw_${dims}`;
}

/** pgvector's HNSW indexes vectors of at most 2,000 dimensions. */
export const HNSW_MAX_DIMS = 2000;

/**
 * The statement creating the HNSW index of one dimension: `vec` has no fixed dimension (models
 * of different sizes coexist), so the index is over the expression `vec::vector(dims)`, partial
 * on `dims`; queries must use the very same expression and predicate to be served by it.
 */
export function hnswIndexSql(dims: number): string {
  checkIndexDims(dims);
  return `CREATE INDEX IF NOT EXISTS "${hnswIndexName(dims)}" ON article_embeddings
            USING hnsw ((vec::vector(${dims})) vector_cosine_ops) WITH (m = 16, ef_construction = 64)
            WHERE dims = ${dims}`;
}

/**
 * Candidates an index scan returns at most (pgvector's hnsw.ef_search): the search list size.
 * 200 gives recall@10 ≈ 0.97 on 20,000 random 64-d vectors (measured on PGlite, pgvector 0.8.1);
 * grown for larger limits, capped at pgvector's maximum of 1,000.
 */
export function hnswEfSearch(limit: number, excluded: number): number {
  return Math.min(1000, Math.max(200, 2 * (limit + excluded)));
}

/**
 * hnsw.ef_search every storage session starts with: enough for a hybrid search's candidates, the
 * first five pages of a semantic search and a similar-articles list, so those need no transaction
 * to raise it (SET LOCAL is only used beyond). A larger list costs every query that walks the
 * index: 400 instead of 200 made the walk ~40% slower (tools/bench/search-query).
 */
export const SESSION_HNSW_EF_SEARCH = 200;

function checkIndexDims(dims: number): void {
  // Interpolated into SQL (a partial-index predicate must be a literal): only a small positive integer.
  if (!Number.isInteger(dims) || dims < 1 || dims > HNSW_MAX_DIMS) throw new RangeError(`no HNSW index for ${dims} dimensions`);
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
  if (query.pgvector && query.indexed) return buildIndexedNearestQuery(query);
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

/**
 * The kNN statement served by the HNSW index of the query's dimension: the index yields the
 * nearest embeddings (at most hnsw.ef_search of them, set by the caller), then exclusions, the best
 * embedding per article and the limit apply to those candidates. The dimension is a literal so
 * the planner matches the partial index (`WHERE dims = <d>`).
 */
function buildIndexedNearestQuery(query: NearestQuery): { sql: string; params: unknown[] } {
  const dims = query.vector.length;
  checkIndexDims(dims);
  const params: unknown[] = [
    toVectorLiteral(query.vector),
    hnswEfSearch(query.limit, query.excludeIds.length),
    query.excludeIds,
    query.limit,
  ];
  let versionFilter = '';
  if (query.modelVersion) {
    params.push(query.modelVersion);
    versionFilter = `AND e.model_version = $${params.length}`;
  }
  const distance = `(e.vec::vector(${dims})) <=> $1::vector(${dims})`;
  const sql = `
    WITH nearest AS (
      SELECT e.article_id, ${distance} AS distance
        FROM article_embeddings e
       WHERE e.dims = ${dims} ${versionFilter}
       ORDER BY ${distance}
       LIMIT $2),
    best AS (
      SELECT DISTINCT ON (article_id) article_id, 1 - distance AS score
        FROM nearest
       WHERE NOT (article_id = ANY($3::uuid[])) AND distance <> 'NaN'::float8
       ORDER BY article_id, distance)
    SELECT ${ARTICLE_REF_COLUMNS}, b.score
      FROM best b JOIN articles a ON a.id = b.article_id ${NEWEST_ANALYSIS_JOIN}
     ORDER BY b.score DESC, a.id
     LIMIT $4`;
  return { sql, params };
}
