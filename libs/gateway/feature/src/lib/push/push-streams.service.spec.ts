import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import type { StorageClient } from '@autoglm/shared-grpc';
import { InProcessPushBus } from '@autoglm/shared-push-bus';
import { waitFor } from '@autoglm/shared-testing';
import { parseLastEventId, PushStreams, StreamConnection } from './push-streams.service';

const USER = '11111111-1111-4111-8111-111111111111';

function event(id: number, title = `Article ${id}`): storage.PushEvent {
  return {
    id: String(id),
    kind: 'rule_hit',
    article: { id: `a${id}`, sourceId: 's', url: `https://example.org/${id}`, title, language: 'en', topic: 'science', summary: '', publishedAt: undefined },
    ruleId: 'r1',
    ruleName: 'rule',
    score: 1,
    reason: 'matches',
    createdAt: undefined,
  };
}

/** Storage holding a list of events for USER, answering ListPushEvents like the real one. */
function eventStore(events: storage.PushEvent[]): StorageClient {
  return {
    listPushEvents: async (req: storage.ListPushEventsRequest, context?: { actor?: string }) => {
      const mine = context?.actor === USER ? events : [];
      const after = BigInt(req.afterId || '0');
      return {
        events: mine.filter((e) => BigInt(e.id) > after).slice(0, req.limit),
        latestId: mine.length ? mine[mine.length - 1].id : '0',
      };
    },
  } as unknown as StorageClient;
}

interface Client {
  status: number;
  text: () => string;
  res: IncomingMessage;
}

function connect(port: number, lastEventId?: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: lastEventId ? { 'last-event-id': lastEventId } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      resolve({ status: res.statusCode ?? 0, text: () => text, res });
    });
    req.on('error', reject);
    req.end();
  });
}

describe(PushStreams.name, () => {
  let server: Server;
  let port: number;
  let events: storage.PushEvent[];
  let bus: InProcessPushBus;
  let sut: PushStreams;

  async function start(patch: Partial<AppConfig['push']['stream']> = {}): Promise<void> {
    const config = defaultConfig();
    config.push.stream = { ...config.push.stream, heartbeatSeconds: 1, replayLimit: 2, maxStreamsPerUser: 2, ...patch };
    bus = new InProcessPushBus();
    sut = new PushStreams(eventStore(events), bus, config);
    await sut.onModuleInit();
    server = createServer((req, res) => {
      sut.open(USER, parseLastEventId(req.headers['last-event-id'] as string | undefined), res).catch((error: DomainError) => {
        res.writeHead(error.code === ErrorCode.ResourceExhausted ? 429 : 500).end(error.message);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  }

  beforeEach(() => {
    events = [event(1), event(2)];
  });

  afterEach(async () => {
    await sut.onModuleDestroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('starts after the newest event and sends what the bus announces', async () => {
    await start();
    const client = await connect(port);
    expect(client.status).toBe(200);
    expect(client.res.headers['content-type']).toContain('text/event-stream');
    events.push(event(3, 'Fresh'));
    await bus.publish({ userId: USER, eventId: '3' });
    await waitFor('the announced event', async () => (client.text().includes('id: 3\n') ? true : undefined), { timeoutMs: 5_000 });
    expect(client.text()).not.toContain('id: 2\n');
    expect(client.text()).toContain('event: rule_hit\ndata: {"id":"3","kind":"rule_hit"');
    // Another user's notice wakes nothing here.
    await bus.publish({ userId: 'someone-else', eventId: '9' });
    await waitFor('a heartbeat', async () => (client.text().includes(': heartbeat') ? true : undefined), { timeoutMs: 5_000 });
  });

  it('replays missed events after Last-Event-ID, and says where it skipped past the replay limit', async () => {
    await start();
    const resumed = await connect(port, '1');
    await waitFor('the replay', async () => (resumed.text().includes('id: 2\n') ? true : undefined), { timeoutMs: 5_000 });
    events.push(event(3), event(4), event(5));
    const late = await connect(port, '1');
    await waitFor('the gap', async () => (late.text().includes('event: gap') ? true : undefined), { timeoutMs: 5_000 });
    expect(late.text()).toContain('id: 2\n');
    expect(late.text()).toContain('id: 3\n');
    expect(late.text()).not.toContain('id: 4\n');
    expect(late.text()).toContain('"skippedTo":"5"');
  });

  it('limits streams per user and closes every stream on shutdown', async () => {
    await start();
    const first = await connect(port);
    const second = await connect(port);
    expect((await connect(port)).status).toBe(429);
    expect(sut.openStreams).toBe(2);
    const ended = Promise.all([first, second].map((c) => new Promise<void>((resolve) => c.res.on('end', () => resolve()))));
    sut.closeAll();
    await ended;
    expect(sut.openStreams).toBe(0);
    await expect(sut.open(USER, undefined, {} as ServerResponse)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('drops a client whose unread bytes pass the bound instead of holding more for it', () => {
    const res = { writableLength: 0, headersSent: true, write: jest.fn(), destroy: jest.fn(), end: jest.fn(), on: jest.fn() };
    const closed: StreamConnection[] = [];
    const connection = new StreamConnection(USER, res as unknown as ServerResponse, 1000, (c) => closed.push(c));
    connection.write('a');
    res.writableLength = 1001;
    connection.write('b');
    connection.write('c');
    expect(res.write.mock.calls).toEqual([['a']]);
    expect(res.destroy).toHaveBeenCalledTimes(1);
    expect(closed).toEqual([connection]);
  });

  it('refuses a Last-Event-ID that is not an event id', () => {
    expect(() => parseLastEventId('abc')).toThrow('Last-Event-ID must be a decimal event id');
    expect(() => parseLastEventId('1'.repeat(20))).toThrow();
    expect(parseLastEventId(' 42 ')).toBe('42');
    expect(parseLastEventId('')).toBeUndefined();
  });
});
