import { Logger } from '@nestjs/common';
import { Queue, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { EnqueueOptions, EnsureOutcome, JobHandler, JobQueue, QueuedJob, QueueFactory, QueueName } from './job-queue';
import { ObservedJobQueue, type WithContext } from './observed-job-queue';

/** Parses a redis:// URL into BullMQ connection options. */
export function bullConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname && url.pathname !== '/' ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * BullMQ reserves ':' in custom job ids (its Redis key separator); escape it (and '%', so the
 * mapping stays one-to-one) instead of changing the ids the pipeline derives.
 */
export function bullJobId(jobId: string): string {
  return jobId.replace(/%/g, '%25').replace(/:/g, '%3A');
}

/** Jobs looked up at once by ensure(). */
const ENSURE_CHUNK = 100;

/** The distributed-mode queue on Redis (a BullMQ Queue, plus a Worker once a consumer registers). */
export class BullMqJobQueue<T> implements JobQueue<T> {
  private readonly logger: Logger;
  private worker: Worker | undefined;
  /** Handlers of this process's worker that have not returned yet. */
  private readonly running = new Map<string, Promise<void>>();
  private counter = 0;

  /** ownsQueue: false when the Queue is managed by @nestjs/bullmq (it closes it on shutdown). */
  constructor(
    readonly name: QueueName,
    private readonly queue: Queue,
    private readonly ownsQueue: boolean,
  ) {
    this.logger = new Logger(`queue:${name}`);
  }

  async add(data: T, options: EnqueueOptions = {}): Promise<void> {
    await this.queue.add(this.name, data, jobOptions(options));
  }

  /** One Redis transaction for all (BullMQ's addBulk); a job id still waiting or running is skipped, as by add(). */
  async addMany(jobs: ReadonlyArray<{ data: T; options?: EnqueueOptions }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map(({ data, options }) => ({ name: this.name, data, opts: jobOptions(options ?? {}) })));
  }

  /**
   * One look-up of the job's hash per job (no scan of the waiting list): absent → added; finished
   * and failed → retried; finished and completed but kept → replaced; otherwise it is live.
   */
  async ensure(jobs: Array<QueuedJob<T>>): Promise<EnsureOutcome> {
    const outcome: EnsureOutcome = { added: 0, retried: 0 };
    for (let i = 0; i < jobs.length; i += ENSURE_CHUNK) {
      await Promise.all(
        jobs.slice(i, i + ENSURE_CHUNK).map(async ({ id, data }) => {
          const existing = await this.queue.getJob(bullJobId(id));
          if (existing && !existing.finishedOn) return;
          if (existing && (await existing.getState()) === 'failed') {
            await existing.retry('failed');
            outcome.retried++;
            return;
          }
          if (existing) await existing.remove();
          await this.add(data, { jobId: id });
          outcome.added++;
        }),
      );
    }
    return outcome;
  }

  process(handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    if (this.worker) throw new Error(`queue ${this.name} already has a consumer`);
    this.worker = new Worker(this.name, (job) => this.track(job.id ?? `job-${++this.counter}`, handler(job.data as T)), {
      connection: this.queue.opts.connection,
      prefix: this.queue.opts.prefix,
      concurrency: Math.max(1, options.concurrency ?? 1),
    });
    this.worker.on('failed', (job, error) => this.logger.warn(`job ${job?.id} failed: ${error.message}`));
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  /**
   * Pauses the worker (no new job is fetched), waits for the running handlers until `deadline`,
   * then closes the worker; one still running is given up (force close): its lock expires and
   * BullMQ's stalled-job check hands it to the next worker.
   */
  async stopConsuming(deadline: number): Promise<string[]> {
    const worker = this.worker;
    if (!worker) return [];
    this.worker = undefined;
    await worker.pause(true);
    let timer: NodeJS.Timeout | undefined;
    let isLate = false;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        isLate = true;
        resolve();
      }, Math.max(0, deadline - Date.now()));
    });
    // A job the worker had already fetched can start after pause() returned: wait until none runs, not only for the ones running now.
    while (this.running.size > 0 && !isLate) await Promise.race([Promise.allSettled([...this.running.values()]), late]);
    clearTimeout(timer);
    const left = [...this.running.keys()];
    await worker.close(left.length > 0);
    return left;
  }

  /** Nothing: the jobs are in Redis, where the next worker finds them. */
  async takeUnfinished(): Promise<Array<QueuedJob<T>>> {
    return [];
  }

  async close(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    if (this.ownsQueue) await this.queue.close();
  }

  private async track(id: string, work: Promise<void>): Promise<void> {
    this.running.set(id, work);
    try {
      await work;
    } finally {
      this.running.delete(id);
    }
  }
}

export class BullMqQueueFactory implements QueueFactory {
  private readonly queues = new Map<QueueName, JobQueue<object>>();

  private constructor(
    private readonly make: (name: QueueName) => { queue: Queue; owned: boolean },
  ) {}

  /** Queues registered through @nestjs/bullmq (BullModule.registerQueue), injected by name. */
  static fromQueues(queues: Queue[]): BullMqQueueFactory {
    const byName = new Map(queues.map((q) => [q.name, q]));
    return new BullMqQueueFactory((name) => {
      const queue = byName.get(name);
      if (!queue) throw new Error(`queue ${name} is not registered`);
      return { queue, owned: false };
    });
  }

  /** Standalone use (tests, tools): the factory creates and closes its own queues. */
  static fromUrl(redisUrl: string, prefix = 'autoglm'): BullMqQueueFactory {
    const connection = bullConnection(redisUrl);
    return new BullMqQueueFactory((name) => ({ queue: new Queue(name, { connection, prefix }), owned: true }));
  }

  get<T>(name: QueueName): JobQueue<T> {
    let q = this.queues.get(name);
    if (!q) {
      const { queue, owned } = this.make(name);
      q = new ObservedJobQueue<object>(new BullMqJobQueue<WithContext<object>>(name, queue, owned));
      this.queues.set(name, q);
    }
    return q as JobQueue<T>;
  }

  async close(): Promise<void> {
    for (const q of this.queues.values()) await q.close();
    this.queues.clear();
  }
}

/** Every job's BullMQ options: retries with backoff, and its id freed once done. */
function jobOptions(options: EnqueueOptions): JobsOptions {
  return {
    jobId: options.jobId === undefined ? undefined : bullJobId(options.jobId),
    delay: options.delayMs && options.delayMs > 0 ? options.delayMs : undefined,
    attempts: 3,
    backoff: { type: 'exponential', delay: 500 },
    // Free the deterministic id once the job is done so the same work can be enqueued again later.
    removeOnComplete: true,
    removeOnFail: 1000,
  };
}
