import { createHash } from 'node:crypto';
import type { storage } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { waitFor } from '@autoglm/shared-testing';
import { generateApiKey } from '../auth/api-key';
import { startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { PushStreamController } from './push-stream.controller';

const ALICE: storage.User = { id: '11111111-1111-4111-8111-111111111111', name: 'alice', isAdmin: false, createdAt: toTimestamp(new Date()) };

function anEvent(id: string): storage.PushEvent {
  return {
    id,
    kind: 'for_you',
    article: { id: `a${id}`, sourceId: 's', url: 'https://example.org/a', title: `Story ${id}`, language: 'en', topic: 'science', summary: 'S.', publishedAt: toTimestamp(new Date()) },
    ruleId: '',
    ruleName: '',
    score: 0.7,
    reason: 'similar to "x"',
    createdAt: toTimestamp(new Date()),
  };
}

describe(PushStreamController.name, () => {
  let gateway: TestGateway;
  const key = generateApiKey().key;

  beforeEach(async () => {
    gateway = await startTestGateway();
    gateway.backends.storage.countUsers.returns({ count: 1 });
    gateway.backends.storage.authenticateApiKey.answers(async (request) => {
      if (request.keyHash !== createHash('sha256').update(key).digest('hex')) throw new Error('unknown key');
      return { user: ALICE, apiKeyId: 'k1' };
    });
  });

  afterEach(() => gateway.close());

  it('replays the events after Last-Event-ID as the caller, as an event stream', async () => {
    gateway.backends.storage.listPushEvents.answers(async (request) => ({
      events: request.afterId === '5' ? [anEvent('6'), anEvent('7')] : [],
      latestId: '7',
    }));
    const controller = new AbortController();
    const res = await fetch(`${gateway.baseUrl}/api/v1/me/stream`, {
      headers: { authorization: `Bearer ${key}`, 'last-event-id': '5' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    await waitFor(
      'the replayed events',
      async () => {
        text += new TextDecoder().decode((await reader.read()).value);
        return text.includes('id: 7\n') ? true : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 1 },
    );
    controller.abort();
    expect(text).toContain('id: 6\nevent: for_you\ndata: {"id":"6","kind":"for_you","article":{"id":"a6"');
    expect(gateway.backends.storage.listPushEvents.contexts[0]).toEqual({ actor: ALICE.id });
    expect(gateway.backends.storage.listPushEvents.requests[0]).toEqual({ afterId: '5', limit: 500 });
  });

  it('answers 400 to a bad Last-Event-ID and 401 without a key, before any stream starts', async () => {
    const bad = await fetch(`${gateway.baseUrl}/api/v1/me/stream`, { headers: { authorization: `Bearer ${key}`, 'last-event-id': '../1' } });
    expect(bad.status).toBe(400);
    expect((await fetch(`${gateway.baseUrl}/api/v1/me/stream`)).status).toBe(401);
    expect(gateway.backends.storage.listPushEvents.requests).toEqual([]);
  });
});
