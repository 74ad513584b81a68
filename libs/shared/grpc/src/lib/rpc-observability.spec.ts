import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { crawler } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { currentRequestId, metricsRegistry, readinessChecks, runWithRequestId } from '@autoglm/shared-observability';
import { createGrpcClient, type GrpcClientHandle } from './grpc-client';
import { startGrpcService, type RunningService } from './grpc-service-host';
import { RpcObservabilityInterceptor, rpcLabels } from './rpc-observability';
import { freeGrpcPort } from './testing/free-grpc-port';

/** The correlation id each call that reached the handler ran under. */
const seen: Array<string | undefined> = [];

@Controller()
class ProbeController {
  @GrpcMethod('CrawlerService', 'ProbeUrl')
  async probeUrl(request: crawler.ProbeUrlRequest): Promise<crawler.ProbeUrlResponse> {
    // After an await: the id must survive the handler's own asynchronous steps.
    await new Promise((resolve) => setImmediate(resolve));
    seen.push(currentRequestId());
    return { finalUrl: request.url, httpStatus: 200, contentType: 'text/plain' };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

async function sampleCount(metric: string, labels: Record<string, string>): Promise<number> {
  const found = (await metricsRegistry.getSingleMetric(metric)?.get())?.values.find(
    (v) => (v as { metricName?: string }).metricName === `${metric}_count` && Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  );
  return found?.value ?? 0;
}

describe(RpcObservabilityInterceptor.name, () => {
  let running: RunningService;
  let handle: GrpcClientHandle<crawler.CrawlerServiceClient>;
  const labels = { service: 'autoglm.crawler.v1.CrawlerService', method: 'ProbeUrl', code: 'OK' };

  beforeAll(async () => {
    const base = defaultConfig();
    const config: AppConfig = { ...base, grpc: { ...base.grpc, crawler: `127.0.0.1:${await freeGrpcPort()}` } };
    running = (await startGrpcService('crawler', ProbeModule, config)).running;
    handle = createGrpcClient<crawler.CrawlerServiceClient>('crawler', { url: config.grpc.crawler, deadlineMs: 5_000 });
  });

  afterAll(async () => {
    handle.close();
    await running.close();
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('runs the handler under the correlation id of the calling unit of work', async () => {
    await runWithRequestId('req-abc-123', () => handle.client.probeUrl({ url: 'https://example.org/' }));

    expect(seen).toEqual(['req-abc-123']);
  });

  it('gives a call made outside any unit of work an id of its own', async () => {
    await handle.client.probeUrl({ url: 'https://example.org/a' });
    await handle.client.probeUrl({ url: 'https://example.org/b' });

    expect(seen).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('replaces an id that is not short and plain', async () => {
    await runWithRequestId('x'.repeat(500), () => handle.client.probeUrl({ url: 'https://example.org/' }));

    expect(seen).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  it('records the call on both sides by service, method and status', async () => {
    const before = { server: await sampleCount('autoglm_rpc_server_duration_seconds', labels), client: await sampleCount('autoglm_rpc_client_duration_seconds', labels) };

    await handle.client.probeUrl({ url: 'https://example.org/' });

    expect(await sampleCount('autoglm_rpc_server_duration_seconds', labels)).toBe(before.server + 1);
    expect(await sampleCount('autoglm_rpc_client_duration_seconds', labels)).toBe(before.client + 1);
  });

  it('makes the serving gRPC server part of the process readiness', () => {
    expect(readinessChecks().map(([key]) => key)).toContain('crawler.grpc');
  });

  it('labels by the full service name and the method of the path', () => {
    expect(rpcLabels('/autoglm.storage.v1.StorageService/ListArticles')).toEqual({ service: 'autoglm.storage.v1.StorageService', method: 'ListArticles' });
    expect(rpcLabels('')).toEqual({ service: 'unknown', method: 'unknown' });
  });
});
