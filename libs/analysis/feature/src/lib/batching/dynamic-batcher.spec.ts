import fc from 'fast-check';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { DynamicBatcher, lengthBucket, PRIORITY_LANES, type BatchRunner, type DynamicBatcherOptions, type Priority } from './dynamic-batcher';

function recordingRunner<T>(transform: (x: T) => unknown = (x) => x) {
  const batches: T[][] = [];
  const run: BatchRunner<T, unknown> = async (inputs) => {
    batches.push([...inputs]);
    return inputs.map(transform);
  };
  return { batches, run };
}

/** A runner whose batches finish only when the test releases them. */
function gatedRunner<T>() {
  const batches: T[][] = [];
  const gates: (() => void)[] = [];
  const run: BatchRunner<T, T> = async (inputs) => {
    batches.push([...inputs]);
    await new Promise<void>((r) => gates.push(r));
    return inputs;
  };
  return { batches, run, releaseNext: () => gates.shift()?.() };
}

/** Numbers stand for texts whose token length is the number itself. */
const byLength = <T extends number>(options: Omit<DynamicBatcherOptions<T>, 'lengthOf' | 'now'>): DynamicBatcherOptions<T> => ({
  ...options,
  lengthOf: (x) => x,
  now: () => Date.now(),
});

const settledState = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));

describe(DynamicBatcher.name, () => {
  afterEach(() => jest.useRealTimers());

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());

    describe('maxBatchSize and maxQueueDelayMs', () => {
      it('runs a batch as soon as maxBatchSize requests wait, without waiting for the delay', async () => {
        const runner = recordingRunner<number>((x) => x * 10);
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 3, maxQueueDelayMs: 1_000, now: Date.now });

        const results = [1, 2, 3].map((x) => sut.submit(x));
        await jest.advanceTimersByTimeAsync(0);

        expect(runner.batches).toEqual([[1, 2, 3]]);
        await expect(Promise.all(results)).resolves.toEqual([10, 20, 30]);
      });

      it('runs a partial batch only when maxQueueDelayMs has passed since the oldest request', async () => {
        const runner = recordingRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 8, maxQueueDelayMs: 20, now: Date.now });

        const a = sut.submit('a');
        await jest.advanceTimersByTimeAsync(10);
        const b = sut.submit('b');
        await jest.advanceTimersByTimeAsync(9);
        expect(runner.batches).toEqual([]);

        await jest.advanceTimersByTimeAsync(1);
        expect(runner.batches).toEqual([['a', 'b']]);
        await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
      });

      it('lets bulk requests wait bulkQueueDelayMs for a fuller batch, and an interactive one only maxQueueDelayMs', async () => {
        const runner = recordingRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 8, maxQueueDelayMs: 5, bulkQueueDelayMs: 30, now: Date.now });

        const bulk = [sut.submit('b1', { priority: 'bulk' })];
        await jest.advanceTimersByTimeAsync(20);
        bulk.push(sut.submit('b2', { priority: 'bulk' }));
        expect(runner.batches).toEqual([]);
        await jest.advanceTimersByTimeAsync(10);
        expect(runner.batches).toEqual([['b1', 'b2']]);

        const alone = sut.submit('i1');
        bulk.push(sut.submit('b3', { priority: 'bulk' }));
        await jest.advanceTimersByTimeAsync(4);
        expect(runner.batches).toHaveLength(1);
        await jest.advanceTimersByTimeAsync(1);
        // The interactive request is due after 5 ms and takes the waiting bulk one along.
        expect(runner.batches).toEqual([['b1', 'b2'], ['i1', 'b3']]);
        await expect(Promise.all([alone, ...bulk])).resolves.toEqual(['i1', 'b1', 'b2', 'b3']);
        expect(sut.settings).toMatchObject({ maxQueueDelayMs: 5, bulkQueueDelayMs: 30 });
      });

      it('gives bulk requests maxQueueDelayMs when no bulk delay is set, and refuses a negative one', () => {
        expect(new DynamicBatcher(recordingRunner<string>().run, { maxBatchSize: 8, maxQueueDelayMs: 7 }).settings.bulkQueueDelayMs).toBe(7);
        expect(() => new DynamicBatcher(recordingRunner<string>().run, { maxBatchSize: 8, maxQueueDelayMs: 7, bulkQueueDelayMs: -1 })).toThrow(RangeError);
      });

      it('splits a burst into batches of at most maxBatchSize, in arrival order', async () => {
        const runner = recordingRunner<number>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 4, maxQueueDelayMs: 5, maxConcurrentBatches: 4, now: Date.now });

        const results = Array.from({ length: 10 }, (_, i) => sut.submit(i));
        await jest.advanceTimersByTimeAsync(5);

        expect(runner.batches).toEqual([
          [0, 1, 2, 3],
          [4, 5, 6, 7],
          [8, 9],
        ]);
        await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(sut.metrics()).toMatchObject({ batches: 3, submitted: 10, completed: 10 });
      });

      it('collects requests that arrive while every slot is busy into the next batch, run as soon as a slot frees', async () => {
        const runner = gatedRunner<number>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 2, maxQueueDelayMs: 5, now: Date.now });

        const first = [sut.submit(1), sut.submit(2)];
        await jest.advanceTimersByTimeAsync(0);
        const later = [sut.submit(3), sut.submit(4), sut.submit(5)];
        await jest.advanceTimersByTimeAsync(50);
        expect(runner.batches).toEqual([[1, 2]]);

        runner.releaseNext();
        await jest.advanceTimersByTimeAsync(0);
        // [3, 4] is full and [5] is overdue: both run without another delay, one after the other.
        expect(runner.batches).toEqual([[1, 2], [3, 4]]);
        runner.releaseNext();
        await jest.advanceTimersByTimeAsync(0);
        expect(runner.batches).toEqual([[1, 2], [3, 4], [5]]);
        runner.releaseNext();
        await expect(Promise.all([...first, ...later])).resolves.toEqual([1, 2, 3, 4, 5]);
      });

      it('runs up to maxConcurrentBatches batches at once (one per free session)', async () => {
        const runner = gatedRunner<number>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 2, maxQueueDelayMs: 5, maxConcurrentBatches: 2, now: Date.now });

        const results = [1, 2, 3, 4, 5, 6].map((x) => sut.submit(x));
        await jest.advanceTimersByTimeAsync(100);
        expect(runner.batches).toEqual([
          [1, 2],
          [3, 4],
        ]);
        expect(sut.metrics()).toMatchObject({ running: 2, waiting: 2 });

        runner.releaseNext();
        await jest.advanceTimersByTimeAsync(0);
        expect(runner.batches).toHaveLength(3);
        runner.releaseNext();
        runner.releaseNext();
        await expect(Promise.all(results)).resolves.toEqual([1, 2, 3, 4, 5, 6]);
      });
    });

    describe('preferredBatchSizes', () => {
      it('flushes as soon as the queue reaches a preferred size, without waiting for the delay', async () => {
        const runner = recordingRunner<number>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 8, maxQueueDelayMs: 1_000, preferredBatchSizes: [3], now: Date.now });

        const results = [sut.submit(1), sut.submit(2)];
        await jest.advanceTimersByTimeAsync(10);
        expect(runner.batches).toEqual([]);

        results.push(sut.submit(3));
        await jest.advanceTimersByTimeAsync(0);
        expect(runner.batches).toEqual([[1, 2, 3]]);
        await expect(Promise.all(results)).resolves.toEqual([1, 2, 3]);
      });

      it('forms the largest preferred batch the queue allows and lets the rest wait for the delay', async () => {
        const runner = gatedRunner<number>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 8, maxQueueDelayMs: 50, preferredBatchSizes: [4, 2], now: Date.now });

        const results = [1, 2].map((x) => sut.submit(x));
        await jest.advanceTimersByTimeAsync(0);
        expect(runner.batches).toEqual([[1, 2]]);
        // Five pile up behind the busy slot; once it frees, the largest preferred size (4) runs.
        results.push(...[3, 4, 5, 6, 7].map((x) => sut.submit(x)));
        runner.releaseNext();
        await jest.advanceTimersByTimeAsync(0);
        expect(runner.batches).toEqual([
          [1, 2],
          [3, 4, 5, 6],
        ]);
        runner.releaseNext();
        await jest.advanceTimersByTimeAsync(49);
        expect(runner.batches).toHaveLength(2);
        await jest.advanceTimersByTimeAsync(1);
        expect(runner.batches).toEqual([[1, 2], [3, 4, 5, 6], [7]]);
        runner.releaseNext();
        await expect(Promise.all(results)).resolves.toEqual([1, 2, 3, 4, 5, 6, 7]);
      });
    });

    describe('token budget and length buckets', () => {
      it('caps batch size × longest sequence at maxBatchTokens and runs a token-full batch at once', async () => {
        const runner = recordingRunner<number>();
        const sut = new DynamicBatcher(runner.run, byLength({ maxBatchSize: 8, maxQueueDelayMs: 100, maxBatchTokens: 10 }));

        const results = [2, 2, 2, 2, 2, 2].map((x) => sut.submit(x));
        await jest.advanceTimersByTimeAsync(0);
        expect(runner.batches).toEqual([[2, 2, 2, 2, 2]]);

        await jest.advanceTimersByTimeAsync(100);
        expect(runner.batches).toEqual([[2, 2, 2, 2, 2], [2]]);
        await expect(Promise.all(results)).resolves.toHaveLength(6);
      });

      it('runs a request longer than the whole budget alone rather than never', async () => {
        const runner = recordingRunner<number>();
        const sut = new DynamicBatcher(runner.run, byLength({ maxBatchSize: 8, maxQueueDelayMs: 5, maxBatchTokens: 10 }));

        const results = [50, 1].map((x) => sut.submit(x));
        await jest.advanceTimersByTimeAsync(0);
        expect(runner.batches).toEqual([[50]]);
        await jest.advanceTimersByTimeAsync(5);
        expect(runner.batches).toEqual([[50], [1]]);
        await expect(Promise.all(results)).resolves.toEqual([50, 1]);
      });

      it('fills a batch from the nearest length bucket so short texts are not padded to long ones', async () => {
        const runner = gatedRunner<number>();
        const sut = new DynamicBatcher(runner.run, byLength({ maxBatchSize: 4, maxQueueDelayMs: 5 }));

        const busy = sut.submit(5);
        await jest.advanceTimersByTimeAsync(5);
        const lengths = [1, 30, 2, 28, 3, 31, 1, 29];
        const results = lengths.map((x) => sut.submit(x));
        runner.releaseNext();
        await jest.advanceTimersByTimeAsync(0);
        runner.releaseNext();
        await jest.advanceTimersByTimeAsync(0);
        runner.releaseNext();

        expect(runner.batches).toEqual([[5], [1, 2, 3, 1], [30, 28, 31, 29]]);
        await expect(Promise.all([busy, ...results])).resolves.toEqual([5, ...lengths]);
        // 130 real tokens; padded 1×5 + 4×3 + 4×31 (arrival order would pad 4×30 + 4×31).
        expect(sut.metrics().paddingEfficiency).toBeCloseTo(130 / 141, 5);
      });

      it('numbers length buckets by powers of two', () => {
        expect([0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 512].map(lengthBucket)).toEqual([0, 0, 1, 2, 2, 3, 3, 4, 4, 5, 9]);
      });
    });

    describe('priority lanes', () => {
      it('runs waiting interactive requests before older bulk ones', async () => {
        const runner = gatedRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 2, maxQueueDelayMs: 5, now: Date.now });

        const all = [sut.submit('b0', { priority: 'bulk' }), sut.submit('b1', { priority: 'bulk' })];
        await jest.advanceTimersByTimeAsync(0);
        all.push(
          sut.submit('b2', { priority: 'bulk' }),
          sut.submit('b3', { priority: 'bulk' }),
          sut.submit('b4', { priority: 'bulk' }),
          sut.submit('i0', { priority: 'interactive' }),
          sut.submit('i1'),
        );
        expect(sut.metrics().waitingByLane).toEqual({ interactive: 2, bulk: 3 });

        for (let i = 0; i < 4; i++) {
          runner.releaseNext();
          await jest.advanceTimersByTimeAsync(5);
        }
        expect(runner.batches).toEqual([['b0', 'b1'], ['i0', 'i1'], ['b2', 'b3'], ['b4']]);
        await expect(Promise.all(all)).resolves.toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'i0', 'i1']);
      });

      it('fills the room an interactive batch leaves with bulk requests', async () => {
        const runner = recordingRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 3, maxQueueDelayMs: 5, now: Date.now });

        const results = [sut.submit('b0', { priority: 'bulk' }), sut.submit('i0'), sut.submit('b1', { priority: 'bulk' })];
        await jest.advanceTimersByTimeAsync(0);

        expect(runner.batches).toEqual([['b0', 'i0', 'b1']]);
        await expect(Promise.all(results)).resolves.toEqual(['b0', 'i0', 'b1']);
      });

      it('refuses an unknown priority with INVALID_ARGUMENT', async () => {
        const sut = new DynamicBatcher(recordingRunner<number>().run, { maxBatchSize: 2, maxQueueDelayMs: 5, now: Date.now });
        await expect(sut.submit(1, { priority: 'urgent' as Priority })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
      });
    });

    describe('bounded queue', () => {
      it('rejects with RESOURCE_EXHAUSTED beyond maxQueueSize and counts the rejection', async () => {
        const runner = recordingRunner<number>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 10, maxQueueDelayMs: 5, maxQueueSize: 2, now: Date.now });

        const accepted = [sut.submit(1), sut.submit(2)];
        await expect(sut.submit(3)).rejects.toMatchObject({ code: ErrorCode.ResourceExhausted });
        await jest.advanceTimersByTimeAsync(5);
        await expect(Promise.all(accepted)).resolves.toEqual([1, 2]);
        expect(sut.metrics()).toMatchObject({ rejected: 1, submitted: 2 });
        // Room again once the batch left the queue.
        const again = sut.submit(4);
        await jest.advanceTimersByTimeAsync(5);
        await expect(again).resolves.toBe(4);
      });
    });

    describe('deadlines', () => {
      it('fails a request whose deadline passes while it waits with DEADLINE_EXCEEDED; it never reaches the model', async () => {
        const runner = recordingRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 8, maxQueueDelayMs: 50, now: Date.now });

        const late = settledState(sut.submit('late', { deadline: Date.now() + 10 }));
        const fine = sut.submit('fine', { deadline: Date.now() + 1_000 });
        await jest.advanceTimersByTimeAsync(10);
        expect(await late).toEqual({ error: expect.objectContaining({ code: ErrorCode.DeadlineExceeded }) });

        await jest.advanceTimersByTimeAsync(40);
        expect(runner.batches).toEqual([['fine']]);
        await expect(fine).resolves.toBe('fine');
        expect(sut.metrics()).toMatchObject({ expired: 1, completed: 1 });
      });

      it('refuses a request whose deadline has already passed', async () => {
        const runner = recordingRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 1, maxQueueDelayMs: 0, now: Date.now });

        await expect(sut.submit('x', { deadline: Date.now() })).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
        await jest.advanceTimersByTimeAsync(10);
        expect(runner.batches).toEqual([]);
        expect(sut.metrics().expired).toBe(1);
      });

      it('drops a request that expires behind a busy model at batch-forming time', async () => {
        const runner = gatedRunner<string>();
        let now = 0;
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 2, maxQueueDelayMs: 0, now: () => now });

        const first = sut.submit('first');
        await jest.advanceTimersByTimeAsync(0);
        const expired = settledState(sut.submit('expired', { deadline: 5 }));
        const kept = sut.submit('kept');
        // The clock jumps past the deadline before its timer could fire (a blocked event loop).
        now = 10;
        runner.releaseNext();
        await jest.advanceTimersByTimeAsync(0);
        runner.releaseNext();

        expect(runner.batches).toEqual([['first'], ['kept']]);
        expect(await expired).toEqual({ error: expect.objectContaining({ code: ErrorCode.DeadlineExceeded }) });
        await expect(Promise.all([first, kept])).resolves.toEqual(['first', 'kept']);
      });
    });

    describe('cancellation', () => {
      it('removes an aborted waiting request: it rejects with the abort reason and never reaches the model', async () => {
        const runner = recordingRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 8, maxQueueDelayMs: 10, now: Date.now });
        const controller = new AbortController();
        const reason = new Error('client went away');

        const cancelled = settledState(sut.submit('cancelled', { signal: controller.signal }));
        const kept = sut.submit('kept');
        controller.abort(reason);
        expect(await cancelled).toEqual({ error: reason });
        expect(sut.waiting).toBe(1);

        await jest.advanceTimersByTimeAsync(10);
        expect(runner.batches).toEqual([['kept']]);
        await expect(kept).resolves.toBe('kept');
        expect(sut.metrics().cancelled).toBe(1);
      });

      it('refuses a request whose signal is already aborted', async () => {
        const runner = recordingRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 1, maxQueueDelayMs: 0, now: Date.now });

        await expect(sut.submit('x', { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
        expect(runner.batches).toEqual([]);
      });

      it('answers a request aborted while its batch runs at once, and still answers the rest of the batch', async () => {
        const runner = gatedRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 2, maxQueueDelayMs: 5, now: Date.now });
        const controller = new AbortController();

        const aborted = settledState(sut.submit('a', { signal: controller.signal }));
        const other = sut.submit('b');
        await jest.advanceTimersByTimeAsync(0);
        expect(runner.batches).toEqual([['a', 'b']]);
        controller.abort();
        expect(await aborted).toEqual({ error: expect.objectContaining({ name: 'AbortError' }) });

        runner.releaseNext();
        await expect(other).resolves.toBe('b');
        expect(sut.metrics()).toMatchObject({ cancelled: 1, completed: 1 });
      });

      it('ignores an abort after the result was delivered', async () => {
        const runner = recordingRunner<string>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 1, maxQueueDelayMs: 0, now: Date.now });
        const controller = new AbortController();

        await expect(sut.submit('a', { signal: controller.signal })).resolves.toBe('a');
        controller.abort();
        expect(sut.metrics()).toMatchObject({ cancelled: 0, completed: 1 });
      });
    });

    describe('failures and shutdown', () => {
      it('rejects every request of a failed batch with the runner error and keeps serving', async () => {
        const failure = DomainError.unavailable('model crashed');
        let calls = 0;
        const sut = new DynamicBatcher<number, number>(
          async (inputs) => {
            calls++;
            if (calls === 1) throw failure;
            return inputs.map((x) => x + 1);
          },
          { maxBatchSize: 2, maxQueueDelayMs: 5, now: Date.now },
        );

        const failed = [sut.submit(1), sut.submit(2)].map((p) => p.catch((e: unknown) => e));
        await jest.advanceTimersByTimeAsync(0);
        expect(await Promise.all(failed)).toEqual([failure, failure]);

        const ok = sut.submit(7);
        await jest.advanceTimersByTimeAsync(5);
        await expect(ok).resolves.toBe(8);
        expect(sut.metrics()).toMatchObject({ failed: 2, completed: 1 });
      });

      it('rejects every request when the runner returns the wrong number of results', async () => {
        const sut = new DynamicBatcher<number, number>(async () => [1], { maxBatchSize: 2, maxQueueDelayMs: 5, now: Date.now });

        const results = [sut.submit(1), sut.submit(2)].map((p) => p.catch((e: Error) => e.message));
        await jest.advanceTimersByTimeAsync(0);

        expect(await Promise.all(results)).toEqual([
          'batch runner returned 1 results for 2 inputs',
          'batch runner returned 1 results for 2 inputs',
        ]);
      });

      it('rejects waiting and new requests once closed', async () => {
        const runner = recordingRunner<number>();
        const sut = new DynamicBatcher(runner.run, { maxBatchSize: 10, maxQueueDelayMs: 5, now: Date.now });

        const waiting = sut.submit(1, { deadline: Date.now() + 100 });
        sut.close();

        await expect(waiting).rejects.toMatchObject({ code: ErrorCode.Unavailable });
        await expect(sut.submit(2)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
        await jest.advanceTimersByTimeAsync(200);
        expect(runner.batches).toEqual([]);
        expect(sut.metrics()).toMatchObject({ waiting: 0, expired: 0 });
      });
    });

    it('measures batch sizes, queue wait and model time', async () => {
      const sut = new DynamicBatcher<number, number>(
        async (inputs) => {
          await new Promise((r) => setTimeout(r, 7));
          return inputs;
        },
        { maxBatchSize: 4, maxQueueDelayMs: 5, now: Date.now },
      );

      const results = [sut.submit(1), sut.submit(2), sut.submit(3)];
      await jest.advanceTimersByTimeAsync(5 + 7);
      await Promise.all(results);
      const more = [1, 2, 3, 4].map((x) => sut.submit(x));
      await jest.advanceTimersByTimeAsync(7);
      await Promise.all(more);

      const metrics = sut.metrics();
      expect(metrics.batchSize).toEqual({
        count: 2,
        sum: 7,
        max: 4,
        buckets: [
          { upperBound: 1, count: 0 },
          { upperBound: 2, count: 0 },
          { upperBound: 4, count: 2 },
        ],
      });
      expect(metrics.queueWaitMs).toMatchObject({ count: 7, sum: 15, max: 5 });
      expect(metrics.modelTimeMs).toMatchObject({ count: 2, sum: 14, max: 7 });
      expect(metrics.modelTimeMs.buckets.find((b) => b.upperBound === 10)?.count).toBe(2);
      expect(metrics).toMatchObject({ submitted: 7, completed: 7, batches: 2, waiting: 0, running: 0, paddingEfficiency: 1 });
    });

    it('reports its settings, 0 meaning no limit', () => {
      const run = async (xs: number[]) => xs;
      expect(new DynamicBatcher(run, { maxBatchSize: 8, maxQueueDelayMs: 2, preferredBatchSizes: [8, 4, 4] }).settings).toEqual({
        maxBatchSize: 8,
        maxQueueDelayMs: 2,
        bulkQueueDelayMs: 2,
        preferredBatchSizes: [4, 8],
        maxBatchTokens: 0,
        maxQueueSize: 0,
        maxConcurrentBatches: 1,
        priorityLanes: ['interactive', 'bulk'],
      });
    });
  });

  it.each([
    ['maxBatchSize 0', { maxBatchSize: 0, maxQueueDelayMs: 1 }],
    ['a negative delay', { maxBatchSize: 2, maxQueueDelayMs: -1 }],
    ['a preferred size above maxBatchSize', { maxBatchSize: 2, maxQueueDelayMs: 1, preferredBatchSizes: [4] }],
    ['a fractional preferred size', { maxBatchSize: 8, maxQueueDelayMs: 1, preferredBatchSizes: [2.5] }],
    ['a token budget of 0', { maxBatchSize: 2, maxQueueDelayMs: 1, maxBatchTokens: 0 }],
    ['a queue of 0', { maxBatchSize: 2, maxQueueDelayMs: 1, maxQueueSize: 0 }],
  ])('rejects %s', (_case, options) => {
    expect(() => new DynamicBatcher(async (xs: number[]) => xs, options)).toThrow(RangeError);
  });

  it('gives every caller exactly its own result, whatever the interleaving, priorities, budgets and cancellations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            value: fc.integer({ min: -1e6, max: 1e6 }),
            length: fc.integer({ min: 1, max: 40 }),
            pause: fc.nat({ max: 3 }),
            priority: fc.constantFrom<Priority>(...PRIORITY_LANES),
            cancel: fc.boolean(),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.record({
          maxBatchSize: fc.integer({ min: 1, max: 9 }),
          maxQueueDelayMs: fc.integer({ min: 0, max: 2 }),
          maxConcurrentBatches: fc.integer({ min: 1, max: 3 }),
          maxBatchTokens: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
          preferred: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
        }),
        fc.scheduler(),
        async (requests, o, s) => {
          type In = { id: number; value: number; length: number };
          // Each batch answers after a scheduler-chosen delay; callers arrive and cancel in a scheduler-chosen order.
          const sut = new DynamicBatcher<In, string>((inputs) => s.schedule(Promise.resolve(inputs.map((x) => `${x.id}:${x.value * 2}`))), {
            maxBatchSize: o.maxBatchSize,
            maxQueueDelayMs: o.maxQueueDelayMs,
            maxConcurrentBatches: o.maxConcurrentBatches,
            maxBatchTokens: o.maxBatchTokens,
            preferredBatchSizes: o.preferred !== undefined && o.preferred <= o.maxBatchSize ? [o.preferred] : [],
            lengthOf: (x) => x.length,
          });
          const reasons = requests.map((_, id) => new Error(`cancelled ${id}`));
          const results = requests.map(({ value, length, pause, priority, cancel }, id) =>
            s.schedule(Promise.resolve(), `caller ${id}`).then(async () => {
              const controller = new AbortController();
              if (cancel) void s.schedule(Promise.resolve(), `cancel ${id}`).then(() => controller.abort(reasons[id]));
              for (let i = 0; i < pause; i++) await Promise.resolve();
              return settledState(sut.submit({ id, value, length }, { priority, signal: controller.signal }));
            }),
          );
          const all = Promise.all(results);
          while (s.count() > 0 || sut.waiting > 0) {
            await s.waitAll();
            await new Promise((r) => setTimeout(r, o.maxQueueDelayMs + 1));
          }
          const outcomes = await all;
          outcomes.forEach((outcome, id) => {
            const own = `${id}:${(requests[id] as { value: number }).value * 2}`;
            if (requests[id]?.cancel && 'error' in outcome) expect(outcome.error).toBe(reasons[id]);
            else expect(outcome).toEqual({ value: own });
          });
          const m = sut.metrics();
          expect(m.completed + m.cancelled).toBe(requests.length);
          expect(m.waiting + m.running).toBe(0);
        },
      ),
      { numRuns: 80 },
    );
  });
});
