export { startStorageService } from './lib/start-storage-service';
export { StorageModule, type StorageModuleOptions } from './lib/storage.module';
export type { Clock } from './lib/shared/clock';
export { migrateStorageDatabase } from './lib/database/migrate-storage';
export { startEmbeddedPostgres, EmbeddedPostgresExit, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './lib/database/embedded-postgres';
export { describeSql, type SqlDescription } from './lib/database/sql-summary';
export { buildNearestQuery, hnswEfSearch, hnswIndexSql } from './lib/similarity/nearest-query';
export { SEARCH_VECTOR_SQL } from './lib/search/search-sql';
