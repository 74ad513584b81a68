import { BullMqQueueFactory } from './bullmq-job-queue';
import { InProcessQueueFactory } from './in-process-job-queue';
import type { QueueFactory } from './job-queue';

/**
 * Outside Nest (tools, tests): BullMQ on Redis when a Redis URL is configured, else the in-process
 * queue. Services use QueueModule.forRoot instead, which goes through @nestjs/bullmq.
 */
export function createQueueFactory(redisUrl: string, prefix?: string): QueueFactory {
  return redisUrl ? BullMqQueueFactory.fromUrl(redisUrl, prefix) : new InProcessQueueFactory();
}
