import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { NEWEST_EMBEDDINGS_SQL, type EmbeddingRow } from '../analyses/embedding-row';
import { articleNotFound } from '../articles/articles.service';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { ARTICLE_REF_COLUMNS, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { quoteLexeme } from '../search/search-query';
import { SearchSegmenter } from '../search/search-segmenter';
import { isUuid } from '../shared/ids';
import { HnswIndexes } from './hnsw-indexes';
import { buildNearestQuery, hnswEfSearch } from './nearest-query';
import type { ScoredArticleRow } from './scored-article.mapper';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 500;
/** Keyword lexemes used for a lexical "more like this" query. */
const MAX_KEYWORD_LEXEMES = 32;

export interface NearestInput {
  vector: number[];
  limit: number;
  excludeIds: string[];
  modelVersion: string;
}

/**
 * kNN over article embeddings: pgvector's HNSW index where one exists for the query's dimension,
 * pgvector's exact `<=>` scan for other dimensions, an exact cosine over real[] without pgvector.
 */
@Injectable()
export class SimilarityService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    private readonly segmenter: SearchSegmenter,
    private readonly hnsw: HnswIndexes,
  ) {}

  /**
   * Articles nearest to this article's newest embedding. An article without a meaningful
   * embedding (e.g. Chinese: the offline model knows only English words) falls back to lexical
   * similarity: its analysis keywords (TF-IDF-ranked, jieba-segmented for Chinese) as an OR
   * full-text query over the search index, ranked by ts_rank_cd — word overlap, not semantics.
   */
  async similar(articleId: string, limit: number): Promise<ScoredArticleRow[]> {
    const size = checkLimit(limit);
    if (!isUuid(articleId)) throw articleNotFound(articleId);
    const exists = (await this.db.dataSource.query(`SELECT 1 FROM articles WHERE id = $1`, [articleId])) as unknown[];
    if (exists.length === 0) throw articleNotFound(articleId);
    const [own] = (await this.db.dataSource.query(NEWEST_EMBEDDINGS_SQL, [[articleId]])) as EmbeddingRow[];
    if (!own) return this.similarByKeywords(articleId, size);
    return this.search({ vector: own.values, limit: size, excludeIds: [articleId], modelVersion: own.modelVersion });
  }

  async nearest(input: NearestInput): Promise<ScoredArticleRow[]> {
    const limit = checkLimit(input.limit);
    if (input.vector.length === 0) throw DomainError.invalidArgument('vector must not be empty');
    if (input.vector.some((v) => !Number.isFinite(v))) throw DomainError.invalidArgument('vector contains a non-finite value');
    return this.search({ ...input, limit, excludeIds: input.excludeIds.filter(isUuid) });
  }

  private async similarByKeywords(articleId: string, limit: number): Promise<ScoredArticleRow[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT an.keywords FROM articles a ${NEWEST_ANALYSIS_JOIN} WHERE a.id = $1`,
      [articleId],
    )) as Array<{ keywords: string[] | null }>;
    const lexemes = new Set<string>();
    for (const keyword of rows[0]?.keywords ?? []) {
      for (const token of this.segmenter.tokens(keyword, 'query')) {
        const text = token.text.toLowerCase().trim();
        if (text) lexemes.add(text);
      }
    }
    if (lexemes.size === 0) return [];
    const tsquery = [...lexemes].slice(0, MAX_KEYWORD_LEXEMES).map(quoteLexeme).join(' | ');
    return (await this.db.dataSource.query(
      `SELECT ${ARTICLE_REF_COLUMNS}, ts_rank_cd(a.search_vector, q, 1)::float8 AS score
         FROM to_tsquery('simple', $1) q, articles a ${NEWEST_ANALYSIS_JOIN}
        WHERE a.search_vector @@ q AND a.id <> $2
        ORDER BY score DESC, a.id
        LIMIT $3`,
      [tsquery, articleId, limit],
    )) as ScoredArticleRow[];
  }

  private async search(input: NearestInput): Promise<ScoredArticleRow[]> {
    const indexed = this.db.pgvector && this.hnsw.has(input.vector.length);
    const { sql, params } = buildNearestQuery({ ...input, pgvector: this.db.pgvector, indexed });
    const efSearch = indexed ? hnswEfSearch(input.limit, input.excludeIds.length) : 0;
    if (efSearch <= this.db.sessionEfSearch) return (await this.db.dataSource.query(sql, params)) as ScoredArticleRow[];
    // A longer search list than the session's: set for this query's transaction only.
    return this.db.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL hnsw.ef_search = ${efSearch}`);
      return (await manager.query(sql, params)) as ScoredArticleRow[];
    });
  }
}

function checkLimit(limit: number): number {
  const size = limit || DEFAULT_LIMIT;
  if (!Number.isInteger(size) || size < 1 || size > MAX_LIMIT) {
    throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_LIMIT}`);
  }
  return size;
}
