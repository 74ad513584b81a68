import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainHttpServer, settlesBy, shutdownDeadlines } from './shutdown';

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  // Far longer than any test: a connection left to its keep-alive timeout would hang the test.
  server.keepAliveTimeout = 120_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

function get(port: number, agent: Agent, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, agent, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe(shutdownDeadlines.name, () => {
  it('gives in-flight work two thirds of the timeout and the process all of it', () => {
    expect(shutdownDeadlines({ timeoutMs: 15_000 }, 1_000)).toEqual({ drainBy: 11_000, exitBy: 16_000 });
  });
});

describe(settlesBy.name, () => {
  it('tells whether the work settled (either way) before the deadline', async () => {
    expect(await settlesBy(Promise.resolve(1), Date.now() + 1_000)).toBe(true);
    expect(await settlesBy(Promise.reject(new Error('failed')), Date.now() + 1_000)).toBe(true);
    expect(await settlesBy(new Promise(() => undefined), Date.now() + 20)).toBe(false);
  });
});

describe(drainHttpServer.name, () => {
  let agent: Agent;

  beforeEach(() => (agent = new Agent({ keepAlive: true })));
  afterEach(() => agent.destroy());

  it('answers the request in flight, then closes its keep-alive connection instead of waiting for the timeout', async () => {
    let answer: (() => void) | undefined;
    const { server, port } = await listen((req, res) => {
      if (req.url === '/warm-up') res.end('ready');
      else answer = () => res.end('done');
    });
    // The agent keeps this connection and sends the next request on it: busy when the drain starts.
    expect(await get(port, agent, '/warm-up')).toEqual({ status: 200, body: 'ready' });
    const inFlight = get(port, agent, '/slow');
    await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));

    const drained = drainHttpServer(server, Date.now() + 60_000, 10);
    answer?.();

    expect(await inFlight).toEqual({ status: 200, body: 'done' });
    expect(await drained).toBe(true);
    expect(server.listening).toBe(false);
  });

  it('cuts the requests still running at the deadline', async () => {
    const { server, port } = await listen(() => undefined);
    const stuck = get(port, agent);
    await new Promise<void>((resolve) => server.once('request', () => resolve()));

    expect(await drainHttpServer(server, Date.now() + 50, 10)).toBe(false);
    await expect(stuck).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
