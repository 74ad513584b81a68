import 'reflect-metadata';
import { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { fromTimestamp, toTimestamp } from '@autoglm/shared-grpc';
import { rejection, startStorageHarness, TEST_BACKENDS, type StorageHarness } from '../testing/storage-harness';

const { WebSubState } = storage;
const HUB = 'https://hub.example/';
const SECRET = 'ab'.repeat(32);

describe.each(TEST_BACKENDS)('WebSub subscriptions on %s', (backend) => {
  let harness: StorageHarness;
  let now = new Date('2026-11-25T12:00:00Z');
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  beforeAll(async () => {
    harness = await startStorageHarness(backend, { now: () => now });
  });

  afterAll(() => harness?.close());

  beforeEach(() => {
    now = new Date(now.getTime() + 86_400_000);
  });

  async function discovered(): Promise<{ sourceId: string; topic: string }> {
    const source = await harness.createSource();
    const { changed } = await harness.sut.recordHubDiscovery({ sourceId: source.id, hubUrl: HUB, topicUrl: source.url });
    expect(changed).toBe(true);
    return { sourceId: source.id, topic: source.url };
  }

  it('records a discovered hub once, due now; the same hub again changes nothing, a new hub resets it', async () => {
    const { sut } = harness;
    const { sourceId, topic } = await discovered();

    const first = (await sut.getWebSubSubscription({ sourceId })).subscription;
    expect(first).toMatchObject({ sourceId, hubUrl: HUB, topicUrl: topic, state: WebSubState.WEB_SUB_STATE_DISCOVERED, secret: '' });
    expect(fromTimestamp(first?.renewAt)).toEqual(now);

    await sut.saveWebSubSubscription({ subscription: { ...first!, state: WebSubState.WEB_SUB_STATE_PENDING, secret: SECRET, renewAt: toTimestamp(at(3600)) } });
    const again = await sut.recordHubDiscovery({ sourceId, hubUrl: HUB, topicUrl: topic });
    expect(again).toMatchObject({ changed: false, subscription: { state: WebSubState.WEB_SUB_STATE_PENDING, secret: SECRET } });

    const moved = await sut.recordHubDiscovery({ sourceId, hubUrl: 'https://other-hub.example/', topicUrl: topic });
    expect(moved).toMatchObject({ changed: true, subscription: { state: WebSubState.WEB_SUB_STATE_DISCOVERED, secret: '', hubUrl: 'https://other-hub.example/' } });
  });

  it('claims due subscriptions once (renew_at pushed out by the lease) and leaves the others', async () => {
    const { sut } = harness;
    const due = await discovered();
    const later = await discovered();
    const laterRow = (await sut.getWebSubSubscription({ sourceId: later.sourceId })).subscription!;
    await sut.saveWebSubSubscription({ subscription: { ...laterRow, renewAt: toTimestamp(at(600)) } });

    const claimed = await sut.claimWebSubRenewals({ limit: 100, leaseSeconds: 300 });

    expect(claimed.subscriptions.map((s) => s.sourceId)).toContain(due.sourceId);
    expect(claimed.subscriptions.map((s) => s.sourceId)).not.toContain(later.sourceId);
    expect(fromTimestamp(claimed.subscriptions.find((s) => s.sourceId === due.sourceId)?.renewAt)).toEqual(at(300));
    expect((await sut.claimWebSubRenewals({ limit: 100, leaseSeconds: 300 })).subscriptions.map((s) => s.sourceId)).not.toContain(due.sourceId);
  });

  it('reports an ACTIVE subscription whose lease ran out as EXPIRED', async () => {
    const { sut } = harness;
    const { sourceId } = await discovered();
    const row = (await sut.getWebSubSubscription({ sourceId })).subscription!;
    await sut.saveWebSubSubscription({
      subscription: { ...row, state: WebSubState.WEB_SUB_STATE_ACTIVE, secret: SECRET, leaseSeconds: 60, leaseExpiresAt: toTimestamp(at(60)), renewAt: undefined },
    });
    expect((await sut.getWebSubSubscription({ sourceId })).subscription?.state).toBe(WebSubState.WEB_SUB_STATE_ACTIVE);

    now = at(61);

    expect((await sut.getWebSubSubscription({ sourceId })).subscription?.state).toBe(WebSubState.WEB_SUB_STATE_EXPIRED);
  });

  it('slows polling to the safety poll while a lease is active, never past the lease', async () => {
    const { sut } = harness;
    const { sourceId } = await discovered();
    const row = (await sut.getWebSubSubscription({ sourceId })).subscription!;
    const ok = { sourceId, ok: true, error: '', feedTitle: '', notModified: false, newItems: 0, publishGapSeconds: 0, etag: '', lastModified: '', retryAfterSeconds: 0 };

    const polled = await sut.recordFetchResult(ok);
    expect(fromTimestamp(polled.source?.nextCheckAt)).toEqual(at(900));

    // Default websub.pollIntervalSeconds: 6 hours.
    await sut.saveWebSubSubscription({ subscription: { ...row, state: WebSubState.WEB_SUB_STATE_ACTIVE, secret: SECRET, leaseSeconds: 86_400, leaseExpiresAt: toTimestamp(at(86_400)) } });
    expect(fromTimestamp((await sut.recordFetchResult(ok)).source?.nextCheckAt)).toEqual(at(6 * 3600));

    await sut.saveWebSubSubscription({ subscription: { ...row, state: WebSubState.WEB_SUB_STATE_ACTIVE, secret: SECRET, leaseSeconds: 3600, leaseExpiresAt: toTimestamp(at(3600)) } });
    expect(fromTimestamp((await sut.recordFetchResult(ok)).source?.nextCheckAt)).toEqual(at(3600));
  });

  it('rejects unknown sources, bad URLs and bad states with clear errors', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const missing = '00000000-0000-4000-8000-000000000000';

    expect(await rejection(sut.recordHubDiscovery({ sourceId: missing, hubUrl: HUB, topicUrl: source.url }))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(sut.recordHubDiscovery({ sourceId: source.id, hubUrl: 'ftp://hub.example/', topicUrl: source.url }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: expect.stringMatching(/hub_url/),
    });
    expect((await sut.getWebSubSubscription({ sourceId: source.id })).subscription).toBeFalsy();
    const save = (overrides: Partial<storage.WebSubSubscription>) =>
      sut.saveWebSubSubscription({
        subscription: { sourceId: source.id, hubUrl: '', topicUrl: '', state: WebSubState.WEB_SUB_STATE_PENDING, secret: '', leaseSeconds: 0, leaseExpiresAt: undefined, renewAt: undefined, lastError: '', updatedAt: undefined, ...overrides },
      });
    expect(await rejection(save({}))).toMatchObject({ code: ErrorCode.NotFound });
    await sut.recordHubDiscovery({ sourceId: source.id, hubUrl: HUB, topicUrl: source.url });
    expect(await rejection(save({ state: 42 as storage.WebSubState }))).toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(await rejection(save({ secret: 'not hex!' }))).toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});
