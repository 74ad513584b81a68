import { DomainError } from '@autoglm/shared-errors';

/** Runs one batch; must return exactly one result per input, in input order. */
export type BatchRunner<TIn, TOut> = (inputs: TIn[]) => Promise<TOut[]>;

export interface DynamicBatcherOptions {
  /** Largest batch handed to the runner (Triton's max_batch_size). */
  maxBatchSize: number;
  /** How long the first waiting request may wait for others before a partial batch runs (max_queue_delay). */
  maxQueueDelayMs: number;
  /** Batches allowed to run at the same time; requests arriving meanwhile form the next batch. */
  maxConcurrentBatches?: number;
  /** Waiting requests beyond this are rejected with RESOURCE_EXHAUSTED. */
  maxQueueSize?: number;
}

export interface DynamicBatcherStats {
  batches: number;
  requests: number;
  largestBatch: number;
}

interface Pending<TIn, TOut> {
  input: TIn;
  resolve(output: TOut): void;
  reject(error: unknown): void;
}

/**
 * Groups concurrent requests into batches: a batch runs as soon as maxBatchSize requests wait,
 * or maxQueueDelayMs after the first of them arrived. Every request gets its own result (or the
 * batch's error), whatever the interleaving.
 */
export class DynamicBatcher<TIn, TOut> {
  private readonly queue: Pending<TIn, TOut>[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = 0;
  private closed = false;
  private readonly maxConcurrent: number;
  private readonly maxQueueSize: number;
  readonly stats: DynamicBatcherStats = { batches: 0, requests: 0, largestBatch: 0 };

  constructor(
    private readonly runBatch: BatchRunner<TIn, TOut>,
    readonly options: DynamicBatcherOptions,
  ) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    }
    if (!(options.maxQueueDelayMs >= 0)) throw new RangeError(`maxQueueDelayMs must be ≥ 0, got ${options.maxQueueDelayMs}`);
    this.maxConcurrent = Math.max(1, options.maxConcurrentBatches ?? 1);
    this.maxQueueSize = options.maxQueueSize ?? Number.POSITIVE_INFINITY;
  }

  /** Queues one request; resolves with its own result. */
  submit(input: TIn): Promise<TOut> {
    if (this.closed) return Promise.reject(DomainError.unavailable('the batcher is shut down'));
    if (this.queue.length >= this.maxQueueSize) {
      return Promise.reject(DomainError.resourceExhausted(`inference queue is full (${this.maxQueueSize} requests waiting)`));
    }
    return new Promise<TOut>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Requests waiting for a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Rejects the waiting requests; batches already running finish. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    const error = DomainError.unavailable('the batcher is shut down');
    for (const p of this.queue.splice(0)) p.reject(error);
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.running >= this.maxConcurrent) return;
    if (this.queue.length >= this.options.maxBatchSize) {
      this.dispatch();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.dispatch();
      }, this.options.maxQueueDelayMs);
    }
  }

  private dispatch(): void {
    this.clearTimer();
    while (this.queue.length > 0 && this.running < this.maxConcurrent) {
      const batch = this.queue.splice(0, this.options.maxBatchSize);
      this.running++;
      this.stats.batches++;
      this.stats.requests += batch.length;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
      void this.execute(batch).finally(() => {
        this.running--;
        // Requests that arrived while this batch ran have waited already: run them now.
        if (this.queue.length > 0) this.dispatch();
      });
      if (this.queue.length < this.options.maxBatchSize) break;
    }
    this.schedule();
  }

  private async execute(batch: Pending<TIn, TOut>[]): Promise<void> {
    let outputs: TOut[];
    try {
      outputs = await this.runBatch(batch.map((p) => p.input));
      if (!Array.isArray(outputs) || outputs.length !== batch.length) {
        throw new Error(`batch runner returned ${Array.isArray(outputs) ? outputs.length : 'no'} results for ${batch.length} inputs`);
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => p.resolve(outputs[i] as TOut));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
