import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { registerReadinessCheck, reportQueueDepth } from '@autoglm/shared-observability';
import { QUEUE_FACTORY, QUEUE_NAMES, type QueueFactory } from './job-queue';

/**
 * What a service that uses the queues adds to its process's readiness and metrics: the queues
 * answering (Redis reachable in distributed mode), and the depth of each queue read at every
 * scrape of /metrics.
 */
@Injectable()
export class QueueObservability implements OnModuleInit, OnModuleDestroy {
  private readonly undo: Array<() => void> = [];

  constructor(@Inject(QUEUE_FACTORY) private readonly queues: QueueFactory) {}

  onModuleInit(): void {
    const names = Object.values(QUEUE_NAMES);
    this.undo.push(registerReadinessCheck('queues', () => Promise.all(names.map((name) => this.queues.get(name).depth()))));
    for (const name of names) this.undo.push(reportQueueDepth(name, () => this.queues.get(name).depth()));
  }

  onModuleDestroy(): void {
    for (const step of this.undo.splice(0)) step();
  }
}
