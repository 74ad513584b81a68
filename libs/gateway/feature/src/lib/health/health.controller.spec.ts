import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { registerReadinessCheck } from '@autoglm/shared-observability';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { HealthController } from './health.controller';

describe(HealthController.name, () => {
  let sut: TestGateway;

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

  function probeCount(): number {
    const { storage, sources, recommender, analysis } = sut.backends;
    return (
      storage.listArticles.requests.length +
      sources.getSource.requests.length +
      recommender.getRecommendations.requests.length +
      analysis.getModelInfo.requests.length
    );
  }

  async function eventually(check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('the condition did not become true within 3 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  describe('with probes repeated only every minute', () => {
    beforeEach(async () => {
      sut = await startTestGateway({ healthProbeTimeoutMs: 100 });
    });

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
      expect((await send(sut, 'GET', '/api/v1/health/live')).status).toBe(404);
    });

    it('stays ready (200) but degraded when a service other than storage is unavailable', async () => {
      allUp();
      sut.backends.analysis.getModelInfo.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'x'));

      const answer = await send(sut, 'GET', '/health');

      expect(answer).toMatchObject({
        status: 200,
        body: { status: 'degraded', services: { storage: 'up', sources: 'up', analysis: 'down', recommender: 'up' } },
      });
    });

    it('answers 503 unavailable when storage is down', async () => {
      allUp();
      sut.backends.storage.listArticles.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'x'));

      const answer = await send(sut, 'GET', '/health');

      expect(answer).toMatchObject({ status: 503, body: { status: 'unavailable', services: { storage: 'down', analysis: 'up' } } });
    });

    it('counts a service that does not answer in time as down', async () => {
      allUp();
      sut.backends.storage.listArticles.hangs();
      const started = Date.now();

      const answer = await send(sut, 'GET', '/health');

      expect(Date.now() - started).toBeLessThan(2_000);
      expect(answer).toMatchObject({ status: 503, body: { status: 'unavailable', services: { storage: 'down' } } });
    });

    it('counts an internal failure as down', async () => {
      allUp();
      sut.backends.recommender.getRecommendations.fails(new RemoteCallError(ErrorCode.Internal, 'db gone', 13, 'x'));

      const answer = await send(sut, 'GET', '/health');

      expect(answer).toMatchObject({ status: 200, body: { status: 'degraded', services: { recommender: 'down' } } });
    });

    it('answers later requests from the last probe, without calling any service', async () => {
      allUp();
      await send(sut, 'GET', '/health');
      const probed = probeCount();

      const answers = await Promise.all([1, 2, 3].map(() => send(sut, 'GET', '/health')));

      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(probeCount()).toBe(probed);
    });

    it('probes once for concurrent first requests', async () => {
      allUp();

      await Promise.all([1, 2, 3].map(() => send(sut, 'GET', '/health')));

      expect(probeCount()).toBe(4);
    });

    it('answers liveness without calling any service', async () => {
      const answer = await send(sut, 'GET', '/health/live');

      expect(answer).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(probeCount()).toBe(0);
    });

    it('lists the backends on /health/status with 200 even when storage is down', async () => {
      allUp();
      sut.backends.storage.listArticles.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'x'));

      const answer = await send(sut, 'GET', '/health/status');

      expect(answer).toMatchObject({ status: 200, body: { status: 'unavailable', services: { storage: 'down', sources: 'up' } } });
    });

    it('stays ready while every backend is down: readiness is the process, not what it calls', async () => {
      for (const call of [sut.backends.storage.listArticles, sut.backends.sources.getSource, sut.backends.recommender.getRecommendations, sut.backends.analysis.getModelInfo]) {
        call.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'x'));
      }

      const answer = await send(sut, 'GET', '/health/ready');

      expect(answer).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(probeCount()).toBe(0);
    });

    it('is not ready while a check of its own process fails, and says which and why', async () => {
      const unregister = registerReadinessCheck('spec.dependency', async () => {
        throw new Error('connection refused');
      });
      try {
        const answer = await send(sut, 'GET', '/health/ready');

        expect(answer).toMatchObject({ status: 503, body: { status: 'error', error: { 'spec.dependency': { status: 'down', message: 'connection refused' } } } });
      } finally {
        unregister();
      }
      expect((await send(sut, 'GET', '/health/ready')).status).toBe(200);
    });

    it('counts a check that does not answer in time as down', async () => {
      const unregister = registerReadinessCheck('spec.hanging', () => new Promise(() => undefined));
      try {
        const answer = await send(sut, 'GET', '/health/ready');

        expect(answer).toMatchObject({ status: 503, body: { error: { 'spec.hanging': { status: 'down', message: expect.stringMatching(/did not answer within/) } } } });
      } finally {
        unregister();
      }
    });
  });

  describe('with probes repeated in the background', () => {
    beforeEach(async () => {
      sut = await startTestGateway({ healthProbeTimeoutMs: 100, healthRefreshMs: 30 });
    });

    it('shows a service going down and coming back', async () => {
      allUp();
      expect((await send(sut, 'GET', '/health')).body).toMatchObject({ status: 'ok' });

      sut.backends.storage.listArticles.fails(new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'x'));
      await eventually(async () => (await send(sut, 'GET', '/health')).status === 503);

      sut.backends.storage.listArticles.returns({ articles: [], nextCursor: '' });
      await eventually(async () => (await send(sut, 'GET', '/health')).status === 200);
    });
  });
});
