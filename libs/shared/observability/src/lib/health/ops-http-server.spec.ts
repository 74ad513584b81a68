import { registerReadinessCheck } from './readiness';
import { startOpsHttpServer, type OpsHttpServer } from './ops-http-server';

describe(startOpsHttpServer.name, () => {
  let sut: OpsHttpServer;

  beforeAll(async () => {
    sut = await startOpsHttpServer('spec', '127.0.0.1', 0);
  });

  afterAll(() => sut.close());

  it('answers liveness', async () => {
    const answer = await fetch(`${sut.url}/health/live`);

    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ status: 'ok' });
  });

  it('answers readiness from the checks registered in the process', async () => {
    let healthy = false;
    const unregister = registerReadinessCheck('spec.redis', async () => {
      if (!healthy) throw new Error('ECONNREFUSED');
    });
    try {
      const down = await fetch(`${sut.url}/health/ready`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'error', error: { 'spec.redis': { status: 'down', message: 'ECONNREFUSED' } } });

      healthy = true;
      const up = await fetch(`${sut.url}/health/ready`);
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ status: 'ok', info: { 'spec.redis': { status: 'up' } } });
    } finally {
      unregister();
    }
  });

  it('serves the Prometheus metrics without a key', async () => {
    const answer = await fetch(`${sut.url}/metrics`);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await answer.text();
    expect(text).toMatch(/^# HELP autoglm_http_request_duration_seconds /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`${sut.url}/api/v1/articles`)).status).toBe(404);
  });
});
