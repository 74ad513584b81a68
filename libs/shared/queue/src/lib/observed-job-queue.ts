import {
  currentRequestId,
  extractTraceContext,
  inSpan,
  injectTraceContext,
  newRequestId,
  queueJobDuration,
  queueJobWait,
  runWithRequestId,
  SpanKind,
  type TraceCarrier,
} from '@autoglm/shared-observability';
import type { EnqueueOptions, EnsureOutcome, JobHandler, JobQueue, QueuedJob, QueueName } from './job-queue';

/** Where a job's data carries the unit of work that added it (absent in jobs added before it existed). */
export const JOB_CONTEXT_FIELD = '_context';

export interface JobContext {
  /** Correlation id of the request, RPC or tick that added the job. */
  requestId: string;
  /** Epoch ms when the job was added. */
  enqueuedAt: number;
  /** W3C trace context of the work that added it: the job's span continues that trace. */
  trace?: TraceCarrier;
}

export type WithContext<T> = T & { [JOB_CONTEXT_FIELD]?: JobContext };

/**
 * A JobQueue whose jobs carry the correlation id and trace context of the work that added them:
 * the handler runs under that id (its logs and calls carry it on) in a span continuing that trace,
 * and each job's wait and run time are recorded by queue.
 * The handler sees the data as it was added, without the context field.
 */
export class ObservedJobQueue<T> implements JobQueue<T> {
  constructor(
    private readonly inner: JobQueue<WithContext<T>>,
    private readonly now: () => number = Date.now,
  ) {}

  get name(): QueueName {
    return this.inner.name;
  }

  add(data: T, options?: EnqueueOptions): Promise<void> {
    return this.inner.add({ ...data, [JOB_CONTEXT_FIELD]: this.context() }, options);
  }

  addMany(jobs: ReadonlyArray<{ data: T; options?: EnqueueOptions }>): Promise<void> {
    const context = this.context();
    return this.inner.addMany(jobs.map(({ data, options }) => ({ data: { ...data, [JOB_CONTEXT_FIELD]: context }, ...(options ? { options } : {}) })));
  }

  /** What a job carries from the code that adds it: the request id, when, and the trace. */
  private context(): JobContext {
    return { requestId: currentRequestId() ?? newRequestId(), enqueuedAt: this.now(), trace: injectTraceContext() };
  }

  process(handler: JobHandler<T>, options?: { concurrency?: number }): void {
    this.inner.process((stored) => {
      const { data, context } = split(stored);
      if (context) queueJobWait.observe({ queue: this.name }, Math.max(0, this.now() - context.enqueuedAt) / 1000);
      const end = queueJobDuration.startTimer({ queue: this.name });
      const run = () =>
        inSpan(`${this.name} process`, { kind: SpanKind.CONSUMER, parent: extractTraceContext(context?.trace), attributes: { 'messaging.destination.name': this.name } }, () =>
          handler(data),
        );
      return runWithRequestId(context?.requestId ?? newRequestId(), run).then(
        () => void end({ outcome: 'completed' }),
        (error: unknown) => {
          end({ outcome: 'failed' });
          throw error;
        },
      );
    }, options);
  }

  /** Jobs recreated by a sweep carry the sweep's context, like jobs added by it. */
  ensure(jobs: Array<QueuedJob<T>>): Promise<EnsureOutcome> {
    const context: JobContext = { requestId: currentRequestId() ?? newRequestId(), enqueuedAt: this.now(), trace: injectTraceContext() };
    return this.inner.ensure(jobs.map((job) => ({ id: job.id, data: { ...job.data, [JOB_CONTEXT_FIELD]: context } })));
  }

  depth(): Promise<number> {
    return this.inner.depth();
  }

  stopConsuming(deadline: number): Promise<string[]> {
    return this.inner.stopConsuming(deadline);
  }

  async takeUnfinished(): Promise<Array<QueuedJob<T>>> {
    return (await this.inner.takeUnfinished()).map((job) => ({ id: job.id, data: split(job.data).data }));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function split<T>(stored: WithContext<T>): { data: T; context: JobContext | undefined } {
  if (stored === null || typeof stored !== 'object' || !(JOB_CONTEXT_FIELD in stored)) return { data: stored, context: undefined };
  const { [JOB_CONTEXT_FIELD]: context, ...data } = stored;
  return { data: data as T, context };
}
