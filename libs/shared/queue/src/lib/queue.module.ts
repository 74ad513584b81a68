import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { bullConnection, BullMqQueueFactory } from './bullmq-job-queue';
import { InProcessQueueFactory } from './in-process-job-queue';
import { QUEUE_FACTORY, QUEUE_NAMES } from './job-queue';
import { QueueObservability } from './queue-observability';

export const DEFAULT_QUEUE_PREFIX = 'autoglm';

/**
 * Provides QUEUE_FACTORY: with a Redis URL, the pipeline's queues are registered through
 * @nestjs/bullmq (which owns their connections and closes them on shutdown) and wrapped in the
 * JobQueue port; without one, the in-process queue of embedded mode.
 */
@Module({})
export class QueueModule {
  static forRoot(redisUrl: string, prefix = DEFAULT_QUEUE_PREFIX): DynamicModule {
    if (!redisUrl) {
      return {
        module: QueueModule,
        providers: [{ provide: QUEUE_FACTORY, useFactory: () => new InProcessQueueFactory() }, QueueObservability],
        exports: [QUEUE_FACTORY],
      };
    }
    const names = Object.values(QUEUE_NAMES);
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({ connection: bullConnection(redisUrl), prefix }),
        BullModule.registerQueue(...names.map((name) => ({ name }))),
      ],
      providers: [
        {
          provide: QUEUE_FACTORY,
          inject: names.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) => BullMqQueueFactory.fromQueues(queues),
        },
        QueueObservability,
      ],
      exports: [QUEUE_FACTORY],
    };
  }
}
