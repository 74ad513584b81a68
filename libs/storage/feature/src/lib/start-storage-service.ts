import type { AppConfig } from '@autoglm/shared-config';
import { startGrpcService, type RunningService } from '@autoglm/shared-grpc';
import { StorageModule, type StorageModuleOptions } from './storage.module';

/**
 * Starts the storage gRPC service on config.grpc.storage (database opened and migrated first);
 * close() stops the server, the outbox relay, the database and the queue connections it opened.
 */
export async function startStorageService(config: AppConfig, options: StorageModuleOptions = {}): Promise<RunningService> {
  const { running } = await startGrpcService('storage', StorageModule.forRoot(config, options), config);
  return running;
}
