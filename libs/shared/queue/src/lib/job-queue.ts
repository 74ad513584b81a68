/** The queues of the pipeline. */
export const QUEUE_NAMES = { crawl: 'crawl', analyze: 'analyze' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface CrawlJob {
  sourceId: string;
}

export interface AnalyzeJob {
  articleId: string;
}

export interface EnqueueOptions {
  /** A deterministic id: adding a job whose id is still waiting or running is a no-op. */
  jobId?: string;
}

export type JobHandler<T> = (data: T) => Promise<void>;

/** At-least-once work queue. Handlers must be idempotent. */
export interface JobQueue<T> {
  readonly name: QueueName;
  add(data: T, options?: EnqueueOptions): Promise<void>;
  /** Registers the handler that consumes this queue. */
  process(handler: JobHandler<T>, options?: { concurrency?: number }): void;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

export interface QueueFactory {
  get<T>(name: QueueName): JobQueue<T>;
  close(): Promise<void>;
}

/** Injection token of the QueueFactory. */
export const QUEUE_FACTORY = Symbol('QUEUE_FACTORY');
