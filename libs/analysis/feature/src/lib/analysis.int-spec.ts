import 'reflect-metadata';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { analysis, type storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import {
  closeGrpcClients,
  createGrpcClient,
  grpcLoaderOptions,
  protoPath,
  type GrpcClientHandle,
  type RemoteCallError,
  type RunningService,
} from '@autoglm/shared-grpc';
import { closeInProcessQueues, InProcessQueueFactory, QUEUE_NAMES, type AnalyzeJob } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { startAnalysisService } from './analysis.module';
import { ensureWordModelDefaultDir } from './model/model-build';

/**
 * A storage service stand-in on loopback: answers GetAnalysisInputs from a map and records SaveAnalyses.
 * A read that includes "broken" fails once with UNAVAILABLE (the database is down), as storage does for
 * the whole call; after that "broken" reads as gone.
 */
async function startFakeStorage(articles: Map<string, Partial<storage.Article>>) {
  const definition = grpc.loadPackageDefinition(loadSync(protoPath('storage'), grpcLoaderOptions())) as unknown as {
    autoglm: { storage: { v1: { StorageService: grpc.ServiceClientConstructor } } };
  };
  const saved: storage.SaveAnalysisRequest[] = [];
  const reads: string[] = [];
  let brokenFailures = 0;
  const server = new grpc.Server();
  server.addService(definition.autoglm.storage.v1.StorageService.service, {
    GetAnalysisInputs: (call: grpc.ServerUnaryCall<storage.GetAnalysisInputsRequest, unknown>, done: grpc.sendUnaryData<unknown>) => {
      const ids = call.request.articleIds;
      reads.push(...ids);
      if (ids.includes('broken') && brokenFailures++ === 0) {
        done({ code: grpc.status.UNAVAILABLE, details: 'database down' });
        return;
      }
      const inputs = ids.flatMap((id) => {
        const article = articles.get(id);
        return article ? [{ articleId: id, title: article.title ?? '', text: article.text ?? '', llmSummaryInputHash: '' }] : [];
      });
      done(null, { inputs });
    },
    SaveAnalyses: (call: grpc.ServerUnaryCall<storage.SaveAnalysesRequest, unknown>, done: grpc.sendUnaryData<unknown>) => {
      saved.push(...call.request.analyses);
      done(null, { missingArticleIds: [] });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())),
  );
  return { url: `127.0.0.1:${port}`, saved, reads, close: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('analysis service over gRPC', () => {
  const articles = new Map<string, Partial<storage.Article>>([
    [
      'a1',
      {
        title: 'Astronauts return from the space station',
        text:
          'Three astronauts returned to Earth on Sunday after six months aboard the space station. ' +
          'Their capsule landed safely after leaving orbit. NASA said the crew was in good health. ' +
          'The mission tested a new rocket engine for future flights to the Moon.',
      },
    ],
  ]);
  let fakeStorage: Awaited<ReturnType<typeof startFakeStorage>>;
  let service: RunningService;
  let client: GrpcClientHandle<analysis.AnalysisServiceClient>;
  let config: AppConfig;

  beforeAll(async () => {
    fakeStorage = await startFakeStorage(articles);
    config = defaultConfig();
    config.grpc.analysis = `127.0.0.1:${await freePort()}`;
    config.grpc.storage = fakeStorage.url;
    // Pinned to wink-sg100d, whose numbers these tests check (use-lite-en: model/use-lite-en.spec.ts, e2e).
    config.analysis.modelDir = ensureWordModelDefaultDir();
    service = await startAnalysisService(config);
    client = createGrpcClient<analysis.AnalysisServiceClient>('analysis', { url: config.grpc.analysis, deadlineMs: 10_000 });
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await service?.close();
    closeGrpcClients();
    await closeInProcessQueues();
    await fakeStorage?.close();
  });

  const remoteError = (p: Promise<unknown>) => p.then(() => undefined, (e: RemoteCallError) => e);

  it('embeds texts', async () => {
    const response = await client.client.embed({ texts: ['cat', 'kitten', 'quarterly revenue', '今天'], model: '' });
    expect(response.modelVersion).toBe('wink-sg100d@1.0.0');
    const [cat, kitten, revenue, chinese] = response.embeddings;
    expect(cat!.vector).toHaveLength(100);
    const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(cos(cat!.vector, kitten!.vector)).toBeGreaterThan(cos(cat!.vector, revenue!.vector) + 0.3);
    expect(chinese).toEqual({ vector: [], knownTokens: 0, truncated: false });
  });

  it.each([
    ['an empty list', { texts: [], model: '' }, ErrorCode.InvalidArgument, grpc.status.INVALID_ARGUMENT],
    ['an empty text', { texts: [''], model: '' }, ErrorCode.InvalidArgument, grpc.status.INVALID_ARGUMENT],
    ['257 texts', { texts: Array.from({ length: 257 }, () => 'a'), model: '' }, ErrorCode.InvalidArgument, grpc.status.INVALID_ARGUMENT],
    ['an unknown model', { texts: ['a'], model: 'bert-huge' }, ErrorCode.NotFound, grpc.status.NOT_FOUND],
  ])('refuses %s', async (_case, request, code, grpcCode) => {
    const error = await remoteError(client.client.embed(request));
    expect(error).toMatchObject({ code, grpcCode });
    if (code === ErrorCode.NotFound) expect(error?.message).toMatch(/^model bert-huge is not installed \(installed: /);
  });

  it('analyses an article', async () => {
    const response = await client.client.analyze({ title: 'Police arrest suspect', text: 'Police arrested a suspect in the murder case on Monday, and prosecutors said he would face trial.' });
    expect(response).toMatchObject({ language: 'en', topic: 'crime-law', modelVersion: 'wink-sg100d@1.0.0' });
    expect(response.keywords.length).toBeGreaterThan(3);
    expect(response.simhash).toMatch(/^[0-9a-f]{16}$/);
    expect(response.embedding?.vector).toHaveLength(100);
  });

  it('summarises over gRPC: extractive locally, abstractive refused while the LLM endpoint is off', async () => {
    const text =
      'The central bank raised its benchmark interest rate by a quarter point on Wednesday. ' +
      'Policymakers said inflation remained well above their target. The weather in Washington was sunny. ' +
      'Investors expect further rate increases if inflation does not ease. Economists expect slower growth next year.';
    const extractive = await client.client.summarize({ text, title: '', mode: analysis.SummaryMode.SUMMARY_MODE_UNSPECIFIED, targetLanguage: '' });
    expect(extractive).toMatchObject({ mode: analysis.SummaryMode.SUMMARY_MODE_EXTRACTIVE, language: 'en', model: 'wink-sg100d@1.0.0', llmTokens: 0 });
    expect(extractive.summary).not.toContain('sunny');

    const abstractive = await remoteError(client.client.summarize({ text, title: '', mode: analysis.SummaryMode.SUMMARY_MODE_ABSTRACTIVE, targetLanguage: '' }));
    expect(abstractive).toMatchObject({ grpcCode: grpc.status.FAILED_PRECONDITION, message: expect.stringContaining('LLM_BASE_URL') });
    await expect(remoteError(client.client.summarize({ text: '', title: '', mode: 0, targetLanguage: '' }))).resolves.toMatchObject({
      grpcCode: grpc.status.INVALID_ARGUMENT,
    });
  });

  it('embeds queries and describes installed models by name over gRPC', async () => {
    const queries = await client.client.embedQueries({ texts: ['cat'], model: 'wink-sg100d' });
    const passages = await client.client.embed({ texts: ['cat'], model: '' });
    // wink-sg100d has no prefixes: a query and a passage embed alike.
    expect(queries.embeddings[0]?.vector).toEqual(passages.embeddings[0]?.vector);

    const described = await client.client.describeModel({ model: '' });
    expect(described).toMatchObject({
      model: { name: 'wink-sg100d' },
      pooling: 'weighted-mean',
      tokenizer: 'unicode-words',
      maxTokens: 512,
      isDefault: true,
      queryPrefix: '',
      passagePrefix: '',
    });
    expect(described.installedModels).toContain('wink-sg100d');
    await expect(remoteError(client.client.describeModel({ model: 'org/absent' }))).resolves.toMatchObject({ grpcCode: grpc.status.NOT_FOUND });
  });

  it('refuses an article with neither title nor text', async () => {
    await expect(remoteError(client.client.analyze({ title: '', text: '' }))).resolves.toMatchObject({
      grpcCode: grpc.status.INVALID_ARGUMENT,
    });
  });

  it('describes the model and its execution provider', async () => {
    const { model } = await client.client.getModelInfo({});
    expect(model).toMatchObject({
      name: 'wink-sg100d',
      version: '1.0.0',
      dimension: 100,
      license: 'MIT',
      executionProvider: 'cpu',
      maxBatchSize: config.analysis.maxBatchSize,
      maxQueueDelayMs: config.analysis.maxQueueDelayMs,
    });
    expect(model?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists the execution providers, the fallback trail, the session pool and the live batcher metrics', async () => {
    await client.client.embed({ texts: ['warm up the batcher', 'and its metrics'], model: '' });
    const { model } = await client.client.getModelInfo({});

    expect(model?.providers.map((p) => p.name)).toEqual(['cpu', 'cuda', 'tensorrt', 'webgpu', 'cann', 'qnn', 'coreml', 'directml', 'openvino']);
    expect(model?.providers.find((p) => p.chosen)).toMatchObject({ name: 'cpu', available: true, bundled: true, kind: 'cpu' });
    expect(model?.providers.find((p) => p.name === 'coreml')).toMatchObject({ available: false, chosen: false, reason: expect.stringMatching(/macOS/) });
    expect(model?.providerAttempts.at(-1)).toEqual({ provider: 'cpu', outcome: 'chosen', reason: 'bundled with onnxruntime-node' });
    expect(model?.sessionPoolSize).toBeGreaterThanOrEqual(1);
    expect(model?.batcher).toMatchObject({
      maxBatchSize: config.analysis.maxBatchSize,
      maxConcurrentBatches: model?.sessionPoolSize,
      priorityLanes: ['interactive', 'bulk'],
    });
    const metrics = model?.metrics;
    expect(Number(metrics?.completed)).toBeGreaterThanOrEqual(2);
    expect(Number(metrics?.batchSize?.count)).toBe(Number(metrics?.batches));
    expect(metrics?.queueWaitMs?.buckets.length).toBeGreaterThan(5);
    expect(metrics?.waitingByLane).toEqual([
      { lane: 'interactive', waiting: 0 },
      { lane: 'bulk', waiting: 0 },
    ]);
  });

  it('consumes analyze jobs: saves the analysis, skips deleted articles, retries storage failures', async () => {
    const queue = new InProcessQueueFactory().get<AnalyzeJob>(QUEUE_NAMES.analyze);
    await queue.add({ articleId: 'deleted' }, { jobId: 'analyze:deleted' });
    await queue.add({ articleId: 'broken' }, { jobId: 'analyze:broken' });
    await queue.add({ articleId: 'a1' }, { jobId: 'analyze:a1' });

    await waitFor(() => fakeStorage.saved.length === 1);
    expect(fakeStorage.saved[0]).toMatchObject({
      articleId: 'a1',
      modelVersion: 'wink-sg100d@1.0.0',
      language: 'en',
      topic: 'space',
    });
    expect(fakeStorage.saved[0]!.embedding).toHaveLength(100);
    expect(fakeStorage.saved[0]!.summary.length).toBeGreaterThan(20);
    // UNAVAILABLE from storage fails the jobs of that read, and the queue tries them again; an article that is
    // gone is not retried and nothing is saved for it.
    await waitFor(() => fakeStorage.reads.filter((id) => id === 'broken').length >= 2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(fakeStorage.reads.filter((id) => id === 'broken')).toHaveLength(2);
    expect(fakeStorage.reads.filter((id) => id === 'deleted').length).toBeLessThanOrEqual(2);
    expect(fakeStorage.saved.map((s) => s.articleId)).toEqual(['a1']);
  });
});
