import fc from 'fast-check';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { DynamicBatcher, type BatchRunner } from './dynamic-batcher';

function recordingRunner<T>(transform: (x: T) => unknown = (x) => x) {
  const batches: T[][] = [];
  const run: BatchRunner<T, unknown> = async (inputs) => {
    batches.push([...inputs]);
    return inputs.map(transform);
  };
  return { batches, run };
}

describe(DynamicBatcher.name, () => {
  afterEach(() => jest.useRealTimers());

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());

    it('runs a batch as soon as maxBatchSize requests wait, without waiting for the delay', async () => {
      const runner = recordingRunner<number>((x) => x * 10);
      const sut = new DynamicBatcher(runner.run, { maxBatchSize: 3, maxQueueDelayMs: 1_000 });

      const results = [1, 2, 3].map((x) => sut.submit(x));
      await jest.advanceTimersByTimeAsync(0);

      expect(runner.batches).toEqual([[1, 2, 3]]);
      await expect(Promise.all(results)).resolves.toEqual([10, 20, 30]);
    });

    it('runs a partial batch only when maxQueueDelayMs has passed since the first request', async () => {
      const runner = recordingRunner<string>();
      const sut = new DynamicBatcher(runner.run, { maxBatchSize: 8, maxQueueDelayMs: 20 });

      const a = sut.submit('a');
      await jest.advanceTimersByTimeAsync(10);
      const b = sut.submit('b');
      await jest.advanceTimersByTimeAsync(9);
      expect(runner.batches).toEqual([]);

      await jest.advanceTimersByTimeAsync(1);
      expect(runner.batches).toEqual([['a', 'b']]);
      await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    });

    it('splits a burst into batches of at most maxBatchSize, in arrival order', async () => {
      const runner = recordingRunner<number>();
      const sut = new DynamicBatcher(runner.run, { maxBatchSize: 4, maxQueueDelayMs: 5, maxConcurrentBatches: 4 });

      const results = Array.from({ length: 10 }, (_, i) => sut.submit(i));
      await jest.advanceTimersByTimeAsync(5);

      expect(runner.batches).toEqual([
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
      ]);
      await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(sut.stats).toEqual({ batches: 3, requests: 10, largestBatch: 4 });
    });

    it('collects requests that arrive while a batch runs into the next batch', async () => {
      let release!: () => void;
      const batches: number[][] = [];
      const sut = new DynamicBatcher<number, number>(
        async (inputs) => {
          batches.push(inputs);
          if (batches.length === 1) await new Promise<void>((r) => (release = r));
          return inputs;
        },
        { maxBatchSize: 2, maxQueueDelayMs: 5 },
      );

      const first = [sut.submit(1), sut.submit(2)];
      await jest.advanceTimersByTimeAsync(0);
      const later = [sut.submit(3), sut.submit(4), sut.submit(5)];
      await jest.advanceTimersByTimeAsync(50);
      expect(batches).toEqual([[1, 2]]);

      release();
      await jest.advanceTimersByTimeAsync(5);
      expect(batches).toEqual([[1, 2], [3, 4], [5]]);
      await expect(Promise.all([...first, ...later])).resolves.toEqual([1, 2, 3, 4, 5]);
    });

    it('rejects every request of a failed batch with the runner error and keeps serving', async () => {
      const failure = DomainError.unavailable('model crashed');
      let calls = 0;
      const sut = new DynamicBatcher<number, number>(
        async (inputs) => {
          calls++;
          if (calls === 1) throw failure;
          return inputs.map((x) => x + 1);
        },
        { maxBatchSize: 2, maxQueueDelayMs: 5 },
      );

      const failed = [sut.submit(1), sut.submit(2)].map((p) => p.catch((e: unknown) => e));
      await jest.advanceTimersByTimeAsync(0);
      expect(await Promise.all(failed)).toEqual([failure, failure]);

      const ok = sut.submit(7);
      await jest.advanceTimersByTimeAsync(5);
      await expect(ok).resolves.toBe(8);
    });

    it('rejects every request when the runner returns the wrong number of results', async () => {
      const sut = new DynamicBatcher<number, number>(async () => [1], { maxBatchSize: 2, maxQueueDelayMs: 5 });

      const results = [sut.submit(1), sut.submit(2)].map((p) => p.catch((e: Error) => e.message));
      await jest.advanceTimersByTimeAsync(0);

      expect(await Promise.all(results)).toEqual([
        'batch runner returned 1 results for 2 inputs',
        'batch runner returned 1 results for 2 inputs',
      ]);
    });

    it('rejects with RESOURCE_EXHAUSTED beyond maxQueueSize', async () => {
      const runner = recordingRunner<number>();
      const sut = new DynamicBatcher(runner.run, { maxBatchSize: 10, maxQueueDelayMs: 5, maxQueueSize: 2 });

      const accepted = [sut.submit(1), sut.submit(2)];
      await expect(sut.submit(3)).rejects.toMatchObject({ code: ErrorCode.ResourceExhausted });
      await jest.advanceTimersByTimeAsync(5);
      await expect(Promise.all(accepted)).resolves.toEqual([1, 2]);
    });

    it('rejects waiting and new requests once closed', async () => {
      const runner = recordingRunner<number>();
      const sut = new DynamicBatcher(runner.run, { maxBatchSize: 10, maxQueueDelayMs: 5 });

      const waiting = sut.submit(1);
      sut.close();

      await expect(waiting).rejects.toMatchObject({ code: ErrorCode.Unavailable });
      await expect(sut.submit(2)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
      await jest.advanceTimersByTimeAsync(10);
      expect(runner.batches).toEqual([]);
    });
  });

  it('rejects invalid options', () => {
    const run = async (xs: number[]) => xs;
    expect(() => new DynamicBatcher(run, { maxBatchSize: 0, maxQueueDelayMs: 1 })).toThrow(RangeError);
    expect(() => new DynamicBatcher(run, { maxBatchSize: 2, maxQueueDelayMs: -1 })).toThrow(RangeError);
  });

  it('gives every caller exactly its own result, whatever the interleaving and batch timing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.nat({ max: 3 })), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.scheduler(),
        async (requests, maxBatchSize, maxQueueDelayMs, maxConcurrentBatches, s) => {
          // Each batch answers after a scheduler-chosen delay; callers arrive in a scheduler-chosen order.
          const sut = new DynamicBatcher<{ id: number; value: number }, string>(
            (inputs) => s.schedule(Promise.resolve(inputs.map((x) => `${x.id}:${x.value * 2}`))),
            { maxBatchSize, maxQueueDelayMs, maxConcurrentBatches },
          );
          const results = requests.map(([value, pause], id) =>
            s.schedule(Promise.resolve(), `caller ${id}`).then(async () => {
              for (let i = 0; i < pause; i++) await Promise.resolve();
              return sut.submit({ id, value });
            }),
          );
          const all = Promise.all(results);
          while (s.count() > 0 || sut.waiting > 0) {
            await s.waitAll();
            await new Promise((r) => setTimeout(r, maxQueueDelayMs + 1));
          }
          expect(await all).toEqual(requests.map(([value], id) => `${id}:${value * 2}`));
        },
      ),
      { numRuns: 60 },
    );
  });
});
