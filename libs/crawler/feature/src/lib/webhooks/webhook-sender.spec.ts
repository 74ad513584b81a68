import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { storage } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import type { StorageClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { verifyWebhookSignature } from './webhook-signature';
import { WebhookSender } from './webhook-sender';

const SECRET = 'whsec_test-secret-of-enough-length';

/** Storage with one pending delivery to `url`, recording the attempts reported. */
function fakeStorage(url: string, attempts: storage.RecordWebhookAttemptRequest[], retryInMs = 0): StorageClient {
  return {
    getWebhookDelivery: async () => ({ deliverable: true, url, secret: SECRET, body: '{"id":"d1","type":"ping"}', eventType: 'ping', attempts: attempts.length }),
    recordWebhookAttempt: async (request: storage.RecordWebhookAttemptRequest) => (
      attempts.push(request),
      { state: request.ok ? 'delivered' : retryInMs ? 'pending' : 'failed', retryInMs, endpointDisabled: false }
    ),
  } as unknown as StorageClient;
}

describe(WebhookSender.name, () => {
  let server: Server;
  let url: string;
  const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let status = 200;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    seen.length = 0;
    status = 200;
  });

  function sender(allowHosts: string[], attempts: storage.RecordWebhookAttemptRequest[], queues = new InProcessQueueFactory(), retryInMs = 0) {
    const config = defaultConfig();
    const fetcher = new GuardedFetcher({ ...config.crawler, allowHosts });
    return { sut: new WebhookSender(queues, config, fakeStorage(url, attempts, retryInMs), fetcher), fetcher };
  }

  it('posts the stored body, signed, and reports the answer', async () => {
    const attempts: storage.RecordWebhookAttemptRequest[] = [];
    const { sut, fetcher } = sender(['127.0.0.1'], attempts);
    await sut.attempt({ deliveryId: 'd1', attempt: 1 });
    await fetcher.close();

    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request.body).toBe('{"id":"d1","type":"ping"}');
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-autoglm-delivery': 'd1', 'x-autoglm-event': 'ping', 'x-autoglm-attempt': '1' });
    const signed = { timestamp: String(request.headers['x-autoglm-timestamp']), signature: String(request.headers['x-autoglm-signature']) };
    expect(verifyWebhookSignature(SECRET, signed, request.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(attempts).toMatchObject([{ deliveryId: 'd1', attempt: 1, ok: true, statusCode: 200 }]);
  });

  it('does not reach a loopback target the allow-list does not name, and says so in the log', async () => {
    const attempts: storage.RecordWebhookAttemptRequest[] = [];
    const { sut, fetcher } = sender([], attempts);
    await sut.attempt({ deliveryId: 'd1', attempt: 1 });
    await fetcher.close();

    expect(seen).toEqual([]);
    expect(attempts).toMatchObject([{ ok: false, statusCode: 0 }]);
    expect(attempts[0].error).toMatch(/private|loopback|refused|not allowed/i);
  });

  it('queues the next attempt with the delay storage asks for after a failure', async () => {
    status = 500;
    const attempts: storage.RecordWebhookAttemptRequest[] = [];
    const queues = new InProcessQueueFactory();
    const { sut, fetcher } = sender(['127.0.0.1'], attempts, queues, 60_000);
    await sut.attempt({ deliveryId: 'd1', attempt: 1 });
    await fetcher.close();

    expect(attempts).toMatchObject([{ ok: false, statusCode: 500 }]);
    const waiting = await queues.get('webhook').takeUnfinished();
    expect(waiting).toEqual([{ id: 'webhook:d1:2', data: { deliveryId: 'd1', attempt: 2 } }]);
  });
});
