import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { NEWEST_EMBEDDINGS_SQL, type EmbeddingRow } from '../analyses/embedding-row';
import { articleNotFound } from '../articles/articles.service';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { isUuid } from '../shared/ids';
import { buildNearestQuery } from './nearest-query';
import type { ScoredArticleRow } from './scored-article.mapper';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 500;

export interface NearestInput {
  vector: number[];
  limit: number;
  excludeIds: string[];
  modelVersion: string;
}

/** kNN over article embeddings: pgvector where the column exists, an exact cosine otherwise. */
@Injectable()
export class SimilarityService {
  constructor(@Inject(STORAGE_DATABASE) private readonly db: StorageDatabase) {}

  /** Articles nearest to this article's newest embedding (none when it has no embedding). */
  async similar(articleId: string, limit: number): Promise<ScoredArticleRow[]> {
    const size = checkLimit(limit);
    if (!isUuid(articleId)) throw articleNotFound(articleId);
    const exists = (await this.db.dataSource.query(`SELECT 1 FROM articles WHERE id = $1`, [articleId])) as unknown[];
    if (exists.length === 0) throw articleNotFound(articleId);
    const [own] = (await this.db.dataSource.query(NEWEST_EMBEDDINGS_SQL, [[articleId]])) as EmbeddingRow[];
    if (!own) return [];
    return this.search({ vector: own.values, limit: size, excludeIds: [articleId], modelVersion: own.modelVersion });
  }

  async nearest(input: NearestInput): Promise<ScoredArticleRow[]> {
    const limit = checkLimit(input.limit);
    if (input.vector.length === 0) throw DomainError.invalidArgument('vector must not be empty');
    if (input.vector.some((v) => !Number.isFinite(v))) throw DomainError.invalidArgument('vector contains a non-finite value');
    return this.search({ ...input, limit, excludeIds: input.excludeIds.filter(isUuid) });
  }

  private async search(input: NearestInput): Promise<ScoredArticleRow[]> {
    const { sql, params } = buildNearestQuery({ ...input, pgvector: this.db.pgvector });
    return (await this.db.dataSource.query(sql, params)) as ScoredArticleRow[];
  }
}

function checkLimit(limit: number): number {
  const size = limit || DEFAULT_LIMIT;
  if (!Number.isInteger(size) || size < 1 || size > MAX_LIMIT) {
    throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_LIMIT}`);
  }
  return size;
}
