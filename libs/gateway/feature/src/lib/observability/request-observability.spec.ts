import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { createPinoLogger, REDACTED } from '@autoglm/shared-observability';
import { requestLogging, requestObservability } from './request-observability';

describe(requestLogging.name, () => {
  /** An express app with the gateway's two middlewares logging into memory; `routes` adds handlers. */
  async function loggedApp(routes: (app: express.Express) => void): Promise<{ url: string; lines: () => Array<Record<string, unknown>>; close: () => Promise<void> }> {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const app = express();
    app.use(requestObservability());
    app.use(requestLogging(createPinoLogger({ logLevel: 'info', logPretty: false }, 'gateway', stream))!);
    routes(app);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  it('logs each request with its route, status and id, without the credentials of its URL or any header', async () => {
    const sut = await loggedApp((app) => app.post('/fever/', (_req, res) => void res.json({ auth: 0 })));
    try {
      const answer = await fetch(`${sut.url}/fever/?api&api_key=feverkey1&Passwd=readerkey2`, {
        method: 'POST',
        headers: { authorization: 'Bearer agl_bearer3', cookie: 'agl_session=s4', 'x-api-key': 'agl_header5', 'x-csrf-token': 'csrf6', 'x-request-id': 'req-7' },
      });
      expect(answer.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await sut.close();
    }
    const [line] = sut.lines();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request completed',
      requestId: 'req-7',
      req: { method: 'POST', url: `/fever/?api&api_key=${REDACTED}&Passwd=${REDACTED}`, route: '/fever/' },
      res: { statusCode: 200 },
    });
    expect(typeof line?.['responseTime']).toBe('number');
    expect(JSON.stringify(sut.lines())).not.toMatch(/feverkey1|readerkey2|agl_bearer3|s4|agl_header5|csrf6/);
  });

  it('leaves out probes and scrapes that succeed, logs the ones that fail, and a request its client abandoned', async () => {
    let healthy = true;
    const sut = await loggedApp((app) => {
      app.get('/health/ready', (_req, res) => void res.status(healthy ? 200 : 503).json({}));
      app.get('/metrics', (_req, res) => void res.send('# metrics'));
      app.get('/slow', () => undefined); // never answers
    });
    try {
      expect((await fetch(`${sut.url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${sut.url}/metrics`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`${sut.url}/health/ready`)).status).toBe(503);
      const abandoned = new AbortController();
      const slow = fetch(`${sut.url}/slow`, { signal: abandoned.signal }).catch(() => 'aborted');
      await new Promise((resolve) => setTimeout(resolve, 100));
      abandoned.abort();
      expect(await slow).toBe('aborted');
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await sut.close();
    }
    expect(sut.lines().map((line) => [line['level'], line['msg'], (line['req'] as { url: string }).url])).toEqual([
      ['error', 'request errored', '/health/ready'],
      ['warn', 'request aborted', '/slow'],
    ]);
  });
});
