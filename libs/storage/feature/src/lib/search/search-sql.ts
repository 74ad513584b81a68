import { ARTICLE_REF_COLUMNS, FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { hnswEfSearch, toVectorLiteral } from '../similarity/nearest-query';
import { storage } from '@autoglm/contracts';

type ReadingListFilter = storage.ReadingListFilter;

/** The filters every search mode applies. */
export interface SearchFilters {
  sourceId: string;
  topic: string;
  language: string;
  publishedFrom: Date | undefined;
  publishedTo: Date | undefined;
  /** With userId: only articles the user has not read / has read / has starred (UNSPECIFIED: all). */
  readState: ReadingListFilter;
  userId: string;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

/** The k of reciprocal-rank fusion (Cormack, Clarke & Büttcher, 2009): damps the weight of top ranks. */
export const RRF_K = 60;

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
  const mark = (column: string) =>
    `EXISTS (SELECT 1 FROM article_states st WHERE st.article_id = a.id AND st.user_id = ${params.add(filters.userId)}::uuid AND st.${column} IS NOT NULL)`;
  if (filters.readState === storage.ReadingListFilter.READING_LIST_FILTER_UNREAD) where.push(`NOT ${mark('read_at')}`);
  if (filters.readState === storage.ReadingListFilter.READING_LIST_FILTER_READ) where.push(mark('read_at'));
  if (filters.readState === storage.ReadingListFilter.READING_LIST_FILTER_STARRED) where.push(mark('starred_at'));
  return { where, join: filters.topic || filters.language ? NEWEST_ANALYSIS_JOIN : '' };
}

/** The full-text ranking: articles whose search_vector matches, best ts_rank_cd first (then id); columns id, score. */
function textRankingSql(tsquery: string, filters: SearchFilters, params: Params): string {
  const query = params.add(tsquery);
  const { where, join } = filterSql(filters, params);
  return `
    SELECT a.id, ts_rank_cd(a.search_vector, q, ${RANK_NORMALIZATION})::float8 AS score
      FROM to_tsquery('simple', ${query}) q, articles a ${join}
     WHERE a.search_vector @@ q ${where.map((w) => `AND ${w}`).join(' ')}
     ORDER BY score DESC, a.id`;
}

export interface SemanticQuery {
  pgvector: boolean;
  vector: number[];
  modelVersion: string;
  /** An HNSW index exists for the vector's dimension (see similarity/hnsw-indexes.ts). */
  indexed?: boolean;
}

/**
 * The semantic ranking (columns id, score): cosine similarity of the query vector with each
 * article's best embedding of the same dimension (and model version, when given), best first.
 * pgvector's `<=>` where the column exists, an exact cosine over real[] otherwise; zero vectors
 * (no direction) are left out.
 */
function semanticRankingSql(query: SemanticQuery, filters: SearchFilters, params: Params, topN: number): string {
  if (usesHnswIndex(query, filters, topN)) return indexedSemanticRankingSql(query, params, topN);
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
  // Without filters on the article, only the best topN embeddings can make the page: cut there,
  // before the join (a top-N heap over the scores instead of joining every article and sorting).
  const cut = where.length === 0 && !join ? `ORDER BY score DESC, article_id LIMIT ${params.add(topN)}` : '';
  // (article_id, model_version) is the primary key: with a version there is one embedding per
  // article, and the plain ORDER BY … LIMIT lets PostgreSQL keep a top-N heap instead of sorting all.
  const perArticle = query.modelVersion
    ? `SELECT article_id, score FROM per_embedding WHERE score IS NOT NULL AND score <> 'NaN'::float8 ${cut}`
    : `SELECT * FROM (
         SELECT DISTINCT ON (article_id) article_id, score
           FROM per_embedding
          WHERE score IS NOT NULL AND score <> 'NaN'::float8
          ORDER BY article_id, score DESC) best ${cut}`;
  return `
    WITH per_embedding AS (
      SELECT e.article_id, ${scoring.score} AS score
        FROM ${scoring.from}
       WHERE e.dims = ${dims} ${scoring.where} ${version}),
    per_article AS (${perArticle})
    SELECT a.id, p.score::float8 AS score
      FROM per_article p JOIN articles a ON a.id = p.article_id ${join}
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY p.score DESC, a.id`;
}

/**
 * Whether the semantic ranking walks the HNSW index (approximate, like every pgvector index): with
 * pgvector, an index for the dimension, one model version, no filter on the article (the index
 * yields the nearest embeddings of all articles) and a top list the search list size can hold.
 */
export function usesHnswIndex(query: SemanticQuery, filters: SearchFilters, topN: number): boolean {
  const filtered = Boolean(filters.sourceId || filters.topic || filters.language || filters.publishedFrom || filters.publishedTo || filters.readState);
  return query.pgvector && Boolean(query.indexed) && query.modelVersion !== '' && !filtered && hnswEfSearch(topN, 0) >= topN;
}

/**
 * The semantic ranking served by the HNSW index of the query's dimension: the index yields the
 * topN nearest embeddings of the model version (the caller sets hnsw.ef_search ≥ topN), ranked
 * by score then id. The dimension is a literal so that the planner matches the partial index.
 */
function indexedSemanticRankingSql(query: SemanticQuery, params: Params, topN: number): string {
  const dims = query.vector.length;
  const distance = `(e.vec::vector(${dims})) <=> ${params.add(toVectorLiteral(query.vector))}::vector(${dims})`;
  const version = params.add(query.modelVersion);
  return `
    SELECT n.article_id AS id, (1 - n.distance)::float8 AS score
      FROM (SELECT e.article_id, ${distance} AS distance
              FROM article_embeddings e
             WHERE e.dims = ${dims} AND e.model_version = ${version}
             ORDER BY ${distance}
             LIMIT ${params.add(topN)}) n
     WHERE n.distance <> 'NaN'::float8
     ORDER BY score DESC, id`;
}

/** What a page of search results is ranked by. */
export type SearchRanking =
  | { kind: 'text'; tsquery: string }
  | { kind: 'semantic'; semantic: SemanticQuery }
  /** Reciprocal-rank fusion of the first `candidates` of the full-text (when tsquery) and semantic rankings. */
  | { kind: 'hybrid'; tsquery: string; semantic: SemanticQuery; candidates: number };

/**
 * One statement for a page of results: the ranking, its rows offset..offset+limit and those
 * articles (ArticleRefRow columns, `score`, and the start of the text for the excerpt) in rank
 * order. One round trip instead of one per ranking plus one for the rows. An article the query's
 * words match (`matches`) brings up to EXCERPT_SOURCE_CHARS of its text, for highlightExcerpt;
 * the others (semantic hits without the words) their lead.
 */
export function rankedPageSql(
  ranking: SearchRanking,
  filters: SearchFilters,
  offset: number,
  limit: number,
  matchQuery = '',
): Statement & {
  /** hnsw.ef_search the statement needs (it walks the HNSW index), else 0. */
  efSearch: number;
} {
  const params = new Params();
  let ranked: string;
  if (ranking.kind === 'text') ranked = textRankingSql(ranking.tsquery, filters, params);
  else if (ranking.kind === 'semantic') ranked = semanticRankingSql(ranking.semantic, filters, params, offset + limit);
  else {
    // Each list adds 1 / (k + rank) per id (rank from 1, in the list's own order); best sum first,
    // ties by id. Two addends per id at most, so the sum does not depend on the order of addition.
    const candidates = params.add(ranking.candidates);
    const lists = [
      ...(ranking.tsquery ? [textRankingSql(ranking.tsquery, filters, params)] : []),
      semanticRankingSql(ranking.semantic, filters, params, ranking.candidates),
    ].map(
      (list, i) => `SELECT id, 1::float8 / (${RRF_K} + row_number() OVER (ORDER BY score DESC, id)) AS weight
                      FROM (SELECT * FROM (${list}) l${i} LIMIT ${candidates}) c${i}`,
    );
    ranked = `SELECT id, sum(weight)::float8 AS score FROM (${lists.join(' UNION ALL ')}) w GROUP BY id ORDER BY score DESC, id`;
  }
  const pageOffset = params.add(offset);
  const pageLimit = params.add(limit);
  // A text ranking only yields matches; a semantic one is checked per row of the page.
  const matches =
    ranking.kind === 'text' ? 'true' : matchQuery ? `coalesce(a.search_vector @@ to_tsquery('simple', ${params.add(matchQuery)}), false)` : 'false';
  const sql = `
    WITH page AS (SELECT * FROM (${ranked}) r OFFSET ${pageOffset} LIMIT ${pageLimit})
    SELECT ${ARTICLE_REF_COLUMNS}, page.score, m.matches,
           left(a.text, CASE WHEN m.matches THEN ${EXCERPT_SOURCE_CHARS} ELSE ${LEAD_CHARS} END) AS "excerptSource"
      FROM page JOIN articles a ON a.id = page.id ${NEWEST_ANALYSIS_JOIN},
           LATERAL (SELECT ${matches} AS matches) m
     ORDER BY page.score DESC, a.id`;
  const topN = ranking.kind === 'semantic' ? offset + limit : ranking.kind === 'hybrid' ? ranking.candidates : 0;
  const efSearch = ranking.kind !== 'text' && usesHnswIndex(ranking.semantic, filters, topN) ? hnswEfSearch(topN, 0) : 0;
  return { sql, params: params.values, efSearch };
}

/** Characters of a matched article's text the excerpt is made from (the best fragments are near the start anyway). */
export const EXCERPT_SOURCE_CHARS = 10_000;
/** Characters of an article's start read for the lead excerpt of a hit the query's words do not match. */
const LEAD_CHARS = 600;
