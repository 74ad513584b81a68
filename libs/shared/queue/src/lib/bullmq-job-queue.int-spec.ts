import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { bullConnection, BullMqQueueFactory } from './bullmq-job-queue';
import { QUEUE_NAMES } from './job-queue';

const REDIS_URL = 'redis://127.0.0.1:6379';

describe(BullMqQueueFactory.name, () => {
  it('delivers jobs through Redis once per job id, and frees the id after completion', async () => {
    // A unique prefix per run keeps parallel runs apart on the shared Redis.
    const sut = BullMqQueueFactory.fromUrl(REDIS_URL, `autoglm-test-${randomUUID()}`);
    const queue = sut.get<{ n: number }>(QUEUE_NAMES.crawl);
    const seen: number[] = [];
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    await queue.add({ n: 1 }, { jobId: 'crawl:same' });
    await queue.add({ n: 2 }, { jobId: 'crawl:same' });
    await queue.add({ n: 3 }, { jobId: 'crawl:other' });
    queue.process(async (job) => {
      seen.push(job.n);
      if (seen.length === 2) resolveDone();
    });
    await done;
    expect(seen.sort()).toEqual([1, 3]);
    await new Promise((r) => setTimeout(r, 100));
    await queue.add({ n: 4 }, { jobId: 'crawl:same' });
    for (let i = 0; i < 50 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toContain(4);
    expect(await queue.depth()).toBe(0);
    await sut.close();
  });

  it('addMany() delivers every job of the batch through Redis, once per job id', async () => {
    const sut = BullMqQueueFactory.fromUrl(REDIS_URL, `autoglm-test-${randomUUID()}`);
    const queue = sut.get<{ n: number }>(QUEUE_NAMES.analyze);
    await queue.add({ n: 0 }, { jobId: 'analyze:a' });
    await queue.addMany([
      { data: { n: 1 }, options: { jobId: 'analyze:a' } },
      { data: { n: 2 }, options: { jobId: 'analyze:b' } },
      { data: { n: 3 }, options: { jobId: 'analyze:c' } },
    ]);
    await queue.addMany([]);
    expect(await queue.depth()).toBe(3);
    const seen: number[] = [];
    queue.process(async (job) => void seen.push(job.n));
    for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen.sort()).toEqual([0, 2, 3]);
    await sut.close();
  });

  it('runs a delayed job no earlier than its delay', async () => {
    const sut = BullMqQueueFactory.fromUrl(REDIS_URL, `autoglm-test-${randomUUID()}`);
    const queue = sut.get<{ n: number }>(QUEUE_NAMES.webhook);
    const added = Date.now();
    const ran = new Promise<number>((resolve) => queue.process(async () => resolve(Date.now())));
    await queue.add({ n: 1 }, { jobId: 'webhook:d1:2', delayMs: 700 });
    expect((await ran) - added).toBeGreaterThanOrEqual(690);
    await sut.close();
  });

  it('stops taking jobs, lets the running one finish, and leaves the waiting ones in Redis for the next worker', async () => {
    const prefix = `autoglm-test-${randomUUID()}`;
    const sut = BullMqQueueFactory.fromUrl(REDIS_URL, prefix);
    const queue = sut.get<{ n: number }>(QUEUE_NAMES.analyze);
    const seen: number[] = [];
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) =>
      queue.process(async (job) => {
        seen.push(job.n);
        resolve();
        await new Promise<void>((r) => (release = r));
      }),
    );
    await queue.add({ n: 1 }, { jobId: 'analyze:first' });
    await started;
    await queue.add({ n: 2 }, { jobId: 'analyze:second' });

    const stopped = queue.stopConsuming(Date.now() + 30_000);
    release();
    expect(await stopped).toEqual([]);
    expect(seen).toEqual([1]);
    expect(await queue.depth()).toBe(1);
    expect(await queue.takeUnfinished()).toEqual([]);

    const next = BullMqQueueFactory.fromUrl(REDIS_URL, prefix);
    const picked = new Promise<number>((resolve) => next.get<{ n: number }>(QUEUE_NAMES.analyze).process(async (job) => resolve(job.n)));
    expect(await picked).toBe(2);
    await next.close();
    await sut.close();
  });

  it('gives up on a job still running at the deadline', async () => {
    const sut = BullMqQueueFactory.fromUrl(REDIS_URL, `autoglm-test-${randomUUID()}`);
    const queue = sut.get<{ n: number }>(QUEUE_NAMES.crawl);
    const started = new Promise<void>((resolve) =>
      queue.process(async () => {
        resolve();
        await new Promise<void>(() => undefined);
      }),
    );
    await queue.add({ n: 1 }, { jobId: 'crawl:stuck' });
    await started;

    expect(await queue.stopConsuming(Date.now() + 50)).toEqual(['crawl%3Astuck']);
    await sut.close();
  });

  it('ensure() adds the jobs Redis lost, retries the failed ones, and leaves live ones alone', async () => {
    const prefix = `autoglm-test-${randomUUID()}`;
    const sut = BullMqQueueFactory.fromUrl(REDIS_URL, prefix);
    const queue = sut.get<{ n: number }>(QUEUE_NAMES.analyze);
    await queue.add({ n: 1 }, { jobId: 'analyze:a:1' });
    const jobs = [
      { id: 'analyze:a:1', data: { n: 1 } },
      { id: 'analyze:b:2', data: { n: 2 } },
    ];
    // One waits already, the other was lost.
    expect(await queue.ensure(jobs)).toEqual({ added: 1, retried: 0 });
    expect(await queue.ensure(jobs)).toEqual({ added: 0, retried: 0 });
    expect(await queue.depth()).toBe(2);

    // Both fail for good (3 attempts), then a sweep retries them and they run.
    let failing = true;
    const done: number[] = [];
    queue.process(async (job) => {
      if (failing) throw new Error('storage unavailable');
      done.push(job.n);
    });
    const observer = new Queue(QUEUE_NAMES.analyze, { connection: bullConnection(REDIS_URL), prefix });
    const failedCount = () => observer.getFailedCount();
    for (let i = 0; i < 100 && (await failedCount()) < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await failedCount()).toBe(2);
    failing = false;
    expect(await queue.ensure(jobs)).toEqual({ added: 0, retried: 2 });
    for (let i = 0; i < 100 && done.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(done.sort()).toEqual([1, 2]);
    await observer.close();
    await sut.close();
  });
});
