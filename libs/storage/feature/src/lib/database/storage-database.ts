import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@autoglm/shared-config';
import { tracingInstalled } from '@autoglm/shared-observability';
import { STORAGE_MIGRATIONS } from '../migrations';
import { SESSION_HNSW_EF_SEARCH } from '../similarity/nearest-query';
import { startEmbeddedPostgres, type EmbeddedPostgresExit } from './embedded-postgres';
import { STORAGE_ENTITIES } from './entities';
import type { HookablePool } from './pool-clients';
import { prepareStatementsOf } from './prepared-statements';
import { StorageQueryLogger } from './query-logger';
import { traceQueriesOf } from './query-spans';

/** The opened database: a TypeORM DataSource on PostgreSQL or on embedded PGlite. */
export interface StorageDatabase {
  readonly dataSource: DataSource;
  /** True when the data lives in PGlite (one session: keep transactions short). */
  readonly embedded: boolean;
  /** True when article_embeddings.vec (pgvector) exists; kNN then uses `<=>`. */
  readonly pgvector: boolean;
  /** hnsw.ef_search of every session of this database (0: not set, pgvector's default applies). */
  readonly sessionEfSearch: number;
  close(): Promise<void>;
}

export const STORAGE_DATABASE = Symbol('STORAGE_DATABASE');

export interface OpenOptions {
  /** Run pending migrations while opening (the service does; the migrate command runs them itself). */
  migrationsRun?: boolean;
  /** What happens when the embedded database's thread dies while open; by default the process exits 1. */
  onEmbeddedDatabaseLost?: (error: EmbeddedPostgresExit) => void;
}

const logger = new Logger('storage-database');

/**
 * Opens the database named by config.database and runs the migrations: the PostgreSQL server
 * at `url`, else PGlite persisted in `dataDir`, served on an ephemeral loopback port so the
 * same TypeORM postgres driver talks to both.
 */
export async function openStorageDatabase(
  config: AppConfig['database'],
  options: OpenOptions = {},
): Promise<StorageDatabase> {
  const base = { ...baseOptions(), migrationsRun: options.migrationsRun ?? true };
  if (config.url) {
    // Every pooled session starts with the HNSW search list size (a placeholder setting where pgvector is absent).
    const dataSource = await initialize({ ...base, url: config.url, extra: { options: `-c hnsw.ef_search=${SESSION_HNSW_EF_SEARCH}` } });
    return finish(dataSource, false, config.preparedStatements, async () => undefined);
  }

  const dir = resolve(config.dataDir);
  mkdirSync(dir, { recursive: true });
  const embedded = await startEmbeddedPostgres(dir, { onUnexpectedExit: options.onEmbeddedDatabaseLost ?? exitOnDatabaseLost });
  const { host, port } = embedded;
  let dataSource: DataSource;
  try {
    dataSource = await initialize({
      ...base,
      host,
      port,
      username: 'postgres',
      database: 'postgres',
      // PGlite is one session: one pooled connection, kept open (a reconnect could race the old one).
      extra: { max: 1, idleTimeoutMillis: 0 },
    });
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  logger.log(`embedded PGlite in ${dir} (socket ${host}:${port})`);
  return finish(dataSource, true, config.preparedStatements, () => embedded.stop());
}

/**
 * The embedded database died (its thread ran out of memory or crashed): every connection and
 * whatever it had not yet written are gone. The process exits non-zero so its supervisor
 * (systemd, Docker's restart policy, Kubernetes) restarts it, and PostgreSQL's crash recovery
 * brings the data directory back on the next start. Carrying on would fail every call and
 * could let services act on writes that never happened; restarting the thread in place would
 * need every pooled connection, prepared statement and open transaction rebuilt behind callers'
 * backs, for a failure that only a bug or an undersized host causes.
 */
function exitOnDatabaseLost(error: EmbeddedPostgresExit): void {
  logger.fatal(`${error.message}${error.code ? ` (${error.code})` : ''}; exiting with code 1 so a supervisor restarts the process`);
  process.exit(1);
}

function baseOptions() {
  return {
    type: 'postgres' as const,
    entities: STORAGE_ENTITIES,
    migrations: STORAGE_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    // Extensions are the migrations' business (gen_random_uuid is built in since PostgreSQL 13).
    installExtensions: false,
    // Failed queries without their parameters, through the process's logger.
    logger: new StorageQueryLogger(),
  };
}

async function initialize(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  return dataSource;
}

async function finish(
  dataSource: DataSource,
  embedded: boolean,
  preparedStatements: number,
  release: () => Promise<void>,
): Promise<StorageDatabase> {
  // After the migrations: statements are prepared against the schema they leave.
  const pool = (dataSource.driver as unknown as { master: HookablePool }).master;
  if (preparedStatements > 0) prepareStatementsOf(pool, preparedStatements);
  // Last, so the span covers what the other hooks add and sees the query as the code wrote it.
  if (tracingInstalled()) traceQueriesOf(pool, embedded ? 'pglite' : 'postgresql');
  const rows = (await dataSource.query(
    `SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'article_embeddings' AND column_name = 'vec'`,
  )) as unknown[];
  const pgvector = rows.length > 0;
  // PGlite's socket ignores start-up options; it is one session, so one SET serves every query.
  if (pgvector && embedded) await dataSource.query(`SET hnsw.ef_search = ${SESSION_HNSW_EF_SEARCH}`);
  const [{ ef_search: efSearch } = { ef_search: '0' }] = pgvector
    ? ((await dataSource.query(`SELECT current_setting('hnsw.ef_search', true) AS ef_search`)) as Array<{ ef_search: string | null }>)
    : [];
  logger.log(
    pgvector
      ? 'kNN search: pgvector (ORDER BY vec <=> query)'
      : 'kNN search: exact cosine over real[] (pgvector is not available on this server)',
  );
  let closed: Promise<void> | undefined;
  return {
    dataSource,
    embedded,
    pgvector,
    sessionEfSearch: Number(efSearch) || 0,
    close: () => {
      closed ??= (async () => {
        if (dataSource.isInitialized) await dataSource.destroy();
        await release();
      })();
      return closed;
    },
  };
}
