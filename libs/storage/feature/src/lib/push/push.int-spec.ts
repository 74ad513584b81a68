import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { EventType, storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { QUEUE_NAMES, type WebhookJob } from '@autoglm/shared-queue';
import { rejection, startStorageHarness, TEST_BACKENDS, testAnalysis, testFeedItem, type StorageHarness } from '../testing/storage-harness';

function newKey(): storage.NewApiKey {
  const key = `agl_${randomBytes(32).toString('base64url')}`;
  return { name: 'k', prefix: key.slice(0, 12), keyHash: createHash('sha256').update(key).digest('hex') };
}

function rule(overrides: Partial<storage.PushRuleInput> = {}): storage.PushRuleInput {
  return { name: 'quantum', keywords: ['Quantum computer'], topics: [], sourceIds: [], actions: ['notify'], enabled: true, ...overrides };
}

describe.each(TEST_BACKENDS)('push rules, events, webhooks and digests on %s', (backend) => {
  let harness: StorageHarness;
  let alice: storage.User;
  let bob: storage.User;
  let sourceId: string;
  const as = (user: storage.User) => ({ actor: user.id });

  /** Stores and analyses articles; returns their ids in order. */
  async function analysed(items: Array<{ key: string; title: string; topic?: string }>): Promise<string[]> {
    const { articleIds } = await harness.sut.upsertArticles({
      sourceId,
      items: items.map((i) => testFeedItem(`${i.key}-${randomBytes(4).toString('hex')}`, { title: i.title, text: `${i.title}. More text.` })),
    });
    for (const [i, id] of articleIds.entries()) await harness.sut.saveAnalysis(testAnalysis(id, { topic: items[i].topic ?? 'science' }));
    return articleIds;
  }

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
    alice = (await harness.sut.createUser({ name: 'alice', apiKey: newKey() }, { actor: '' })).user as storage.User;
    bob = (await harness.sut.createUser({ name: 'bob', apiKey: newKey() }, { actor: alice.id })).user as storage.User;
    sourceId = (await harness.createSource()).id;
    await harness.sut.putSubscription({ sourceId, category: '' }, as(alice));
  });

  afterAll(() => harness?.close());

  it('keeps rules per owner and refuses bad ones', async () => {
    const { sut } = harness;
    const created = (await sut.createPushRule({ rule: rule({ topics: ['Science'] }) }, as(alice))).rule as storage.PushRule;
    expect(created).toMatchObject({ name: 'quantum', keywords: ['quantum computer'], topics: ['science'], actions: ['notify'], enabled: true });
    expect(await rejection(sut.getPushRule({ id: created.id }, as(bob)))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(sut.updatePushRule({ id: created.id, rule: rule() }, as(bob)))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(sut.deletePushRule({ id: created.id }, as(bob)))).toMatchObject({ code: ErrorCode.NotFound });
    expect((await sut.listPushRules({}, as(bob))).rules).toEqual([]);
    const updated = (await sut.updatePushRule({ id: created.id, rule: rule({ name: 'q2', enabled: false }) }, as(alice))).rule;
    expect(updated).toMatchObject({ name: 'q2', enabled: false, topics: [] });
    await sut.deletePushRule({ id: created.id }, as(alice));
    expect((await sut.listPushRules({}, as(alice))).rules).toEqual([]);
    for (const bad of [rule({ actions: [] }), rule({ keywords: [] }), rule({ actions: ['rm -rf'] }), rule({ name: ' ' })]) {
      expect(await rejection(sut.createPushRule({ rule: bad }, as(alice)))).toMatchObject({ code: ErrorCode.InvalidArgument });
    }
    expect(await rejection(sut.createPushRule({ rule: rule() }, { actor: '' }))).toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('runs each rule once per article: events, webhook deliveries, mark read and mute', async () => {
    const { sut } = harness;
    const notify = (await sut.createPushRule({ rule: rule({ actions: ['notify', 'webhook', 'digest'] }) }, as(alice))).rule as storage.PushRule;
    await sut.createPushRule({ rule: rule({ name: 'mute', keywords: ['cricket'], actions: ['mute', 'mark_read'] }) }, as(alice));
    const hook = (await sut.createWebhook({ url: 'http://127.0.0.1:9/hook', description: '', secret: 's'.repeat(32) }, as(alice))).webhook as storage.Webhook;
    const before = (await sut.listPushEvents({ afterId: '', limit: 1 }, as(alice))).latestId;

    const [quantumId, cricketId, otherId] = await analysed([
      { key: 'q', title: 'A quantum computer breaks a record' },
      { key: 'c', title: 'Cricket final tonight' },
      { key: 'o', title: 'Bread prices fall' },
    ]);
    const first = await sut.applyPushRules({ articleIds: [quantumId, cricketId, otherId] });
    expect(first).toEqual({ hits: 2, events: 1, deliveries: 1 });
    // The queue is at-least-once: the same batch again changes nothing.
    expect(await sut.applyPushRules({ articleIds: [quantumId, cricketId, otherId, 'not-an-id'] })).toEqual({ hits: 0, events: 0, deliveries: 0 });

    const { events, latestId } = await sut.listPushEvents({ afterId: before, limit: 10 }, as(alice));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'rule_hit', ruleId: notify.id, ruleName: 'quantum', article: { id: quantumId } });
    expect(latestId).toBe(events[0].id);
    expect((await sut.listPushEvents({ afterId: latestId, limit: 10 }, as(alice))).events).toEqual([]);
    expect((await sut.listPushEvents({ afterId: '0', limit: 10 }, as(bob))).events).toEqual([]);
    expect(await rejection(sut.listPushEvents({ afterId: '1; DROP TABLE', limit: 10 }, as(alice)))).toMatchObject({ code: ErrorCode.InvalidArgument });

    // Mute records a hide event; mark read sets the mark.
    const userEvents = (await sut.listUserEvents({ limit: 10 }, as(alice))).events;
    expect(userEvents.map((e) => [e.articleId, e.type])).toEqual([[cricketId, EventType.EVENT_TYPE_HIDE]]);
    const read = await sut.listUserArticles(
      { filter: storage.ReadingListFilter.READING_LIST_FILTER_READ, limit: 10, cursor: '', sourceId: '', category: '', newerThan: undefined, olderThan: undefined, order: 0, itemNumbers: [], afterItemNumber: '0', beforeItemNumber: '0', withContent: false, withTotal: false },
      as(alice),
    );
    expect(read.articles.map((a) => a.article?.id)).toEqual([cricketId]);

    // The delivery is queued for its first attempt and logged.
    const [delivery] = (await sut.listWebhookDeliveries({ webhookId: hook.id, limit: 10 }, as(alice))).deliveries;
    expect(delivery).toMatchObject({ eventType: 'rule.hit', state: 'pending', attempts: 0, attemptLog: [] });
    const queued = await harness.queues.get<WebhookJob>(QUEUE_NAMES.webhook).takeUnfinished();
    expect(queued.map((j) => j.data)).toContainEqual({ deliveryId: delivery.id, attempt: 1 });
    const forSender = await sut.getWebhookDelivery({ deliveryId: delivery.id });
    expect(forSender).toMatchObject({ deliverable: true, url: 'http://127.0.0.1:9/hook', secret: 's'.repeat(32), eventType: 'rule.hit', attempts: 0 });
    expect(JSON.parse(forSender.body)).toMatchObject({ id: delivery.id, type: 'rule.hit', rule: { name: 'quantum' }, article: { id: quantumId } });
    expect(await rejection(sut.listWebhookDeliveries({ webhookId: hook.id, limit: 10 }, as(bob)))).toMatchObject({ code: ErrorCode.NotFound });
    // The secret never comes back to the owner.
    expect(JSON.stringify(await sut.listWebhooks({}, as(alice)))).not.toContain('s'.repeat(32));

    // Digest rules put the article aside.
    const hits = await sut.listDigestHits({ since: undefined, limit: 10 }, as(alice));
    expect(hits.articles.map((a) => a.id)).toEqual([quantumId]);
  });

  it('retries with exponential backoff, ignores stale attempts and disables an endpoint that keeps failing', async () => {
    const { sut } = harness;
    const hook = (await sut.createWebhook({ url: 'https://example.org/hook', description: 'd', secret: 'x'.repeat(40) }, as(bob))).webhook as storage.Webhook;
    const failure = { ok: false, statusCode: 500, error: '', durationMs: 3 };
    const ping = async () => ((await sut.testWebhook({ id: hook.id }, as(bob))).delivery as storage.WebhookDelivery).id;

    const first = await ping();
    const retries: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const outcome = await sut.recordWebhookAttempt({ deliveryId: first, attempt, ...failure });
      retries.push(outcome.retryInMs);
      if (attempt === 1) {
        // The same attempt reported twice (a replayed job) changes nothing.
        expect(await sut.recordWebhookAttempt({ deliveryId: first, attempt, ...failure })).toMatchObject({ state: 'pending', retryInMs: 0 });
      }
    }
    expect(retries).toEqual([2000, 4000, 8000, 16000, 32000, 0]);
    const [log] = (await sut.listWebhookDeliveries({ webhookId: hook.id, limit: 1 }, as(bob))).deliveries;
    expect(log).toMatchObject({ state: 'failed', attempts: 6 });
    expect(log.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500, 500, 500, 500]);

    // A success resets the count of consecutive failures.
    const second = await ping();
    expect(await sut.recordWebhookAttempt({ deliveryId: second, attempt: 1, ok: true, statusCode: 204, error: '', durationMs: 1 })).toMatchObject({ state: 'delivered' });
    expect((await sut.listWebhooks({}, as(bob))).webhooks[0]).toMatchObject({ consecutiveFailures: 0, enabled: true });

    // Ten failures in a row (the default limit) disable the endpoint; its pending deliveries are no longer sent.
    const third = await ping();
    const fourth = await ping();
    for (let attempt = 1; attempt <= 6; attempt++) await sut.recordWebhookAttempt({ deliveryId: third, attempt, ...failure });
    let last: storage.RecordWebhookAttemptResponse | undefined;
    for (let attempt = 1; attempt <= 4; attempt++) last = await sut.recordWebhookAttempt({ deliveryId: fourth, attempt, ...failure });
    expect(last).toMatchObject({ state: 'failed', endpointDisabled: true, retryInMs: 0 });
    const disabled = (await sut.listWebhooks({}, as(bob))).webhooks[0];
    expect(disabled).toMatchObject({ enabled: false, consecutiveFailures: 10 });
    expect(disabled.disabledReason).toContain('10 consecutive failed attempts, the last: HTTP 500');
    const fifth = await ping();
    expect((await sut.getWebhookDelivery({ deliveryId: fifth })).deliverable).toBe(false);
    // Re-enabling restarts the count.
    expect((await sut.updateWebhook({ id: hook.id, enabled: true }, as(bob))).webhook).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: '' });
    expect(await rejection(sut.updateWebhook({ id: hook.id, enabled: false }, as(alice)))).toMatchObject({ code: ErrorCode.NotFound });
    for (const url of ['ftp://example.org/x', 'not a url', 'https://user:pass@example.org/x']) {
      expect(await rejection(sut.createWebhook({ url, description: '', secret: 'y'.repeat(40) }, as(bob)))).toMatchObject({ code: ErrorCode.InvalidArgument });
    }
  });

  it('adds For-You events once and lists the active users', async () => {
    const { sut } = harness;
    const [a1, a2] = await analysed([
      { key: 'f1', title: 'Fresh one' },
      { key: 'f2', title: 'Fresh two' },
    ]);
    await sut.recordEvent({ articleId: a1, type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0, occurredAt: undefined }, as(bob));
    expect((await sut.listPushAudience({ limit: 10 })).userIds).toEqual([bob.id, alice.id]);
    const candidate = { userId: bob.id, articleId: a2, score: 0.8, reason: 'similar to "Fresh one"' };
    expect(await sut.appendPushEvents({ events: [candidate, { ...candidate, userId: 'nobody' }] })).toEqual({ added: 1 });
    expect(await sut.appendPushEvents({ events: [candidate] })).toEqual({ added: 0 });
    const { events } = await sut.listPushEvents({ afterId: '0', limit: 10 }, as(bob));
    expect(events.filter((e) => e.kind === 'for_you')).toMatchObject([{ article: { id: a2 }, score: 0.8, reason: 'similar to "Fresh one"' }]);
  });

  it('claims each digest window once and records it sent', async () => {
    const { sut } = harness;
    expect((await sut.getDigestSettings({}, as(alice))).settings).toMatchObject({ period: 'off', email: '' });
    expect(await rejection(sut.putDigestSettings({ period: 'weekly', email: '' }, as(alice)))).toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(await rejection(sut.putDigestSettings({ period: 'daily', email: 'a@b.c\r\nBcc: x@y.z' }, as(alice)))).toMatchObject({ code: ErrorCode.InvalidArgument });
    await sut.putDigestSettings({ period: 'hourly', email: 'alice@example.org' }, as(alice));
    await sut.putDigestSettings({ period: 'daily', email: '' }, as(bob));

    const { digests } = await sut.claimDueDigests({ limit: 10, leaseSeconds: 60 });
    expect(digests).toHaveLength(1);
    const [due] = digests;
    expect(due).toMatchObject({ userId: alice.id, userName: 'alice', email: 'alice@example.org', period: 'hourly' });
    const windowStart = new Date(Number(due.windowStart?.seconds) * 1000);
    expect(windowStart.getUTCMinutes()).toBe(0);
    expect(Date.now() - windowStart.getTime()).toBeLessThan(3_600_000);
    // Claimed: another sender gets nothing until it is sent or the lease ends.
    expect((await sut.claimDueDigests({ limit: 10, leaseSeconds: 60 })).digests).toEqual([]);
    expect(await sut.recordDigestSent({ userId: alice.id, windowStart: due.windowStart })).toEqual({ recorded: true });
    expect(await sut.recordDigestSent({ userId: alice.id, windowStart: due.windowStart })).toEqual({ recorded: false });
    expect((await sut.claimDueDigests({ limit: 10, leaseSeconds: 60 })).digests).toEqual([]);
    expect((await sut.getDigestSettings({}, as(alice))).settings?.lastSentAt).toBeDefined();
  });
});
