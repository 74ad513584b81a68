import { defaultConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import type { CrawlJob, JobHandler, JobQueue, QueueFactory, QueueName } from '@autoglm/shared-queue';
import { CrawlQueueConsumer } from './crawl-queue.consumer';
import type { CrawlOutcome, CrawlRunner } from './crawl-runner.service';

class FakeQueue implements JobQueue<CrawlJob> {
  handler: JobHandler<CrawlJob> | undefined;
  concurrency: number | undefined;
  closed = false;
  stoppedBy: number | undefined;
  givenUp: string[] = [];
  constructor(readonly name: QueueName) {}
  async add(): Promise<void> {
    return;
  }
  process(handler: JobHandler<CrawlJob>, options?: { concurrency?: number }): void {
    this.handler = handler;
    this.concurrency = options?.concurrency;
  }
  async depth(): Promise<number> {
    return 0;
  }
  async stopConsuming(deadline: number): Promise<string[]> {
    this.stoppedBy ??= deadline;
    return this.givenUp;
  }
  async takeUnfinished(): Promise<[]> {
    return [];
  }
  async addMany(): Promise<void> {
    return undefined;
  }

  async ensure(): Promise<{ added: number; retried: number }> {
    return { added: 0, retried: 0 };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakeQueueFactory implements QueueFactory {
  readonly queues = new Map<string, FakeQueue>();
  closed = false;
  get<T>(name: QueueName): JobQueue<T> {
    const queue = this.queues.get(name) ?? new FakeQueue(name);
    this.queues.set(name, queue);
    return queue as unknown as JobQueue<T>;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const OK: CrawlOutcome = { ok: true, error: '', itemsFound: 1, inserted: 1, updated: 0, notModified: false };

describe(CrawlQueueConsumer.name, () => {
  let queues: FakeQueueFactory;
  let crawled: string[];
  let failure: Error | null;
  let sut: CrawlQueueConsumer;

  beforeEach(() => {
    queues = new FakeQueueFactory();
    crawled = [];
    failure = null;
    const runner = {
      crawl: async (sourceId: string) => {
        crawled.push(sourceId);
        if (failure) throw failure;
        return OK;
      },
    } as unknown as CrawlRunner;
    const config = defaultConfig();
    config.crawler.concurrency = 3;
    sut = new CrawlQueueConsumer(queues, config, runner);
    sut.onModuleInit();
  });

  it('consumes the crawl queue with the configured concurrency', async () => {
    const queue = queues.queues.get('crawl')!;
    expect(queue.concurrency).toBe(3);

    await queue.handler!({ sourceId: 's1' });

    expect(crawled).toEqual(['s1']);
  });

  it('drops jobs of sources that no longer exist', async () => {
    failure = DomainError.notFound('source s9 does not exist');

    await expect(queues.queues.get('crawl')!.handler!({ sourceId: 's9' })).resolves.toBeUndefined();
  });

  it('rethrows storage failures so the queue retries', async () => {
    failure = DomainError.unavailable('service unavailable (StorageService/UpsertArticles)');

    await expect(queues.queues.get('crawl')!.handler!({ sourceId: 's1' })).rejects.toBe(failure);
  });

  it('stops consuming by the deadline it is given, leaving the queue itself open for the jobs to be handed back', async () => {
    const queue = queues.queues.get('crawl')!;
    queue.givenUp = ['crawl:s1'];
    const deadline = Date.now() + 1_234;

    await sut.stopConsuming(deadline);
    await sut.onModuleDestroy();
    await sut.onApplicationShutdown();

    expect(queue.stoppedBy).toBe(deadline);
    expect(queue.closed).toBe(false);
    expect(queues.closed).toBe(true);
  });

  it('stops consuming within the drain share of the shutdown timeout when the application is closed directly', async () => {
    const before = Date.now();
    await sut.onModuleDestroy();

    const stoppedBy = queues.queues.get('crawl')!.stoppedBy!;
    expect(stoppedBy).toBeGreaterThanOrEqual(before + 10_000);
    expect(stoppedBy).toBeLessThanOrEqual(Date.now() + 10_000);
  });
});
