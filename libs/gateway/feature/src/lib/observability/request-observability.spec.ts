import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { createPinoLogger, REDACTED } from '@autoglm/shared-observability';
import { requestLogging, requestObservability } from './request-observability';

describe(requestLogging.name, () => {
  it('logs each request without the credentials of its headers, URL or query', async () => {
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
    app.post('/fever/', (_req, res) => void res.json({ auth: 0 }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/fever/?api&api_key=feverkey1&Passwd=readerkey2`, {
        method: 'POST',
        headers: { authorization: 'Bearer agl_bearer3', cookie: 'agl_session=s4', 'x-api-key': 'agl_header5', 'x-csrf-token': 'csrf6' },
      });
      expect(answer.status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }

    const [line] = chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { req: { url: string; query: Record<string, string>; headers: Record<string, string> } });
    expect(line.req.url).toBe(`/fever/?api&api_key=${REDACTED}&Passwd=${REDACTED}`);
    expect(line.req.query).toEqual({ api: '', api_key: REDACTED, Passwd: REDACTED });
    expect(line.req.headers).toMatchObject({ authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, 'x-csrf-token': REDACTED });
    expect(chunks.join('')).not.toMatch(/feverkey1|readerkey2|agl_bearer3|s4|agl_header5|csrf6/);
  });
});
