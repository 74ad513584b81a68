import { randomUUID } from 'node:crypto';
import { BullMqQueueFactory } from './bullmq-job-queue';
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
});
