import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { QUEUE_FACTORY, type QueueFactory } from '@autoglm/shared-queue';
import { STORAGE_DATABASE, type StorageDatabase } from './database/storage-database';

/** Whether storage created the queue factory (then it closes it) or was handed one. */
export const OWNS_QUEUE_FACTORY = Symbol('STORAGE_OWNS_QUEUE_FACTORY');

/**
 * Releases the database and the queue connections once everything else stopped
 * (onApplicationShutdown runs after every onModuleDestroy, e.g. after the outbox relay's last run).
 */
@Injectable()
export class StorageResources implements OnApplicationShutdown {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(QUEUE_FACTORY) private readonly queues: QueueFactory,
    @Inject(OWNS_QUEUE_FACTORY) private readonly ownsQueues: boolean,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      if (this.ownsQueues) await this.queues.close();
    }
  }
}
