import { Logger } from '@nestjs/common';
import type { EnqueueOptions, JobHandler, JobQueue, QueueFactory, QueueName } from './job-queue';

interface PendingJob<T> {
  id: string;
  data: T;
  attempts: number;
}

export interface InProcessQueueOptions {
  maxAttempts: number;
  backoffMs: number;
}

/**
 * The embedded-mode queue: same contract as the BullMQ adapter (deduplication by job id,
 * retries with exponential backoff, bounded concurrency), in memory. Work it loses on a
 * crash is re-derived from PostgreSQL by the scheduler and the outbox.
 */
export class InProcessJobQueue<T> implements JobQueue<T> {
  private readonly logger: Logger;
  private readonly waiting: PendingJob<T>[] = [];
  private readonly known = new Set<string>();
  private handler: JobHandler<T> | undefined;
  private concurrency = 1;
  private running = 0;
  private closed = false;
  private counter = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: QueueName,
    private readonly options: InProcessQueueOptions = { maxAttempts: 3, backoffMs: 500 },
  ) {
    this.logger = new Logger(`queue:${name}`);
  }

  async add(data: T, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) return;
    const id = options.jobId ?? `auto-${++this.counter}`;
    if (this.known.has(id)) return;
    this.known.add(id);
    this.waiting.push({ id, data, attempts: 0 });
    this.pump();
  }

  process(handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    if (this.handler) throw new Error(`queue ${this.name} already has a consumer`);
    this.handler = handler;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.pump();
  }

  async depth(): Promise<number> {
    return this.waiting.length + this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.waiting.length = 0;
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler) return;
    while (!this.closed && this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as PendingJob<T>;
      this.running++;
      void this.run(handler, job);
    }
  }

  private async run(handler: JobHandler<T>, job: PendingJob<T>): Promise<void> {
    job.attempts++;
    let retry = false;
    try {
      await handler(job.data);
    } catch (error) {
      retry = job.attempts < this.options.maxAttempts;
      this.logger.warn(`job ${job.id} failed (attempt ${job.attempts}): ${(error as Error).message}`);
    } finally {
      this.running--;
    }
    if (retry && !this.closed) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.waiting.push(job);
        this.pump();
      }, this.options.backoffMs * 2 ** (job.attempts - 1));
      this.timers.add(timer);
    } else {
      this.known.delete(job.id);
    }
    this.pump();
  }
}

/**
 * One registry per process: in embedded mode every service runs in this process and must
 * see the same queues, so the registry is shared (keyed by queue name) rather than per module.
 */
const sharedQueues = new Map<QueueName, InProcessJobQueue<unknown>>();

export class InProcessQueueFactory implements QueueFactory {
  get<T>(name: QueueName): JobQueue<T> {
    let queue = sharedQueues.get(name);
    if (!queue) {
      queue = new InProcessJobQueue<unknown>(name);
      sharedQueues.set(name, queue);
    }
    return queue as JobQueue<T>;
  }

  /** The queues are shared by every service of the process: a single service closing leaves them open. */
  async close(): Promise<void> {
    return;
  }
}

/** Stops every in-process queue (the embedded launcher calls this after all services stopped). */
export async function closeInProcessQueues(): Promise<void> {
  for (const q of sharedQueues.values()) await q.close();
  sharedQueues.clear();
}
