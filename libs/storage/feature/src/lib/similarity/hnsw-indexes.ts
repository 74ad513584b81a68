import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { HNSW_MAX_DIMS, hnswIndexName, hnswIndexSql } from './nearest-query';

const INDEX_NAME = /^IDX_article_embeddings_hnsw_(\d+)$/;

/**
 * The HNSW indexes of article_embeddings, one per embedding dimension (partial indexes over
 * `vec::vector(dims)`). The shipped model's dimension gets its index from a migration; the first
 * embedding of any other dimension (≤ 2,000) creates one on demand, so a newly configured model
 * is indexed without a migration. The build blocks writes to article_embeddings briefly (it
 * indexes only that dimension's rows, which are few when the model is new).
 * Without pgvector there is no index and kNN stays exact.
 */
@Injectable()
export class HnswIndexes implements OnModuleInit {
  private readonly logger = new Logger(HnswIndexes.name);
  private readonly indexed = new Set<number>();
  private readonly building = new Map<number, Promise<void>>();

  constructor(@Inject(STORAGE_DATABASE) private readonly db: StorageDatabase) {}

  async onModuleInit(): Promise<void> {
    if (!this.db.pgvector) return;
    const rows = (await this.db.dataSource.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'article_embeddings'`,
    )) as Array<{ indexname: string }>;
    for (const { indexname } of rows) {
      const match = INDEX_NAME.exec(indexname);
      if (match) this.indexed.add(Number(match[1]));
    }
    this.logger.log(`HNSW indexes for dimensions: ${[...this.indexed].sort((a, b) => a - b).join(', ') || 'none'}`);
  }

  /** True when kNN over vectors of this dimension can walk an HNSW index. */
  has(dims: number): boolean {
    return this.indexed.has(dims);
  }

  /** Creates the index of this dimension unless it exists (once per process even under concurrency). */
  ensure(dims: number): Promise<void> {
    if (!this.db.pgvector || dims > HNSW_MAX_DIMS || this.indexed.has(dims)) return Promise.resolve();
    let pending = this.building.get(dims);
    if (!pending) {
      pending = this.create(dims).finally(() => this.building.delete(dims));
      this.building.set(dims, pending);
    }
    return pending;
  }

  private async create(dims: number): Promise<void> {
    const started = Date.now();
    try {
      await this.db.dataSource.query(hnswIndexSql(dims));
    } catch (error) {
      // Another replica may have created it at the same moment: fine if it exists now.
      const exists = (await this.db.dataSource.query(`SELECT 1 FROM pg_indexes WHERE indexname = $1`, [hnswIndexName(dims)])) as unknown[];
      if (exists.length === 0) throw error;
    }
    this.indexed.add(dims);
    this.logger.log(`created HNSW index for ${dims}-dimensional embeddings in ${Date.now() - started} ms`);
  }
}
