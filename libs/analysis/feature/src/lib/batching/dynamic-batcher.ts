import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { batcherBatchSize, batcherQueueWait } from '@autoglm/shared-observability';
import { batchSizeBuckets, Distribution, LATENCY_BUCKETS_MS, type DistributionSnapshot } from './distribution';

/** Runs one batch; must return exactly one result per input, in input order. */
export type BatchRunner<TIn, TOut> = (inputs: TIn[]) => Promise<TOut[]>;

/**
 * Priority lanes, highest first (Triton's priority levels). A batch is seeded from the highest
 * non-empty lane and filled from lower lanes only when room is left.
 */
export const PRIORITY_LANES = ['interactive', 'bulk'] as const;
export type Priority = (typeof PRIORITY_LANES)[number];

export interface SubmitOptions {
  /** 'interactive' (a user waits: gRPC Embed/Analyze) or 'bulk' (the ingestion pipeline). Default: interactive. */
  priority?: Priority;
  /** Absolute time (same clock as the batcher's `now`) after which the request must not reach the model. */
  deadline?: number;
  /** Aborting removes a waiting request; a running one is answered with the abort reason, its result dropped. */
  signal?: AbortSignal;
}

export interface DynamicBatcherOptions<TIn> {
  /** Largest batch handed to the runner (Triton's max_batch_size). */
  maxBatchSize: number;
  /** How long the oldest waiting request may wait for others before a partial batch runs (max_queue_delay). */
  maxQueueDelayMs: number;
  /**
   * The same for requests of the bulk lane (default maxQueueDelayMs): nobody waits for them, so they may
   * wait longer for a fuller batch, which the model runs at less cost per text.
   */
  bulkQueueDelayMs?: number;
  /** Batch sizes worth flushing at once, without waiting for maxQueueDelayMs (preferred_batch_size). */
  preferredBatchSizes?: readonly number[];
  /** Most padded tokens per batch: batch size × longest sequence in it. A longer single request still runs alone. */
  maxBatchTokens?: number;
  /** Sequence length (tokens) of one input; used for the token budget and length bucketing. Default 1. */
  lengthOf?: (input: TIn) => number;
  /** Batches allowed to run at the same time (one per free model session). */
  maxConcurrentBatches?: number;
  /** Waiting requests beyond this are rejected with RESOURCE_EXHAUSTED. */
  maxQueueSize?: number;
  /** Clock in epoch milliseconds, like gRPC deadlines (default Date.now); injected by tests. */
  now?: () => number;
}

/** The batcher's effective settings; 0 means "no limit" for maxBatchTokens and maxQueueSize. */
export interface DynamicBatcherSettings {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  bulkQueueDelayMs: number;
  preferredBatchSizes: number[];
  maxBatchTokens: number;
  maxQueueSize: number;
  maxConcurrentBatches: number;
  priorityLanes: Priority[];
}

export interface DynamicBatcherMetrics {
  /** Requests accepted into the queue. */
  submitted: number;
  completed: number;
  /** Requests whose batch failed in the runner. */
  failed: number;
  /** Requests refused because the queue was full (RESOURCE_EXHAUSTED). */
  rejected: number;
  /** Requests whose deadline passed before they reached the model (DEADLINE_EXCEEDED). */
  expired: number;
  cancelled: number;
  batches: number;
  waiting: number;
  waitingByLane: Record<Priority, number>;
  running: number;
  batchSize: DistributionSnapshot;
  queueWaitMs: DistributionSnapshot;
  modelTimeMs: DistributionSnapshot;
  /** Real tokens / padded tokens over every batch so far (1 = no padding at all). */
  paddingEfficiency: number;
}

type State = 'waiting' | 'running' | 'settled';

interface Pending<TIn, TOut> {
  readonly seq: number;
  readonly input: TIn;
  readonly length: number;
  readonly bucket: number;
  readonly lane: Lane<TIn, TOut>;
  readonly enqueuedAt: number;
  readonly deadline: number;
  state: State;
  deadlineTimer?: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve(output: TOut): void;
  reject(error: unknown): void;
}

/** Length bucket: ⌈log2(length)⌉, so 1 | 2 | 3–4 | 5–8 | 9–16 … share a bucket. */
export function lengthBucket(length: number): number {
  return length <= 1 ? 0 : 32 - Math.clz32(length - 1);
}

/** One priority lane: FIFO queues per length bucket, with lazy removal of settled entries. */
class Lane<TIn, TOut> {
  readonly buckets: { items: Pending<TIn, TOut>[]; head: number }[] = [];
  waiting = 0;

  constructor(readonly priority: Priority) {}

  push(p: Pending<TIn, TOut>): void {
    while (this.buckets.length <= p.bucket) this.buckets.push({ items: [], head: 0 });
    (this.buckets[p.bucket] as { items: Pending<TIn, TOut>[] }).items.push(p);
    this.waiting++;
  }

  /** Drops settled/running entries from the front of bucket b and returns it. */
  bucket(b: number): { items: Pending<TIn, TOut>[]; head: number } | undefined {
    const q = this.buckets[b];
    if (!q) return undefined;
    while (q.head < q.items.length && (q.items[q.head] as Pending<TIn, TOut>).state !== 'waiting') q.head++;
    if (q.head === q.items.length) {
      q.items.length = 0;
      q.head = 0;
    } else if (q.head > 1_024 && q.head * 2 > q.items.length) {
      q.items.splice(0, q.head);
      q.head = 0;
    }
    return q;
  }

  /** The request that has waited longest in this lane. */
  oldest(): Pending<TIn, TOut> | undefined {
    if (this.waiting === 0) return undefined;
    let oldest: Pending<TIn, TOut> | undefined;
    for (let b = 0; b < this.buckets.length; b++) {
      const q = this.bucket(b) as { items: Pending<TIn, TOut>[]; head: number };
      const head = q.items[q.head];
      if (head && (!oldest || head.seq < oldest.seq)) oldest = head;
    }
    return oldest;
  }
}

const deadlineExceeded = () => new DomainError(ErrorCode.DeadlineExceeded, 'the request deadline passed before the model could run it');
const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('the request was cancelled', 'AbortError');
const defaultNow = () => Date.now();

/**
 * Groups concurrent requests into batches, with Triton's dynamic-batcher rules:
 * - a batch runs at once when maxBatchSize requests wait, when the waiting ones reach a preferred
 *   batch size (the largest one reached), or when the token budget is full; otherwise when the
 *   oldest waiting request of a lane has waited that lane's delay (maxQueueDelayMs; bulkQueueDelayMs);
 * - batches are seeded with the oldest request of the highest lane and filled nearest length
 *   bucket first, so short texts are not padded to the length of long ones;
 * - expired requests never reach the model; cancelled ones leave the queue;
 * - every request gets its own result (or its batch's error), whatever the interleaving.
 */
export class DynamicBatcher<TIn, TOut> {
  readonly settings: DynamicBatcherSettings;
  private readonly lanes: Lane<TIn, TOut>[] = PRIORITY_LANES.map((p) => new Lane<TIn, TOut>(p));
  private readonly preferred: number[];
  private readonly maxBatchTokens: number;
  private readonly maxQueueSize: number;
  private readonly maxConcurrent: number;
  private readonly lengthOf: (input: TIn) => number;
  private readonly now: () => number;
  private waitingCount = 0;
  private running = 0;
  private seq = 0;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly counters = { submitted: 0, completed: 0, failed: 0, rejected: 0, expired: 0, cancelled: 0, batches: 0 };
  private realTokens = 0;
  private paddedTokens = 0;
  private readonly batchSizes: Distribution;
  private readonly queueWait = new Distribution(LATENCY_BUCKETS_MS);
  private readonly modelTime = new Distribution(LATENCY_BUCKETS_MS);

  constructor(
    private readonly runBatch: BatchRunner<TIn, TOut>,
    options: DynamicBatcherOptions<TIn>,
  ) {
    const { maxBatchSize, maxQueueDelayMs } = options;
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
    }
    if (!(maxQueueDelayMs >= 0)) throw new RangeError(`maxQueueDelayMs must be ≥ 0, got ${maxQueueDelayMs}`);
    const bulkQueueDelayMs = options.bulkQueueDelayMs ?? maxQueueDelayMs;
    if (!(bulkQueueDelayMs >= 0)) throw new RangeError(`bulkQueueDelayMs must be ≥ 0, got ${bulkQueueDelayMs}`);
    for (const size of options.preferredBatchSizes ?? []) {
      if (!Number.isInteger(size) || size < 1 || size > maxBatchSize) {
        throw new RangeError(`preferred batch size ${size} must be an integer in 1..maxBatchSize (${maxBatchSize})`);
      }
    }
    if (options.maxBatchTokens !== undefined && !(options.maxBatchTokens >= 1)) {
      throw new RangeError(`maxBatchTokens must be ≥ 1, got ${options.maxBatchTokens}`);
    }
    if (options.maxQueueSize !== undefined && !(options.maxQueueSize >= 1)) {
      throw new RangeError(`maxQueueSize must be ≥ 1, got ${options.maxQueueSize}`);
    }
    this.preferred = [...new Set(options.preferredBatchSizes ?? [])].sort((a, b) => a - b);
    this.maxBatchTokens = options.maxBatchTokens ?? Number.POSITIVE_INFINITY;
    this.maxQueueSize = options.maxQueueSize ?? Number.POSITIVE_INFINITY;
    this.maxConcurrent = Math.max(1, Math.floor(options.maxConcurrentBatches ?? 1));
    this.lengthOf = options.lengthOf ?? (() => 1);
    this.now = options.now ?? defaultNow;
    this.batchSizes = new Distribution(batchSizeBuckets(maxBatchSize));
    this.settings = {
      maxBatchSize,
      maxQueueDelayMs,
      bulkQueueDelayMs,
      preferredBatchSizes: [...this.preferred],
      maxBatchTokens: Number.isFinite(this.maxBatchTokens) ? this.maxBatchTokens : 0,
      maxQueueSize: Number.isFinite(this.maxQueueSize) ? this.maxQueueSize : 0,
      maxConcurrentBatches: this.maxConcurrent,
      priorityLanes: [...PRIORITY_LANES],
    };
  }

  /** Queues one request; resolves with its own result. */
  submit(input: TIn, options: SubmitOptions = {}): Promise<TOut> {
    if (this.closed) return Promise.reject(DomainError.unavailable('the batcher is shut down'));
    const { signal } = options;
    if (signal?.aborted) {
      this.counters.cancelled++;
      return Promise.reject(abortReason(signal));
    }
    const now = this.now();
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    if (deadline <= now) {
      this.counters.expired++;
      return Promise.reject(deadlineExceeded());
    }
    if (this.waitingCount >= this.maxQueueSize) {
      this.counters.rejected++;
      return Promise.reject(DomainError.resourceExhausted(`inference queue is full (${this.maxQueueSize} requests waiting)`));
    }
    const lane = this.lanes[PRIORITY_LANES.indexOf(options.priority ?? 'interactive')];
    if (!lane) return Promise.reject(DomainError.invalidArgument(`unknown priority ${String(options.priority)}`));
    const length = Math.max(1, Math.ceil(this.lengthOf(input)) || 1);
    return new Promise<TOut>((resolve, reject) => {
      const p: Pending<TIn, TOut> = {
        seq: this.seq++,
        input,
        length,
        bucket: lengthBucket(length),
        lane,
        enqueuedAt: now,
        deadline,
        state: 'waiting',
        resolve,
        reject,
      };
      this.counters.submitted++;
      lane.push(p);
      this.waitingCount++;
      if (Number.isFinite(deadline)) p.deadlineTimer = setTimeout(() => this.expire(p), Math.ceil(deadline - now));
      if (signal) {
        p.signal = signal;
        p.onAbort = () => this.cancel(p);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.pump();
    });
  }

  /** Requests waiting for a batch. */
  get waiting(): number {
    return this.waitingCount;
  }

  metrics(): DynamicBatcherMetrics {
    return {
      ...this.counters,
      waiting: this.waitingCount,
      waitingByLane: Object.fromEntries(this.lanes.map((l) => [l.priority, l.waiting])) as Record<Priority, number>,
      running: this.running,
      batchSize: this.batchSizes.snapshot(),
      queueWaitMs: this.queueWait.snapshot(),
      modelTimeMs: this.modelTime.snapshot(),
      paddingEfficiency: this.paddedTokens === 0 ? 1 : this.realTokens / this.paddedTokens,
    };
  }

  /** Rejects the waiting requests; batches already running finish. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    const error = DomainError.unavailable('the batcher is shut down');
    for (const lane of this.lanes) {
      for (const q of lane.buckets) {
        for (const p of q.items) if (p.state === 'waiting') this.settleWaiting(p, error);
      }
    }
  }

  /** Dispatches every batch that is due and free to run, then arms the queue-delay timer. */
  private pump(): void {
    const now = this.now();
    while (this.running < this.maxConcurrent && this.waitingCount > 0) {
      const target = this.readyTarget(now);
      if (target === 0) break;
      const batch = this.formBatch(target, now, false);
      if (batch.length > 0) void this.execute(batch, now);
    }
    this.armTimer(now);
  }

  /** The size limit of a batch that should run now, or 0 when it is better to wait. */
  private readyTarget(now: number): number {
    const max = this.settings.maxBatchSize;
    if (this.waitingCount >= max) return max;
    if (this.dueAt() <= now) return max;
    for (let i = this.preferred.length - 1; i >= 0; i--) {
      if ((this.preferred[i] as number) <= this.waitingCount) return this.preferred[i] as number;
    }
    // The token budget already cuts the batch: it is as full as it can get.
    if (Number.isFinite(this.maxBatchTokens) && this.formBatch(max, now, true).length < this.waitingCount) return max;
    return 0;
  }

  /** When a partial batch is due: the earliest time a lane's oldest request has waited its lane's queue delay (∞ when none waits). */
  private dueAt(): number {
    let due = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes) {
      const oldest = lane.oldest();
      if (!oldest) continue;
      const delay = lane.priority === 'bulk' ? this.settings.bulkQueueDelayMs : this.settings.maxQueueDelayMs;
      due = Math.min(due, oldest.enqueuedAt + delay);
    }
    return due;
  }

  /**
   * Picks up to `limit` waiting requests: the oldest of the highest non-empty lane first, then
   * the others lane by lane, nearest length bucket first, within the token budget. Expired
   * requests met on the way are failed (unless this is a dry run). Returns them in arrival order.
   */
  private formBatch(limit: number, now: number, dryRun: boolean): Pending<TIn, TOut>[] {
    let seed: Pending<TIn, TOut> | undefined;
    for (const lane of this.lanes) {
      while ((seed = lane.oldest()) && seed.deadline <= now && !dryRun) this.expire(seed);
      if (seed) break;
    }
    if (!seed) return [];
    const chosen = [seed];
    let longest = seed.length;
    const budget = this.maxBatchTokens;
    outer: for (const lane of this.lanes) {
      if (lane.waiting === 0) continue;
      const buckets = lane.buckets.length;
      // Nearest buckets first: seed, seed−1, seed+1, seed−2, … (shorter first on ties: no extra padding).
      for (let step = 0; step < 2 * buckets; step++) {
        const b = seed.bucket + (step % 2 === 0 ? -(step / 2) : (step + 1) / 2);
        if (b < 0 || b >= buckets) continue;
        const q = lane.bucket(b) as { items: Pending<TIn, TOut>[]; head: number };
        for (let i = q.head; i < q.items.length; i++) {
          const p = q.items[i] as Pending<TIn, TOut>;
          if (p.state !== 'waiting' || p === seed) continue;
          if (chosen.length >= limit || (chosen.length + 1) * longest > budget) break outer;
          if (p.deadline <= now) {
            if (!dryRun) this.expire(p);
            continue;
          }
          const padded = Math.max(longest, p.length);
          if ((chosen.length + 1) * padded > budget) continue;
          chosen.push(p);
          longest = padded;
        }
      }
    }
    if (!dryRun) {
      for (const p of chosen) {
        p.state = 'running';
        p.lane.waiting--;
        this.waitingCount--;
        // Past this point the deadline no longer matters: the request is in the model.
        if (p.deadlineTimer !== undefined) clearTimeout(p.deadlineTimer);
      }
    }
    return chosen.length > 1 ? chosen.sort((a, b) => a.seq - b.seq) : chosen;
  }

  private async execute(batch: Pending<TIn, TOut>[], now: number): Promise<void> {
    this.running++;
    this.counters.batches++;
    this.batchSizes.observe(batch.length);
    batcherBatchSize.observe({ lane: PRIORITY_LANES.find((lane) => batch.some((p) => p.lane.priority === lane)) ?? 'unknown' }, batch.length);
    let longest = 0;
    for (const p of batch) {
      this.queueWait.observe(now - p.enqueuedAt);
      batcherQueueWait.observe({ lane: p.lane.priority }, (now - p.enqueuedAt) / 1000);
      this.realTokens += p.length;
      if (p.length > longest) longest = p.length;
    }
    this.paddedTokens += longest * batch.length;
    const started = this.now();
    let outputs: TOut[] | undefined;
    let failure: unknown;
    try {
      outputs = await this.runBatch(batch.map((p) => p.input));
      if (!Array.isArray(outputs) || outputs.length !== batch.length) {
        failure = new Error(`batch runner returned ${Array.isArray(outputs) ? outputs.length : 'no'} results for ${batch.length} inputs`);
      }
    } catch (error) {
      failure = error ?? new Error('the batch runner failed');
    }
    this.modelTime.observe(this.now() - started);
    this.running--;
    batch.forEach((p, i) => {
      if (p.state !== 'running') return; // cancelled while running: its result is dropped
      this.settle(p);
      if (failure === undefined) {
        this.counters.completed++;
        p.resolve((outputs as TOut[])[i] as TOut);
      } else {
        this.counters.failed++;
        p.reject(failure);
      }
    });
    // Requests that waited while every slot was busy may be overdue already: pump runs them now.
    this.pump();
  }

  private expire(p: Pending<TIn, TOut>): void {
    if (p.state !== 'waiting') return;
    this.counters.expired++;
    this.settleWaiting(p, deadlineExceeded());
  }

  private cancel(p: Pending<TIn, TOut>): void {
    if (p.state === 'settled') return;
    this.counters.cancelled++;
    const reason = abortReason(p.signal as AbortSignal);
    if (p.state === 'waiting') {
      this.settleWaiting(p, reason);
    } else {
      this.settle(p);
      p.reject(reason);
    }
  }

  private settleWaiting(p: Pending<TIn, TOut>, error: unknown): void {
    p.lane.waiting--;
    this.waitingCount--;
    this.settle(p);
    p.reject(error);
  }

  private settle(p: Pending<TIn, TOut>): void {
    p.state = 'settled';
    if (p.deadlineTimer !== undefined) clearTimeout(p.deadlineTimer);
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
  }

  private armTimer(now: number): void {
    const at = this.waitingCount > 0 && this.running < this.maxConcurrent && !this.closed ? this.dueAt() : Number.POSITIVE_INFINITY;
    if (at === Number.POSITIVE_INFINITY) {
      this.clearTimer();
      return;
    }
    if (this.timer !== undefined && this.timerAt <= at) return; // fires no later than needed; pump re-arms
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, Math.ceil(at - now)),
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
    }
  }
}
