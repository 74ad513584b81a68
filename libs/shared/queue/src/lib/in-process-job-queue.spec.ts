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
});
