import { ARTICLE_REF_COLUMNS, FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { toVectorLiteral } from '../similarity/nearest-query';
import { MARK_END, MARK_START } from './search-segmenter';

/** The filters every search mode applies. */
export interface SearchFilters {
  sourceId: string;
  topic: string;
  language: string;
  publishedFrom: Date | undefined;
  publishedTo: Date | undefined;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

/** A candidate of one ranking: an article id and its score in that ranking. */
export interface CandidateRow {
  id: string;
  score: number;
}

/** The search_vector of an article: title words weigh A, text words B (ts_rank_cd's weights 1.0 and 0.4). */
export const SEARCH_VECTOR_SQL = (title: string, text: string) =>
  `setweight(to_tsvector('simple', ${title}), 'A') || setweight(to_tsvector('simple', ${text}), 'B')`;

/** ts_rank_cd normalization 1: divides by 1 + log(document length), so long articles do not win by bulk. */
const RANK_NORMALIZATION = 1;

/** Bound parameters, numbered in the order they are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** WHERE conditions on `a` (and `an` when topic or language is filtered), plus whether `an` is needed. */
function filterSql(filters: SearchFilters, params: Params): { where: string[]; join: string } {
  const where: string[] = [];
  if (filters.sourceId) where.push(`a.source_id = ${params.add(filters.sourceId)}::uuid`);
  if (filters.topic) where.push(`an.topic = ${params.add(filters.topic)}`);
  if (filters.language) where.push(`an.language = ${params.add(filters.language)}`);
  if (filters.publishedFrom) where.push(`${FEED_TIME} >= ${params.add(filters.publishedFrom)}::timestamptz`);
  if (filters.publishedTo) where.push(`${FEED_TIME} <= ${params.add(filters.publishedTo)}::timestamptz`);
  return { where, join: filters.topic || filters.language ? NEWEST_ANALYSIS_JOIN : '' };
}

/** Full-text candidates: articles whose search_vector matches, best ts_rank_cd first (then id). */
export function textCandidatesSql(tsquery: string, filters: SearchFilters, offset: number, limit: number): Statement {
  const params = new Params();
  const query = params.add(tsquery);
  const { where, join } = filterSql(filters, params);
  const sql = `
    SELECT a.id, ts_rank_cd(a.search_vector, q, ${RANK_NORMALIZATION})::float8 AS score
      FROM to_tsquery('simple', ${query}) q, articles a ${join}
     WHERE a.search_vector @@ q ${where.map((w) => `AND ${w}`).join(' ')}
     ORDER BY score DESC, a.id
    OFFSET ${params.add(offset)} LIMIT ${params.add(limit)}`;
  return { sql, params: params.values };
}

export interface SemanticQuery {
  pgvector: boolean;
  vector: number[];
  modelVersion: string;
}

/**
 * Semantic candidates: cosine similarity of the query vector with each article's best embedding of
 * the same dimension (and model version, when given), best first. pgvector's `<=>` where the column
 * exists, an exact cosine over real[] otherwise; zero vectors (no direction) are left out.
 */
export function semanticCandidatesSql(query: SemanticQuery, filters: SearchFilters, offset: number, limit: number): Statement {
  const params = new Params();
  const vector = params.add(query.pgvector ? toVectorLiteral(query.vector) : query.vector);
  const dims = params.add(query.vector.length);
  const version = query.modelVersion ? `AND e.model_version = ${params.add(query.modelVersion)}` : '';
  const scoring = query.pgvector
    ? { from: 'article_embeddings e', score: `1 - (e.vec <=> ${vector}::vector)`, where: 'AND e.vec IS NOT NULL' }
    : {
        from: `article_embeddings e CROSS JOIN LATERAL (
                 SELECT sum(v.x::float8 * v.y::float8)
                        / nullif(sqrt(sum(v.x::float8 * v.x::float8)) * sqrt(sum(v.y::float8 * v.y::float8)), 0) AS cosine
                   FROM unnest(e.values, ${vector}::real[]) AS v(x, y)) c`,
        score: 'c.cosine',
        where: '',
      };
  const { where, join } = filterSql(filters, params);
  // (article_id, model_version) is the primary key: with a version there is one embedding per
  // article, and the plain ORDER BY … LIMIT lets PostgreSQL keep a top-N heap instead of sorting all.
  const perArticle = query.modelVersion
    ? `SELECT article_id, score FROM per_embedding WHERE score IS NOT NULL AND score <> 'NaN'::float8`
    : `SELECT DISTINCT ON (article_id) article_id, score
         FROM per_embedding
        WHERE score IS NOT NULL AND score <> 'NaN'::float8
        ORDER BY article_id, score DESC`;
  const sql = `
    WITH per_embedding AS (
      SELECT e.article_id, ${scoring.score} AS score
        FROM ${scoring.from}
       WHERE e.dims = ${dims} ${scoring.where} ${version}),
    per_article AS (${perArticle})
    SELECT a.id, p.score::float8 AS score
      FROM per_article p JOIN articles a ON a.id = p.article_id ${join}
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY p.score DESC, a.id
    OFFSET ${params.add(offset)} LIMIT ${params.add(limit)}`;
  return { sql, params: params.values };
}

/** The articles of a page (ArticleRefRow columns plus title and text for the highlight). */
export function pageArticlesSql(ids: string[]): Statement {
  return {
    sql: `SELECT ${ARTICLE_REF_COLUMNS}, a.text AS body FROM articles a ${NEWEST_ANALYSIS_JOIN} WHERE a.id = ANY($1::uuid[])`,
    params: [ids],
  };
}

/** ts_headline options: sentinels instead of tags, so the excerpt can be HTML-escaped afterwards. */
export const HEADLINE_OPTIONS = `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`;

/** Excerpts of titles and texts (already prepared by headlineDocument) with the query's words marked. */
export function headlinesSql(titles: string[], texts: string[], headlineQuery: string): Statement {
  return {
    sql: `
      SELECT ts_headline('simple', d.title, q, $4) AS title, ts_headline('simple', d.body, q, $4) AS body
        FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS d(title, body, n), to_tsquery('simple', $3) q
       ORDER BY d.n`,
    params: [titles, texts, headlineQuery, HEADLINE_OPTIONS],
  };
}
