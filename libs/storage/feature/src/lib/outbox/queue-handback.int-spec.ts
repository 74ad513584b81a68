import type { storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { createGrpcClient, type GrpcClientHandle, type RunningService } from '@autoglm/shared-grpc';
import { InProcessJobQueue, QUEUE_NAMES, type JobQueue, type QueueFactory, type QueueName } from '@autoglm/shared-queue';
import { freePort, newSourceRequest } from '@autoglm/shared-testing';
import { startStorageService } from '../start-storage-service';
import { createTestDatabase, TEST_BACKENDS, testFeedItem, type TestDatabase } from '../testing/storage-harness';
import { analyzeJobId, outboxIdOfJob } from './outbox-relay';
import { QueueHandback } from './queue-handback';

/** In-process queues of this spec alone (the process-wide registry is shared by every spec of the worker). */
class OwnQueues implements QueueFactory {
  private readonly queues = new Map<QueueName, InProcessJobQueue<unknown>>();
  get<T>(name: QueueName): JobQueue<T> {
    const queue = this.queues.get(name) ?? new InProcessJobQueue<unknown>(name);
    this.queues.set(name, queue);
    return queue as JobQueue<T>;
  }
  async close(): Promise<void> {
    for (const queue of this.queues.values()) await queue.close();
  }
}

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe(outboxIdOfJob.name, () => {
  it('reads back the outbox row of an analyze job id, and nothing from another id', () => {
    expect(outboxIdOfJob(analyzeJobId('0b6f6f0e-2a4e-4a57-9d8e-3f7a1c2b9e10', '42'))).toBe('42');
    expect(outboxIdOfJob('crawl:0b6f6f0e-2a4e-4a57-9d8e-3f7a1c2b9e10')).toBeUndefined();
    expect(outboxIdOfJob('analyze:x:not-a-number')).toBeUndefined();
  });
});

describe.each(TEST_BACKENDS)(`${QueueHandback.name} on %s`, (backend) => {
  let database: TestDatabase;
  let config: AppConfig;
  let service: RunningService | undefined;
  let client: GrpcClientHandle<storage.StorageServiceClient> | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const base = defaultConfig();
    config = { ...base, database: database.config, grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` } };
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
    await database?.dispose();
  });

  it('records the jobs nobody ran when storage stops, and the next start publishes them again', async () => {
    // Nothing consumes these queues: every job is still waiting when storage stops.
    const queues = new OwnQueues();
    service = await startStorageService(config, { queueFactory: queues });
    client = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 30_000 });
    const { source } = await client.client.createSource(newSourceRequest());
    const claimed = await client.client.claimDueSources({ limit: 10, leaseSeconds: 600, sourceId: '' });
    expect(claimed.sources.map((s) => s.id)).toEqual([source!.id]);
    await queues.get(QUEUE_NAMES.crawl).add({ sourceId: source!.id }, { jobId: `crawl:${source!.id}` });
    const { articleIds } = await client.client.upsertArticles({ sourceId: source!.id, items: [testFeedItem('a'), testFeedItem('b')] });
    const analyze = queues.get(QUEUE_NAMES.analyze);
    await eventually(async () => (await analyze.depth()) === 2, 'the relay to publish both outbox rows');

    client.close();
    client = undefined;
    await service.close();
    service = undefined;
    await queues.close();

    expect(await database.sql(`SELECT article_id AS "articleId" FROM outbox WHERE published_at IS NULL ORDER BY article_id`)).toEqual(
      [...articleIds].sort().map((articleId) => ({ articleId })),
    );
    const [due] = await database.sql(`SELECT next_check_at <= now() AS due FROM sources WHERE id = $1`, [source!.id]);
    expect(due).toEqual({ due: true });

    const next = new OwnQueues();
    service = await startStorageService(config, { queueFactory: next });
    await eventually(async () => (await next.get(QUEUE_NAMES.analyze).depth()) === 2, 'the next start to publish the rows again');
    await service.close();
    service = undefined;
    await next.close();
  });
});
