import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { HealthController } from './health.controller';

describe(HealthController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway({ healthProbeTimeoutMs: 100 });
  });

  afterEach(async () => {
    await sut.close();
  });

  function allUp(): void {
    sut.backends.storage.listArticles.returns({ articles: [], nextCursor: '' });
    // The empty id is refused: the service answered, so it is up.
    sut.backends.sources.getSource.fails(new RemoteCallError(ErrorCode.InvalidArgument, 'id is required', 3, 'x'));
    sut.backends.recommender.getRecommendations.returns({ items: [], profileEvents: 0 });
    sut.backends.analysis.getModelInfo.returns({ model: undefined });
  }

  it('answers 200 ok when every service answers', async () => {
    allUp();

    const answer = await send(sut, 'GET', '/health');

    expect(answer).toMatchObject({
      status: 200,
      body: { status: 'ok', services: { storage: 'up', sources: 'up', analysis: 'up', recommender: 'up' } },
    });
  });

  it('is not under the /api/v1 prefix', async () => {
    allUp();

    expect((await send(sut, 'GET', '/api/v1/health')).status).toBe(404);
  });

  it('answers 503 degraded with the same body when a service is unavailable', async () => {
    allUp();
    sut.backends.analysis.getModelInfo.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'x'));

    const answer = await send(sut, 'GET', '/health');

    expect(answer).toMatchObject({
      status: 503,
      body: { status: 'degraded', services: { storage: 'up', sources: 'up', analysis: 'down', recommender: 'up' } },
    });
  });

  it('counts a service that does not answer in time as down', async () => {
    allUp();
    sut.backends.storage.listArticles.hangs();
    const started = Date.now();

    const answer = await send(sut, 'GET', '/health');

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(answer).toMatchObject({ status: 503, body: { status: 'degraded', services: { storage: 'down' } } });
  });

  it('counts an internal failure as down', async () => {
    allUp();
    sut.backends.recommender.getRecommendations.fails(new RemoteCallError(ErrorCode.Internal, 'db gone', 13, 'x'));

    const answer = await send(sut, 'GET', '/health');

    expect(answer).toMatchObject({ status: 503, body: { services: { recommender: 'down' } } });
  });
});
