import { Logger } from '@nestjs/common';
import type { EnqueueOptions, EnsureOutcome, JobHandler, JobQueue, QueuedJob, QueueFactory, QueueName } from './job-queue';
import { ObservedJobQueue, type WithContext } from './observed-job-queue';

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
 * retries with exponential backoff, bounded concurrency), in memory. Its jobs die with the
 * process: on a clean stop the producer takes back what is unfinished (takeUnfinished) and
 * records it in PostgreSQL, from which the scheduler and the outbox re-derive the work.
 */
export class InProcessJobQueue<T> implements JobQueue<T> {
  private readonly logger: Logger;
  private readonly waiting: PendingJob<T>[] = [];
  private readonly running = new Map<PendingJob<T>, Promise<void>>();
  /** Jobs waiting for their retry or their delay, by their timer. */
  private readonly retrying = new Map<NodeJS.Timeout, PendingJob<T>>();
  /** Jobs still running when stopConsuming gave up on them. */
  private readonly givenUp = new Set<PendingJob<T>>();
  private readonly known = new Set<string>();
  private handler: JobHandler<T> | undefined;
  private concurrency = 1;
  private consuming = true;
  private closed = false;
  private counter = 0;

  constructor(
    readonly name: QueueName,
    private readonly options: InProcessQueueOptions = { maxAttempts: 3, backoffMs: 500 },
  ) {
    this.logger = new Logger(`queue:${name}`);
  }

  async add(data: T, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error(`queue ${this.name} is closed`);
    const id = options.jobId ?? `auto-${++this.counter}`;
    if (this.known.has(id)) return;
    this.known.add(id);
    const job = { id, data, attempts: 0 };
    if (options.delayMs && options.delayMs > 0 && this.consuming) {
      // A delayed job waits like a retry: handed back (takeUnfinished) if the process stops first.
      const timer = setTimeout(() => {
        this.retrying.delete(timer);
        this.waiting.push(job);
        this.pump();
      }, options.delayMs);
      this.retrying.set(timer, job);
      return;
    }
    this.waiting.push(job);
    this.pump();
  }

  async addMany(jobs: ReadonlyArray<{ data: T; options?: EnqueueOptions }>): Promise<void> {
    for (const { data, options } of jobs) await this.add(data, options);
  }

  /** A job this queue still knows (waiting, retrying, running) is left alone; one it forgot (finished or failed for good) is added. */
  async ensure(jobs: Array<QueuedJob<T>>): Promise<EnsureOutcome> {
    let added = 0;
    for (const job of jobs) {
      if (this.known.has(job.id)) continue;
      await this.add(job.data, { jobId: job.id });
      added++;
    }
    return { added, retried: 0 };
  }

  process(handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    if (this.handler) throw new Error(`queue ${this.name} already has a consumer`);
    this.handler = handler;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.pump();
  }

  async depth(): Promise<number> {
    return this.waiting.length + this.retrying.size + this.running.size;
  }

  async stopConsuming(deadline: number): Promise<string[]> {
    this.consuming = false;
    // A retry that has not started is simply unfinished work now.
    for (const [timer, job] of this.retrying) {
      clearTimeout(timer);
      this.waiting.push(job);
    }
    this.retrying.clear();
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
      await Promise.race([Promise.allSettled(this.running.values()), late]);
      clearTimeout(timer);
    }
    const left = [...this.running.keys()];
    for (const job of left) this.givenUp.add(job);
    return left.map((job) => job.id);
  }

  async takeUnfinished(): Promise<Array<QueuedJob<T>>> {
    const jobs = [...this.waiting.splice(0), ...this.retrying.values(), ...this.givenUp];
    for (const timer of this.retrying.keys()) clearTimeout(timer);
    this.retrying.clear();
    this.givenUp.clear();
    for (const job of jobs) this.known.delete(job.id);
    return jobs.map(({ id, data }) => ({ id, data }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.consuming = false;
    for (const timer of this.retrying.keys()) clearTimeout(timer);
    this.retrying.clear();
    this.waiting.length = 0;
    this.givenUp.clear();
    this.known.clear();
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler) return;
    while (this.consuming && this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as PendingJob<T>;
      this.running.set(job, this.run(handler, job));
    }
  }

  private async run(handler: JobHandler<T>, job: PendingJob<T>): Promise<void> {
    await Promise.resolve();
    job.attempts++;
    let failed = false;
    try {
      await handler(job.data);
    } catch (error) {
      failed = true;
      this.logger.warn(`job ${job.id} failed (attempt ${job.attempts}): ${(error as Error).message}`);
    } finally {
      this.running.delete(job);
    }
    if (this.givenUp.delete(job) && !failed) {
      // It finished after all: nothing to hand back.
      this.known.delete(job.id);
    } else if (failed && job.attempts < this.options.maxAttempts && !this.closed) {
      this.retry(job);
    } else {
      this.known.delete(job.id);
    }
    this.pump();
  }

  private retry(job: PendingJob<T>): void {
    if (this.givenUp.has(job)) return;
    if (!this.consuming) {
      // Stopping: no retry will run here, so the job waits to be handed back.
      this.waiting.push(job);
      return;
    }
    const timer = setTimeout(() => {
      this.retrying.delete(timer);
      this.waiting.push(job);
      this.pump();
    }, this.options.backoffMs * 2 ** (job.attempts - 1));
    this.retrying.set(timer, job);
  }
}

/**
 * One registry per process: in embedded mode every service runs in this process and must
 * see the same queues, so the registry is shared (keyed by queue name) rather than per module.
 */
const sharedQueues = new Map<QueueName, JobQueue<object>>();

export class InProcessQueueFactory implements QueueFactory {
  get<T>(name: QueueName): JobQueue<T> {
    let queue = sharedQueues.get(name);
    if (!queue) {
      queue = new ObservedJobQueue<object>(new InProcessJobQueue<WithContext<object>>(name));
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
