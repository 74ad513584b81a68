import { InProcessJobQueue } from './in-process-job-queue';

const flush = () => new Promise((r) => setImmediate(r));

describe(InProcessJobQueue.name, () => {
  it('runs each job once and deduplicates a job id that is still pending', async () => {
    const sut = new InProcessJobQueue<number>('crawl', { maxAttempts: 1, backoffMs: 1 });
    const seen: number[] = [];
    await sut.add(1, { jobId: 'a' });
    await sut.add(2, { jobId: 'a' });
    await sut.add(3, { jobId: 'b' });
    sut.process(async (n) => void seen.push(n));
    await flush();
    expect(seen).toEqual([1, 3]);
    await sut.add(4, { jobId: 'a' });
    await flush();
    expect(seen).toEqual([1, 3, 4]);
    await sut.close();
  });

  it('addMany() adds each job as add() would, in order, skipping a job id still pending', async () => {
    const sut = new InProcessJobQueue<number>('analyze', { maxAttempts: 1, backoffMs: 1 });
    const seen: number[] = [];
    await sut.add(0, { jobId: 'x' });
    await sut.addMany([{ data: 1, options: { jobId: 'x' } }, { data: 2, options: { jobId: 'y' } }, { data: 3 }]);
    sut.process(async (n) => void seen.push(n));
    await flush();
    expect(seen).toEqual([0, 2, 3]);
    await sut.close();
  });

  it('ensure() adds only the jobs it no longer holds (finished or failed for good)', async () => {
    const sut = new InProcessJobQueue<number>('analyze', { maxAttempts: 1, backoffMs: 1 });
    await sut.add(1, { jobId: 'a' });
    expect(await sut.ensure([{ id: 'a', data: 1 }, { id: 'b', data: 2 }])).toEqual({ added: 1, retried: 0 });
    expect(await sut.ensure([{ id: 'a', data: 1 }, { id: 'b', data: 2 }])).toEqual({ added: 0, retried: 0 });
    const seen: number[] = [];
    sut.process(async (n) => {
      seen.push(n);
      if (n === 2) throw new Error('boom');
    });
    await flush();
    await flush();
    expect(seen.sort()).toEqual([1, 2]);
    expect(await sut.ensure([{ id: 'b', data: 2 }])).toEqual({ added: 1, retried: 0 });
    await sut.close();
  });

  it('retries a failing job with backoff up to maxAttempts', async () => {
    const sut = new InProcessJobQueue<string>('analyze', { maxAttempts: 3, backoffMs: 1 });
    let calls = 0;
    sut.process(async () => {
      calls++;
      if (calls < 3) throw new Error('boom');
    });
    await sut.add('x');
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(3);
    expect(await sut.depth()).toBe(0);
    await sut.close();
  });

  it('runs a delayed job no earlier than its delay, and hands it back if stopped before', async () => {
    const sut = new InProcessJobQueue<{ n: number }>('webhook', { maxAttempts: 1, backoffMs: 10 });
    const added = Date.now();
    const ran = new Promise<number>((resolve) => sut.process(async () => resolve(Date.now())));
    await sut.add({ n: 1 }, { jobId: 'later', delayMs: 300 });
    await sut.add({ n: 1 }, { jobId: 'later', delayMs: 300 });
    expect(await sut.depth()).toBe(1);
    expect((await ran) - added).toBeGreaterThanOrEqual(290);

    const stopped = new InProcessJobQueue<{ n: number }>('webhook');
    await stopped.add({ n: 2 }, { jobId: 'much-later', delayMs: 60_000 });
    await stopped.stopConsuming(Date.now());
    expect(await stopped.takeUnfinished()).toEqual([{ id: 'much-later', data: { n: 2 } }]);
    await sut.close();
    await stopped.close();
  });

  it('respects the concurrency limit', async () => {
    const sut = new InProcessJobQueue<number>('crawl', { maxAttempts: 1, backoffMs: 1 });
    let running = 0;
    let peak = 0;
    sut.process(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 6; i++) await sut.add(i);
    await new Promise((r) => setTimeout(r, 60));
    expect(peak).toBe(2);
    await sut.close();
  });

  describe('stopping', () => {
    function gate() {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    }

    it('takes no new job once stopped, lets the running ones finish and hands back the rest', async () => {
      const sut = new InProcessJobQueue<number>('crawl', { maxAttempts: 3, backoffMs: 1 });
      const release = gate();
      const started: number[] = [];
      const finished: number[] = [];
      sut.process(
        async (n) => {
          started.push(n);
          await release.opened;
          finished.push(n);
        },
        { concurrency: 2 },
      );
      for (let i = 1; i <= 5; i++) await sut.add(i, { jobId: `job-${i}` });
      await flush();
      expect(started).toEqual([1, 2]);

      const stopped = sut.stopConsuming(Date.now() + 5_000);
      release.open();
      expect(await stopped).toEqual([]);
      expect(finished).toEqual([1, 2]);
      expect(started).toEqual([1, 2]);
      // Still accepted while stopping (a producer finishing its last round), but never run here.
      await sut.add(6, { jobId: 'job-6' });
      await flush();
      expect(started).toEqual([1, 2]);

      expect(await sut.takeUnfinished()).toEqual([3, 4, 5, 6].map((n) => ({ id: `job-${n}`, data: n })));
      expect(await sut.takeUnfinished()).toEqual([]);
      expect(await sut.depth()).toBe(0);
      await sut.close();
    });

    it('gives up on a job still running at the deadline and hands it back, unless it finishes after all', async () => {
      const sut = new InProcessJobQueue<string>('analyze', { maxAttempts: 3, backoffMs: 1 });
      const slow = gate();
      sut.process(async (id) => (id === 'stuck' ? new Promise<void>(() => undefined) : slow.opened), { concurrency: 2 });
      await sut.add('stuck', { jobId: 'stuck' });
      await sut.add('late', { jobId: 'late' });
      await flush();

      expect(await sut.stopConsuming(Date.now() + 20)).toEqual(['stuck', 'late']);
      slow.open();
      await flush();
      await flush();
      expect(await sut.takeUnfinished()).toEqual([{ id: 'stuck', data: 'stuck' }]);
      await sut.close();
    });

    it('hands back a job that failed while stopping, or was waiting for its retry, instead of retrying it', async () => {
      const sut = new InProcessJobQueue<string>('analyze', { maxAttempts: 3, backoffMs: 60_000 });
      const fail = gate();
      sut.process(
        async (id) => {
          if (id === 'backing-off') throw new Error('storage unavailable');
          await fail.opened;
          throw new Error('storage unavailable');
        },
        { concurrency: 2 },
      );
      await sut.add('backing-off', { jobId: 'a' });
      await sut.add('failing', { jobId: 'b' });
      await flush();
      await flush();

      const stopped = sut.stopConsuming(Date.now() + 5_000);
      fail.open();
      expect(await stopped).toEqual([]);
      expect((await sut.takeUnfinished()).map((job) => job.id).sort()).toEqual(['a', 'b']);
      await sut.close();
    });

    it('refuses jobs once closed, so a producer never takes a lost job for a published one', async () => {
      const sut = new InProcessJobQueue<number>('crawl');
      await sut.close();
      await expect(sut.add(1)).rejects.toThrow(/queue crawl is closed/);
    });
  });
});
