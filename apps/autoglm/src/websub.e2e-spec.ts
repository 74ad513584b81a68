import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';
import { jsonCaller, readRequestBody } from './testing/json-api-caller';

/**
 * WebSub end to end (embedded mode): a loopback server plays both the publisher (a feed that
 * advertises a hub) and the hub (accepts subscriptions, verifies intent at our callback with a
 * challenge, then pushes signed content). New items must appear without a poll.
 */

interface SubscribeRequest {
  mode: string;
  topic: string;
  callback: string;
  secret: string;
  leaseSeconds: string;
}

interface Verification {
  status: number;
  body: string;
  challenge: string;
}

function feed(base: string, items: string[]): string {
  const entries = items
    .map((title, i) => `<item><title>${title}</title><link>${base}/posts/${encodeURIComponent(title)}</link><guid>${base}/guid/${i}-${encodeURIComponent(title)}</guid>
      <description>${title}: a report about rivers, bridges and the city council budget for public transport.</description></item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
  <title>Pushed News</title><link>${base}/</link><description>A feed with a hub</description>
  <atom:link rel="hub" href="${base}/hub"/>
  <atom:link rel="self" href="${base}/feed.xml" type="application/rss+xml"/>
  ${entries}
</channel></rss>`;
}

/** The publisher's feed and a hub that verifies every subscription request right after accepting it. */
async function startPublisherAndHub(): Promise<{ server: Server; base: string; requests: SubscribeRequest[]; verifications: Verification[] }> {
  const requests: SubscribeRequest[] = [];
  const verifications: Verification[] = [];
  let base = '';
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/feed.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed(base, ['First story', 'Second story']));
        return;
      }
      if (req.method === 'POST' && path === '/hub') {
        const form = new URLSearchParams(await readRequestBody(req));
        const request: SubscribeRequest = {
          mode: form.get('hub.mode') ?? '',
          topic: form.get('hub.topic') ?? '',
          callback: form.get('hub.callback') ?? '',
          secret: form.get('hub.secret') ?? '',
          leaseSeconds: form.get('hub.lease_seconds') ?? '',
        };
        requests.push(request);
        res.writeHead(202).end();
        // Verification of intent (WebSub §5.3), after the 202 as most hubs do.
        const challenge = randomBytes(12).toString('hex');
        const url = new URL(request.callback);
        url.search = new URLSearchParams({ 'hub.mode': request.mode, 'hub.topic': request.topic, 'hub.challenge': challenge, 'hub.lease_seconds': '3600' }).toString();
        const answer = await fetch(url);
        verifications.push({ status: answer.status, body: await answer.text(), challenge });
        return;
      }
      res.writeHead(404).end('not found');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { server, base, requests, verifications };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('WebSub subscriptions, all services in one process (PGlite + in-process queue)', () => {
  let publisher: Awaited<ReturnType<typeof startPublisherAndHub>>;
  let system: EmbeddedSystem;
  let dataDir: string;

  const api = jsonCaller(() => system.url);
  const titlesOf = async (sourceId: string): Promise<string[]> => {
    const list = await api(`/api/v1/articles?limit=50&sourceId=${sourceId}`);
    return (list.body.items as Array<{ title: string; sourceId: string }>).filter((a) => a.sourceId === sourceId).map((a) => a.title);
  };
  const push = (sourceId: string, body: string, signature: string) =>
    fetch(`${system.url}/websub/${sourceId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/rss+xml', ...(signature ? { 'x-hub-signature': signature } : {}) },
      body,
    });

  beforeAll(async () => {
    publisher = await startPublisherAndHub();
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-websub-e2e-'));
    const gateway = await freePort();
    const config = await embeddedTestConfig(dataDir, {
      http: { host: '127.0.0.1', port: gateway },
      websub: { callbackBaseUrl: `http://127.0.0.1:${gateway}`, leaseSeconds: 86_400 },
    });
    system = await startEmbedded(config);
  });

  afterAll(async () => {
    await system?.close();
    publisher?.server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('subscribes to the advertised hub, confirms its challenge, and stores signed pushes without a poll', async () => {
    const added = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: `${publisher.base}/feed.xml`, intervalSeconds: 3600 }) });
    expect(added.status).toBe(201);
    const sourceId = added.body.id as string;
    await waitFor('the first crawl', async () => ((await titlesOf(sourceId)).length === 2 ? true : undefined));

    // The hub receives a subscription request for the feed's self URL, with our callback and a fresh secret.
    const request = await waitFor('a subscription request at the hub', () => publisher.requests[0]);
    expect(request).toMatchObject({
      mode: 'subscribe',
      topic: `${publisher.base}/feed.xml`,
      callback: `${system.url}/websub/${sourceId}`,
      leaseSeconds: '86400',
    });
    expect(request.secret).toMatch(/^[0-9a-f]{64}$/);

    // Its verification GET gets the challenge echoed; the subscription is active with the hub's lease.
    const verification = await waitFor('the verification of intent', () => publisher.verifications[0]);
    expect(verification).toMatchObject({ status: 200, body: verification.challenge });
    const source = await api(`/api/v1/sources/${sourceId}`);
    expect(source.body.websub).toMatchObject({ hubUrl: `${publisher.base}/hub`, state: 'active', lastError: null });
    const leaseLeft = Date.parse(source.body.websub.leaseExpiresAt) - Date.now();
    expect(leaseLeft).toBeGreaterThan(3000 * 1000);
    expect(leaseLeft).toBeLessThanOrEqual(3600 * 1000);
    // Polling slows down to the safety poll while the hub pushes.
    expect(Date.parse(source.body.nextCheckAt) - Date.now()).toBeGreaterThan(1800 * 1000);

    // A push signed with the secret: the new item appears without a poll.
    const fresh = feed(publisher.base, ['Pushed story', 'First story', 'Second story']);
    const signature = `sha256=${createHmac('sha256', request.secret).update(fresh).digest('hex')}`;
    const accepted = await push(sourceId, fresh, signature);
    expect(accepted.status).toBe(202);
    await waitFor('the pushed article', async () => ((await titlesOf(sourceId)).includes('Pushed story') ? true : undefined), 20_000);

    // Bad signatures are acknowledged (202) and ignored.
    const forged = feed(publisher.base, ['Forged story', 'Pushed story']);
    const wrongKey = `sha256=${createHmac('sha256', 'not-the-secret').update(forged).digest('hex')}`;
    expect((await push(sourceId, forged, wrongKey)).status).toBe(202);
    expect((await push(sourceId, forged, signature)).status).toBe(202);
    expect((await push(sourceId, forged, '')).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await titlesOf(sourceId)).not.toContain('Forged story');
    expect((await titlesOf(sourceId)).sort()).toEqual(['First story', 'Pushed story', 'Second story']);

    // Verification of a topic we did not ask for, or for a source that does not exist: 404.
    const callback = new URL(`${system.url}/websub/${sourceId}`);
    callback.search = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': `${publisher.base}/other.xml`, 'hub.challenge': 'x1' }).toString();
    expect((await fetch(callback)).status).toBe(404);
    const unknown = new URL(`${system.url}/websub/00000000-0000-4000-8000-000000000000`);
    unknown.search = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': `${publisher.base}/feed.xml`, 'hub.challenge': 'x2' }).toString();
    expect((await fetch(unknown)).status).toBe(404);
    expect((await push('00000000-0000-4000-8000-000000000000', fresh, signature)).status).toBe(404);
    // Only one subscription request: nothing re-subscribed while the lease runs.
    expect(publisher.requests).toHaveLength(1);
  });
});
