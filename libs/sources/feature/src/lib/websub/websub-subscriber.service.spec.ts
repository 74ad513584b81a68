import { SourceStatus, storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp, toTimestamp, type CrawlerClient, type StorageClient } from '@autoglm/shared-grpc';
import { testSource } from '@autoglm/shared-testing';
import { WebSubSubscriber } from './websub-subscriber.service';

const { WebSubState } = storage;
const NOW = new Date('2026-11-25T12:00:00Z');
const SOURCE_ID = '7d4f0a4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f';

function aSubscription(overrides: Partial<storage.WebSubSubscription> = {}): storage.WebSubSubscription {
  return {
    sourceId: SOURCE_ID,
    hubUrl: 'https://hub.example/',
    topicUrl: 'https://news.example/feed.xml',
    state: WebSubState.WEB_SUB_STATE_DISCOVERED,
    secret: '',
    leaseSeconds: 0,
    leaseExpiresAt: undefined,
    renewAt: toTimestamp(NOW),
    lastError: '',
    updatedAt: undefined,
    ...overrides,
  };
}

function setup(options: { due: storage.WebSubSubscription[]; status?: SourceStatus; hubAnswer?: { accepted: boolean; httpStatus: number; error: string }; callbackBaseUrl?: string }) {
  const saved: storage.WebSubSubscription[] = [];
  const sent: Array<Record<string, unknown>> = [];
  const storageClient = {
    claimWebSubRenewals: jest.fn(async () => ({ subscriptions: options.due })),
    getSource: jest.fn(async ({ id }: { id: string }) => {
      if (options.status === undefined) throw DomainError.notFound(`source ${id} not found`);
      return { source: testSource({ id, status: options.status }) };
    }),
    saveWebSubSubscription: jest.fn(async ({ subscription }: storage.SaveWebSubSubscriptionRequest) => {
      saved.push(subscription as storage.WebSubSubscription);
      return { subscription };
    }),
  } as unknown as StorageClient;
  const crawlerClient = {
    subscribeHub: jest.fn(async (request: Record<string, unknown>) => {
      sent.push(request);
      return options.hubAnswer ?? { accepted: true, httpStatus: 202, error: '' };
    }),
  } as unknown as CrawlerClient;
  const base = defaultConfig();
  const config: AppConfig = { ...base, websub: { ...base.websub, callbackBaseUrl: options.callbackBaseUrl ?? 'https://reader.example/' } };
  const sut = new WebSubSubscriber(config, storageClient, crawlerClient, { now: () => NOW });
  return { sut, saved, sent };
}

describe(WebSubSubscriber.name, () => {
  it('subscribes to a discovered hub with a fresh 32-byte secret, saved as PENDING before the request', async () => {
    const { sut, saved, sent } = setup({ due: [aSubscription()], status: SourceStatus.SOURCE_STATUS_ACTIVE });

    expect(await sut.tick()).toBe(1);

    expect(sent).toEqual([
      {
        hubUrl: 'https://hub.example/',
        topicUrl: 'https://news.example/feed.xml',
        callbackUrl: `https://reader.example/websub/${SOURCE_ID}`,
        secret: expect.stringMatching(/^[0-9a-f]{64}$/),
        leaseSeconds: 864_000,
        unsubscribe: false,
      },
    ]);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ state: WebSubState.WEB_SUB_STATE_PENDING, secret: sent[0]['secret'], leaseSeconds: 864_000 });
    // If the hub never verifies, the request is sent again in an hour.
    expect(fromTimestamp(saved[0].renewAt)?.toISOString()).toBe('2026-11-25T13:00:00.000Z');
  });

  it('gives each subscription its own secret', async () => {
    const { sut, sent } = setup({ due: [aSubscription(), aSubscription({ sourceId: 'b'.repeat(8) })], status: SourceStatus.SOURCE_STATUS_ACTIVE });

    await sut.tick();

    expect(sent[0]['secret']).not.toEqual(sent[1]['secret']);
  });

  it('renews an ACTIVE subscription with the same secret and keeps it ACTIVE meanwhile', async () => {
    const secret = 'cd'.repeat(32);
    const lease = toTimestamp(new Date(NOW.getTime() + 3_600_000));
    const { sut, saved, sent } = setup({
      due: [aSubscription({ state: WebSubState.WEB_SUB_STATE_ACTIVE, secret, leaseSeconds: 86_400, leaseExpiresAt: lease })],
      status: SourceStatus.SOURCE_STATUS_ACTIVE,
    });

    await sut.tick();

    expect(sent[0]).toMatchObject({ secret, unsubscribe: false });
    expect(saved[0]).toMatchObject({ state: WebSubState.WEB_SUB_STATE_ACTIVE, secret, leaseSeconds: 86_400, leaseExpiresAt: lease });
  });

  it('records a refused request and retries it later', async () => {
    const { sut, saved } = setup({
      due: [aSubscription()],
      status: SourceStatus.SOURCE_STATUS_ACTIVE,
      hubAnswer: { accepted: false, httpStatus: 400, error: 'the hub https://hub.example/ answered HTTP 400: no' },
    });

    await sut.tick();

    expect(saved).toHaveLength(2);
    expect(saved[1]).toMatchObject({ state: WebSubState.WEB_SUB_STATE_DISCOVERED, lastError: 'the hub https://hub.example/ answered HTTP 400: no' });
    expect(fromTimestamp(saved[1].renewAt)?.toISOString()).toBe('2026-11-25T13:00:00.000Z');
  });

  it('asks the hub to unsubscribe when the source is paused', async () => {
    const { sut, saved, sent } = setup({
      due: [aSubscription({ state: WebSubState.WEB_SUB_STATE_ACTIVE, secret: 'cd'.repeat(32), leaseExpiresAt: toTimestamp(new Date(NOW.getTime() + 60_000)) })],
      status: SourceStatus.SOURCE_STATUS_PAUSED,
    });

    await sut.tick();

    expect(sent).toEqual([expect.objectContaining({ unsubscribe: true, secret: '', leaseSeconds: 0 })]);
    expect(saved[0]).toMatchObject({ state: WebSubState.WEB_SUB_STATE_UNSUBSCRIBING, renewAt: undefined });
  });

  it('sends nothing for a paused source whose hub was never asked', async () => {
    const { sut, saved, sent } = setup({ due: [aSubscription()], status: SourceStatus.SOURCE_STATUS_PAUSED });

    await sut.tick();

    expect(sent).toEqual([]);
    expect(saved[0]).toMatchObject({ state: WebSubState.WEB_SUB_STATE_UNSUBSCRIBED, renewAt: undefined });
  });

  it('skips a subscription whose source was removed', async () => {
    const { sut, saved, sent } = setup({ due: [aSubscription()] });

    expect(await sut.tick()).toBe(1);
    expect(sent).toEqual([]);
    expect(saved).toEqual([]);
  });

  it('does nothing while WebSub is inactive (no callback base URL)', async () => {
    const { sut, sent } = setup({ due: [aSubscription()], status: SourceStatus.SOURCE_STATUS_ACTIVE, callbackBaseUrl: '' });

    expect(await sut.tick()).toBe(0);
    expect(sent).toEqual([]);
  });
});
