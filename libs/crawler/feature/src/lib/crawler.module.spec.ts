import 'reflect-metadata';
import { status } from '@grpc/grpc-js';
import type { crawler } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import { closeGrpcClients, createGrpcClient, RemoteCallError, type GrpcClientHandle, type RunningService } from '@autoglm/shared-grpc';
import { closeInProcessQueues } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { startCrawlerService } from './crawler.module';
import { FixtureServer } from './testing/fixture-server';

describe(startCrawlerService.name, () => {
  const server = new FixtureServer();
  let running: RunningService;
  let handle: GrpcClientHandle<crawler.CrawlerServiceClient>;

  beforeAll(async () => {
    await server.start();
    const config: AppConfig = defaultConfig();
    config.grpc.crawler = `127.0.0.1:${await freePort()}`;
    // Nothing listens there: storage is "unreachable".
    config.grpc.storage = `127.0.0.1:${await freePort()}`;
    config.rpcDeadlineMs = 500;
    config.crawler = { ...config.crawler, timeoutMs: 1_000, allowHosts: ['127.0.0.1'] };
    running = await startCrawlerService(config);
    handle = createGrpcClient<crawler.CrawlerServiceClient>('crawler', { url: config.grpc.crawler, deadlineMs: 3_000 });
  });
  afterAll(async () => {
    handle.close();
    await running.close();
    closeGrpcClients();
    await closeInProcessQueues();
    await server.stop();
  });

  it('serves ProbeUrl over gRPC', async () => {
    server.serve('/feed.xml', '<rss/>', 'application/rss+xml');

    await expect(handle.client.probeUrl({ url: server.url('/feed.xml') })).resolves.toEqual({
      finalUrl: server.url('/feed.xml'),
      httpStatus: 200,
      contentType: 'application/rss+xml',
    });
  });

  it('maps a refused address to INVALID_ARGUMENT', async () => {
    const error = await handle.client.probeUrl({ url: 'http://10.0.0.1/' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RemoteCallError);
    expect((error as RemoteCallError).grpcCode).toBe(status.INVALID_ARGUMENT);
    expect((error as RemoteCallError).message).toContain('refusing to fetch 10.0.0.1: private address');
  });

  it('reports CrawlSource as unavailable while storage cannot be reached', async () => {
    const error = await handle.client.crawlSource({ sourceId: 's1' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RemoteCallError);
    expect((error as RemoteCallError).code).toBe(ErrorCode.Unavailable);
  });
});
