import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * HNSW index (cosine) for the embeddings of the shipped model (wink-sg100d, 100 dimensions),
 * where pgvector exists. `vec` has no fixed dimension, so the index is over `vec::vector(100)`,
 * partial on `dims = 100`; other dimensions get theirs on demand (similarity/hnsw-indexes.ts).
 * The SQL is written out here (not shared) so that this migration never changes after it lands.
 */
export class AddEmbeddingHnswIndex1795710000000 implements MigrationInterface {
  name = 'AddEmbeddingHnswIndex1795710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const vec = (await queryRunner.query(
      `SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'article_embeddings' AND column_name = 'vec'`,
    )) as unknown[];
    if (vec.length === 0) return;
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_article_embeddings_hnsw_100" ON article_embeddings
         USING hnsw ((vec::vector(100)) vector_cosine_ops) WITH (m = 16, ef_construction = 64)
         WHERE dims = 100`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_article_embeddings_hnsw_100"`);
  }
}
