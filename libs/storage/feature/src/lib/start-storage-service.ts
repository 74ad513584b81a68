import type { AppConfig } from '@autoglm/shared-config';
import { startGrpcService, type RunningService } from '@autoglm/shared-grpc';
import { registerReadinessCheck } from '@autoglm/shared-observability';
import { STORAGE_DATABASE, type StorageDatabase } from './database/storage-database';
import { StorageModule, type StorageModuleOptions } from './storage.module';

/**
 * Starts the storage gRPC service on config.grpc.storage (database opened and migrated first);
 * close() stops the server, the outbox relay, the database and the queue connections it opened.
 * Its readiness includes the database: a PostgreSQL server must answer a query; embedded PGlite
 * (one session, busy in long transactions) must be open.
 */
export async function startStorageService(config: AppConfig, options: StorageModuleOptions = {}): Promise<RunningService> {
  const { app, running } = await startGrpcService('storage', StorageModule.forRoot(config, options), config);
  const database = app.get<StorageDatabase>(STORAGE_DATABASE);
  const unregister = registerReadinessCheck('storage.database', async () => {
    if (!database.dataSource.isInitialized) throw new Error('the database is closed');
    if (!database.embedded) await database.dataSource.query('SELECT 1');
  });
  return {
    name: running.name,
    stopTakingWork: running.stopTakingWork,
    close: (shutdown) => {
      unregister();
      return running.close(shutdown);
    },
  };
}
