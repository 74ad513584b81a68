import { BullMqQueueFactory } from './bullmq-job-queue';
import { InProcessQueueFactory } from './in-process-job-queue';
import type { QueueFactory } from './job-queue';

/** BullMQ on Redis when a Redis URL is configured, else the in-process queue. */
export function createQueueFactory(redisUrl: string, prefix?: string): QueueFactory {
  return redisUrl ? new BullMqQueueFactory(redisUrl, prefix) : new InProcessQueueFactory();
}
