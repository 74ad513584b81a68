import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { freePort, waitFor } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';

/**
 * Push end to end (embedded mode): a loopback feed that changes, a webhook receiver that fails once,
 * and a loopback SMTP server. A user's rules decide what reaches their SSE stream and webhook; the
 * stream resumes with Last-Event-ID; the digest arrives by e-mail.
 */

interface FeedItem {
  title: string;
  text: string;
}

interface StreamEvent {
  id: string;
  event: string;
  data: { id: string; kind: string; article: { id: string; title: string }; rule: { name: string } | null };
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

interface Mail {
  to: string[];
  raw: string;
}

const BASE_ITEMS: FeedItem[] = [
  { title: 'City council approves new tram line', text: 'The city council approved a new tram line along the river, with ten stations and a budget for buses.' },
  { title: 'Bakery wins regional bread award', text: 'A family bakery won the regional award for its sourdough bread, baked every morning since 1950.' },
];

function rss(base: string, items: FeedItem[]): string {
  const now = new Date().toUTCString();
  const entries = items
    .map(
      (item, i) => `<item><title>${item.title}</title><link>${base}/posts/${i}-${encodeURIComponent(item.title)}</link>
        <guid>${base}/guid/${encodeURIComponent(item.title)}</guid><pubDate>${now}</pubDate><description>${item.text}</description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local News</title><link>${base}/</link>
    <description>Changes during the test</description>${entries}</channel></rss>`;
}

/** Reads an SSE response into parsed events (comment lines are counted as heartbeats). */
class SseClient {
  readonly events: StreamEvent[] = [];
  comments = 0;
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();

  async open(url: string, key: string, lastEventId?: string): Promise<number> {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal: this.controller.signal,
    });
    if (res.status !== 200 || !res.body) return res.status;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
    return res.status;
  }

  close(): Promise<void> {
    this.controller.abort();
    return this.done;
  }

  private parse(frame: string): void {
    const fields: Record<string, string> = {};
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) this.comments++;
      const colon = line.indexOf(':');
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
    }
    if (fields['data'] && fields['event'] !== undefined) {
      this.events.push({ id: fields['id'] ?? '', event: fields['event'], data: JSON.parse(fields['data']) as StreamEvent['data'] });
    }
  }
}

describe('Push: SSE stream, rules, webhooks and digests, all services in one process', () => {
  let system: EmbeddedSystem;
  let dataDir: string;
  let feedServer: Server;
  let receiver: Server;
  let smtp: SMTPServer;
  let feedBase = '';
  let receiverUrl = '';
  let items: FeedItem[] = [...BASE_ITEMS];
  const received: Received[] = [];
  const mails: Mail[] = [];
  let keys: { alice: string; bob: string };
  let sourceId = '';

  const api = async (path: string, key: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${system.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: text && (text.startsWith('{') || text.startsWith('[')) ? JSON.parse(text) : undefined };
  };
  const articleTitled = async (title: string): Promise<string | undefined> => {
    const list = await api(`/api/v1/articles?limit=50&sourceId=${sourceId}`, keys.alice);
    const found = (list.body.items as Array<{ id: string; title: string; summary: string | null }>).find((a) => a.title === title && a.summary);
    return found?.id;
  };
  const publish = async (...extra: FeedItem[]) => {
    items = [...extra, ...items];
    expect((await api(`/api/v1/sources/${sourceId}/refresh`, keys.alice, { method: 'POST' })).status).toBeLessThan(300);
  };

  beforeAll(async () => {
    feedServer = createServer((req, res) => {
      if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss(feedBase, items));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
    feedBase = `http://127.0.0.1:${(feedServer.address() as { port: number }).port}`;

    // The receiver answers 500 to the first delivery it sees, then 200.
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = received.length === 0 ? 500 : 200;
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;

    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));

    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-push-e2e-'));
    const config = await embeddedTestConfig(dataDir, {
      push: {
        // For You never passes here: what reaches the stream is decided by the rules.
        forYou: { minScore: 10, maxUsersPerBatch: 50, batchSize: 16, batchDelayMs: 50 },
        stream: { heartbeatSeconds: 1, maxStreamsPerUser: 2, maxBufferedBytes: 256 * 1024, replayLimit: 100 },
        webhooks: { maxAttempts: 4, backoffMs: 300, disableAfterFailures: 10, timeoutMs: 5_000 },
        digest: { tickSeconds: 1, maxItems: 10 },
        smtp: { url: `smtp://127.0.0.1:${smtpPort}`, from: 'News <news@example.org>' },
      },
    });
    system = await startEmbedded(config);

    const alice = await api('/api/v1/users', '', { method: 'POST', body: { name: 'alice' } });
    const bob = await fetch(`${system.url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.body.apiKey.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bob' }),
    });
    keys = { alice: alice.body.apiKey.key as string, bob: ((await bob.json()) as { apiKey: { key: string } }).apiKey.key };
    const added = await api('/api/v1/sources', keys.alice, { method: 'POST', body: { url: `${feedBase}/feed.xml`, intervalSeconds: 3600 } });
    expect(added.status).toBe(201);
    sourceId = added.body.id as string;
    expect((await api(`/api/v1/me/subscriptions/${sourceId}`, keys.alice, { method: 'PUT', body: {} })).status).toBe(200);
    await waitFor('the first crawl, analysed', () => articleTitled(BASE_ITEMS[0].title), { timeoutMs: 90_000 });
  }, 180_000);

  afterAll(async () => {
    await system?.close();
    feedServer?.close();
    receiver?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses bad rules, webhooks and resume ids, and hides one user’s rules from another', async () => {
    expect((await api('/api/v1/me/rules', keys.alice, { method: 'POST', body: { name: 'x', keywords: ['a'], actions: ['explode'] } })).status).toBe(400);
    expect((await api('/api/v1/me/rules', keys.alice, { method: 'POST', body: { name: 'x', actions: ['notify'] } })).status).toBe(400);
    expect((await api('/api/v1/me/rules', keys.alice, { method: 'POST', body: { name: 'x', keywords: ['(a+)+$'], sourceIds: ['nope'], actions: ['notify'] } })).status).toBe(
      400,
    );
    expect((await api('/api/v1/me/webhooks', keys.alice, { method: 'POST', body: { url: 'ftp://example.org/x' } })).status).toBe(400);
    expect((await api('/api/v1/me/digest/settings', keys.alice, { method: 'PUT', body: { period: 'weekly' } })).status).toBe(400);
    expect((await api('/api/v1/me/digest/settings', keys.alice, { method: 'PUT', body: { period: 'daily', email: 'a@b\r\nBcc: x@y.z' } })).status).toBe(400);
    const bad = new SseClient();
    expect(await bad.open(`${system.url}/api/v1/me/stream`, keys.alice, 'abc')).toBe(400);
    expect((await fetch(`${system.url}/api/v1/me/stream`)).status).toBe(401);

    const rule = await api('/api/v1/me/rules', keys.alice, { method: 'POST', body: { name: 'private', topics: ['sports'], actions: ['digest'] } });
    expect(rule.status).toBe(201);
    expect((await api(`/api/v1/me/rules/${rule.body.id}`, keys.bob)).status).toBe(404);
    expect((await api(`/api/v1/me/rules/${rule.body.id}`, keys.bob, { method: 'DELETE' })).status).toBe(404);
    expect((await api(`/api/v1/me/rules/${rule.body.id}`, keys.alice, { method: 'DELETE' })).status).toBe(204);
  });

  it('streams a rule hit within seconds of the feed changing, resumes with Last-Event-ID, and leaves muted articles out', async () => {
    const quantum = await api('/api/v1/me/rules', keys.alice, {
      method: 'POST',
      body: { name: 'Quantum news', keywords: ['Quantum Computer', 'qubits'], actions: ['notify', 'webhook', 'digest'] },
    });
    expect(quantum.status).toBe(201);
    expect(quantum.body).toMatchObject({ keywords: ['quantum computer', 'qubits'], enabled: true });
    const cricket = await api('/api/v1/me/rules', keys.alice, { method: 'POST', body: { name: 'No cricket', keywords: ['cricket'], actions: ['mute', 'mark_read'] } });
    expect(cricket.status).toBe(201);
    const hook = await api('/api/v1/me/webhooks', keys.alice, { method: 'POST', body: { url: receiverUrl, description: 'test receiver' } });
    expect(hook.status).toBe(201);
    const secret = hook.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect((await api('/api/v1/me/webhooks', keys.alice)).text).not.toContain(secret);

    const stream = new SseClient();
    expect(await stream.open(`${system.url}/api/v1/me/stream`, keys.alice)).toBe(200);
    const changedAt = Date.now();
    await publish(
      { title: 'Quantum computer sets a record', text: 'A quantum computer with more stable qubits set a record for error correction in the lab.' },
      { title: 'Cricket final goes to a super over', text: 'The cricket final went to a super over after both teams scored the same number of runs.' },
      { title: 'Library extends its opening hours', text: 'The central library now opens on Sundays and late on Thursdays for students.' },
    );
    const hit = await waitFor('the rule hit on the stream', async () => stream.events.find((e) => e.event === 'rule_hit'), { timeoutMs: 60_000 });
    const latency = Date.now() - changedAt;
    expect(hit.data).toMatchObject({ kind: 'rule_hit', article: { title: 'Quantum computer sets a record' }, rule: { name: 'Quantum news' } });
    expect(hit.id).toBe(hit.data.id);
    // Heartbeats arrive on an idle stream.
    await waitFor('a heartbeat', async () => (stream.comments >= 2 ? true : undefined), { timeoutMs: 10_000 });

    // Only the rule's article was pushed: the library news matched nothing, the cricket rule does not notify.
    await waitFor('the cricket article analysed', () => articleTitled('Cricket final goes to a super over'), { timeoutMs: 60_000 });
    await waitFor('the library article analysed', () => articleTitled('Library extends its opening hours'), { timeoutMs: 60_000 });
    expect(stream.events.map((e) => e.data.article.title)).toEqual(['Quantum computer sets a record']);
    // Muted and marked read for alice.
    const cricketId = (await articleTitled('Cricket final goes to a super over')) as string;
    const readingList = await api('/api/v1/me/articles?filter=read', keys.alice);
    expect((readingList.body.items as Array<{ id: string }>).map((a) => a.id)).toEqual([cricketId]);
    const forYou = await api('/api/v1/me/recommendations?limit=50', keys.alice);
    expect((forYou.body.items as Array<{ article: { id: string } }>).map((i) => i.article.id)).not.toContain(cricketId);

    // A second connection is allowed, a third is over the per-user limit.
    const second = new SseClient();
    expect(await second.open(`${system.url}/api/v1/me/stream`, keys.alice)).toBe(200);
    expect(await new SseClient().open(`${system.url}/api/v1/me/stream`, keys.alice)).toBe(429);
    await second.close();

    // Disconnected, a new matching article arrives; the resumed stream gets exactly what it missed.
    await stream.close();
    await publish({ title: 'New qubits last longer', text: 'Researchers made qubits that keep their state ten times longer than before.' });
    await waitFor('the second rule hit stored', async () => {
      const deliveries = await api(`/api/v1/me/webhooks/${hook.body.id}/deliveries`, keys.alice);
      return (deliveries.body as unknown[]).length >= 2 ? true : undefined;
    }, { timeoutMs: 60_000 });
    const resumed = new SseClient();
    expect(await resumed.open(`${system.url}/api/v1/me/stream`, keys.alice, hit.id)).toBe(200);
    const missed = await waitFor('the missed event replayed', async () => resumed.events[0], { timeoutMs: 10_000 });
    expect(missed.data).toMatchObject({ kind: 'rule_hit', article: { title: 'New qubits last longer' } });
    expect(BigInt(missed.id)).toBeGreaterThan(BigInt(hit.id));
    await resumed.close();
    // Bob's stream has nothing of alice's.
    const bobs = new SseClient();
    expect(await bobs.open(`${system.url}/api/v1/me/stream`, keys.bob, '0')).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(bobs.events).toEqual([]);
    await bobs.close();
    console.log(`push e2e: rule hit on the stream ${latency} ms after the feed changed`);

    // The webhook: the first attempt got 500, the retry 200; both signed, same delivery id.
    const first = await waitFor('the retried delivery', async () => {
      const byId = new Map<string, Received[]>();
      for (const r of received) byId.set(String(r.headers['x-autoglm-delivery']), [...(byId.get(String(r.headers['x-autoglm-delivery'])) ?? []), r]);
      return [...byId.values()].find((list) => list.length >= 2 && list.some((r) => r.status === 200));
    }, { timeoutMs: 60_000 });
    for (const attempt of first) {
      const timestamp = String(attempt.headers['x-autoglm-timestamp']);
      const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${attempt.body}`).digest('hex')}`;
      const given = String(attempt.headers['x-autoglm-signature']);
      expect(given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))).toBe(true);
      expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(120);
      expect(attempt.headers['x-autoglm-event']).toBe('rule.hit');
    }
    expect(first.map((a) => a.status)).toEqual([500, 200]);
    expect(first.map((a) => a.headers['x-autoglm-attempt'])).toEqual(['1', '2']);
    const body = JSON.parse(first[0].body) as { id: string; type: string; rule: { name: string }; article: { title: string } };
    expect(body).toMatchObject({ id: first[0].headers['x-autoglm-delivery'], type: 'rule.hit', rule: { name: 'Quantum news' } });
    const log = await waitFor('the delivery log', async () => {
      const deliveries = (await api(`/api/v1/me/webhooks/${hook.body.id}/deliveries`, keys.alice)).body as Array<{
        id: string;
        state: string;
        attemptLog: Array<{ statusCode: number }>;
      }>;
      const entry = deliveries.find((d) => d.id === body.id);
      return entry?.state === 'delivered' ? entry : undefined;
    }, { timeoutMs: 30_000 });
    expect(log.attemptLog.map((a) => a.statusCode)).toEqual([500, 200]);
    expect((await api(`/api/v1/me/webhooks/${hook.body.id}/deliveries`, keys.bob)).status).toBe(404);
  }, 240_000);

  it('e-mails the digest to the loopback SMTP server and answers it as JSON and HTML', async () => {
    const digest = await api('/api/v1/me/digest?period=daily', keys.alice);
    expect(digest.status).toBe(200);
    expect((digest.body.items as Array<{ article: { title: string } }>).map((i) => i.article.title)).toContain('Quantum computer sets a record');
    const html = await api('/api/v1/me/digest?period=daily&format=html', keys.alice);
    expect(html.type).toContain('text/html');
    expect(html.text).toContain('Quantum computer sets a record');
    expect((await api('/api/v1/me/digest?period=weekly', keys.alice)).status).toBe(400);

    const settings = await api('/api/v1/me/digest/settings', keys.alice, { method: 'PUT', body: { period: 'daily', email: 'alice@example.org' } });
    expect(settings.body).toMatchObject({ period: 'daily', email: 'alice@example.org', lastSentAt: null });
    const mail = await waitFor('the digest e-mail', async () => mails.find((m) => m.to.includes('alice@example.org')), { timeoutMs: 60_000 });
    // Quoted-printable soft line breaks removed, so that long lines read whole.
    const raw = mail.raw.replace(/=\r?\n/g, '');
    expect(raw).toMatch(/^Subject: Your daily news digest/m);
    expect(raw).toMatch(/^From: News <news@example\.org>/m);
    expect(raw).toContain('Quantum computer sets a record');
    expect(raw).toMatch(/Content-Type: text\/html/i);
    const after = await waitFor('the digest recorded as sent', async () => {
      const s = await api('/api/v1/me/digest/settings', keys.alice);
      return s.body.lastSentAt ? s.body : undefined;
    }, { timeoutMs: 10_000 });
    expect(after.period).toBe('daily');
    // Sent once per window: no second mail on the next ticks.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(mails.filter((m) => m.to.includes('alice@example.org'))).toHaveLength(1);
  }, 120_000);
});
