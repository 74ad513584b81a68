import { ARTICLE_REF_COLUMNS, FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { hnswEfSearch, toVectorLiteral } from '../similarity/nearest-query';
import { MARK_END, MARK_START } from './search-segmenter';
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
 * articles (ArticleRefRow columns, `body` = text for the highlight, `score`) in rank order. One
 * round trip instead of one per ranking plus one for the rows.
 */
export function rankedPageSql(
  ranking: SearchRanking,
  filters: SearchFilters,
  offset: number,
  limit: number,
  headlineQuery: string,
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
  const headline = `to_tsquery('simple', ${params.add(headlineQuery)})`;
  const options = params.add(HEADLINE_OPTIONS);
  // Only an article the query's words match gets ts_headline (the costly part of a page); the
  // others (semantic hits without the words) get their lead, cut in JS.
  const matches = matchQuery ? `a.search_vector @@ to_tsquery('simple', ${params.add(matchQuery)})` : 'false';
  const sql = `
    WITH page AS (SELECT * FROM (${ranked}) r OFFSET ${pageOffset} LIMIT ${pageLimit})
    SELECT ${ARTICLE_REF_COLUMNS}, page.score,
           CASE WHEN m.matches THEN ts_headline('simple', ${headlineDocumentSql('a.title')}, hq, ${options}) END AS "titleHeadline",
           CASE WHEN m.matches THEN ts_headline('simple', ${headlineDocumentSql(`left(a.text, ${HEADLINE_CHARS})`)}, hq, ${options}) END AS "bodyHeadline",
           CASE WHEN m.matches THEN NULL ELSE left(a.text, ${LEAD_CHARS}) END AS "lead"
      FROM page JOIN articles a ON a.id = page.id ${NEWEST_ANALYSIS_JOIN}, ${headline} hq,
           LATERAL (SELECT coalesce(${matches}, false) AS matches) m
     ORDER BY page.score DESC, a.id`;
  const topN = ranking.kind === 'semantic' ? offset + limit : ranking.kind === 'hybrid' ? ranking.candidates : 0;
  const efSearch = ranking.kind !== 'text' && usesHnswIndex(ranking.semantic, filters, topN) ? hnswEfSearch(topN, 0) : 0;
  return { sql, params: params.values, efSearch };
}

/** ts_headline reads at most this much of an article (the excerpt is near the start anyway). */
const HEADLINE_CHARS = 20_000;
/** Characters of an article's start read for the lead excerpt of a hit the query's words do not match. */
const LEAD_CHARS = 600;

/**
 * Characters between which the headline document gets a space so that ts_headline, which splits
 * Chinese and Japanese text into no words, can mark each character (a character phrase matches a
 * word): Han (CJK Unified Ideographs, Extension A, compatibility ideographs), Hiragana and Katakana
 * letters. A subset of the script classes compactHighlight removes those spaces between again.
 */
const HEADLINE_CJK = '[\\u3041-\\u3096\\u309D-\\u309F\\u30A1-\\u30FA\\u30FD-\\u30FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFA6D]';

/** SQL for the text ts_headline reads: the sentinels removed, a space between adjacent CJK characters. */
function headlineDocumentSql(column: string): string {
  const clean = `translate(${column}, E'${MARK_START}${MARK_END}', '')`;
  // The look-ahead replacement is the costly part of a page of results: only texts with CJK need it.
  return `CASE WHEN ${column} ~ '${HEADLINE_CJK}' THEN regexp_replace(${clean}, '(${HEADLINE_CJK})(?=${HEADLINE_CJK})', '\\1 ', 'g') ELSE ${clean} END`;
}

/** ts_headline options: sentinels instead of tags, so the excerpt can be HTML-escaped afterwards. */
export const HEADLINE_OPTIONS = `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`;
