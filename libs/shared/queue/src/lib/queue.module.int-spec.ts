import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { InProcessQueueFactory } from './in-process-job-queue';
import { QUEUE_FACTORY, QUEUE_NAMES, type QueueFactory } from './job-queue';
import { QueueModule } from './queue.module';

describe(QueueModule.name, () => {
  it('registers the queues through @nestjs/bullmq and runs jobs on Redis', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [QueueModule.forRoot('redis://127.0.0.1:6379', `autoglm-test-${randomUUID()}`)],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const sut = app.get<QueueFactory>(QUEUE_FACTORY);
    const queue = sut.get<{ articleId: string }>(QUEUE_NAMES.analyze);
    const done = new Promise<string>((resolve) => queue.process(async (job) => resolve(job.articleId)));
    await queue.add({ articleId: 'a1' }, { jobId: 'analyze:a1:1' });
    await expect(done).resolves.toBe('a1');
    await sut.close();
    await app.close();
  });

  it('falls back to the in-process queue without a Redis URL', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [QueueModule.forRoot('')] }).compile();
    expect(moduleRef.get(QUEUE_FACTORY)).toBeInstanceOf(InProcessQueueFactory);
  });
});
