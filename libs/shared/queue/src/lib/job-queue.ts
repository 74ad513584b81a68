/** The queues of the pipeline. */
export const QUEUE_NAMES = { crawl: 'crawl', analyze: 'analyze', push: 'push', webhook: 'webhook' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface CrawlJob {
  sourceId: string;
}

export interface AnalyzeJob {
  articleId: string;
}

/** A newly analysed article to run the users' rules and the For-You push on. */
export interface PushJob {
  articleId: string;
}

/** One attempt (1 = the first) of a webhook delivery. */
export interface WebhookJob {
  deliveryId: string;
  attempt: number;
}

/** The job id of a source's crawl: one crawl of a source waits or runs at a time. */
export function crawlJobId(sourceId: string): string {
  return `crawl:${sourceId}`;
}

/** What JobQueue.ensure did: jobs added because the queue no longer had them, and failed jobs retried. */
export interface EnsureOutcome {
  added: number;
  retried: number;
}

export interface EnqueueOptions {
  /** A deterministic id: adding a job whose id is still waiting or running is a no-op. */
  jobId?: string;
  /** Runs the job no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export type JobHandler<T> = (data: T) => Promise<void>;

/** A job as its queue holds it: the id it was added with (or one the queue made up) and its data. */
export interface QueuedJob<T> {
  id: string;
  data: T;
}

/** At-least-once work queue. Handlers must be idempotent. */
export interface JobQueue<T> {
  readonly name: QueueName;
  add(data: T, options?: EnqueueOptions): Promise<void>;
  /** Adds many jobs as add() would each, in one round trip where the queue has a server (Redis). */
  addMany(jobs: ReadonlyArray<{ data: T; options?: EnqueueOptions }>): Promise<void>;
  /** Registers the handler that consumes this queue. */
  process(handler: JobHandler<T>, options?: { concurrency?: number }): void;
  /**
   * Makes each job live again, for the sweeper that recreates work Redis lost: a job id the queue
   * does not hold is added, a job that failed for good is retried, one waiting, delayed or running
   * is left alone — so a sweep while the jobs exist changes nothing.
   */
  ensure(jobs: Array<QueuedJob<T>>): Promise<EnsureOutcome>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  /**
   * Stops this process's consumer taking jobs and waits for the ones it runs until `deadline`
   * (epoch ms); resolves with the ids of the jobs still running then (they are given up).
   * Adding jobs still works: they wait for a consumer (or are handed back, see takeUnfinished).
   */
  stopConsuming(deadline: number): Promise<string[]>;
  /**
   * Removes and returns the jobs this process holds but will not finish — waiting, waiting for a
   * retry, or given up at stopConsuming's deadline — so that their producer can record them
   * again in PostgreSQL before the process exits. Only the in-process queue holds any: BullMQ's
   * jobs stay in Redis, and one given up there is retried once its lock expires.
   */
  takeUnfinished(): Promise<Array<QueuedJob<T>>>;
  /** Releases the queue; adding to a closed queue throws. */
  close(): Promise<void>;
}

export interface QueueFactory {
  get<T>(name: QueueName): JobQueue<T>;
  close(): Promise<void>;
}

/** Injection token of the QueueFactory. */
export const QUEUE_FACTORY = Symbol('QUEUE_FACTORY');
