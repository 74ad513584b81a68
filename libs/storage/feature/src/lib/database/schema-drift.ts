import type { DataSource } from 'typeorm';

/**
 * Statements the schema builder proposes that are expected, not drift: objects that exist only
 * in raw SQL and only on some servers, so they cannot be mapped on an entity.
 * - article_embeddings.vec: a pgvector column, added by the migrations only where the extension
 *   exists (an entity column would make the server without pgvector "drift" the other way).
 * - IDX_article_embeddings_hnsw_<dims>: partial HNSW indexes over `vec::vector(<dims>)`, one per
 *   embedding dimension, created by migrations or on demand (see similarity/hnsw-index.ts).
 * Every other raw-SQL object (expression, partial, descending and GIN indexes, the tsvector
 * column) is declared on its entity with `synchronize: false` / a read-only column instead.
 */
export const RAW_SQL_ONLY_STATEMENTS: readonly RegExp[] = [
  /^ALTER TABLE "article_embeddings" DROP COLUMN "vec"$/,
  /^DROP INDEX "[^"]+"\."IDX_article_embeddings_hnsw_\d+"$/,
];

/**
 * The statements TypeORM would run to make the database match the entities (empty when the
 * migrations and the entities agree), minus RAW_SQL_ONLY_STATEMENTS.
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries
    .map((query) => query.query.replace(/\s+/g, ' ').trim())
    .filter((statement) => !RAW_SQL_ONLY_STATEMENTS.some((expected) => expected.test(statement)));
}
