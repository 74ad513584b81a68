import { createHmac } from 'node:crypto';
import { storage } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp, type CrawlerClient, type StorageClient } from '@autoglm/shared-grpc';
import { WebSubCallbacks } from './websub-callback.service';

const { WebSubState } = storage;
const NOW = new Date('2026-11-25T12:00:00Z');
const SOURCE_ID = '7d4f0a4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f';
const SECRET = 'ab'.repeat(32);
const TOPIC = 'https://news.example/feed.xml';

function aSubscription(overrides: Partial<storage.WebSubSubscription> = {}): storage.WebSubSubscription {
  return {
    sourceId: SOURCE_ID,
    hubUrl: 'https://hub.example/',
    topicUrl: TOPIC,
    state: WebSubState.WEB_SUB_STATE_PENDING,
    secret: SECRET,
    leaseSeconds: 864_000,
    leaseExpiresAt: undefined,
    renewAt: undefined,
    lastError: '',
    updatedAt: undefined,
    ...overrides,
  };
}

function setup(subscription: storage.WebSubSubscription | undefined) {
  const saved: storage.WebSubSubscription[] = [];
  const ingested: Array<{ sourceId: string; body: Uint8Array; contentType: string }> = [];
  const storageClient = {
    getWebSubSubscription: jest.fn(async () => ({ subscription })),
    saveWebSubSubscription: jest.fn(async (request: storage.SaveWebSubSubscriptionRequest) => {
      saved.push(request.subscription as storage.WebSubSubscription);
      return { subscription: request.subscription };
    }),
  } as unknown as StorageClient;
  const ingest = jest.fn(async (request: { sourceId: string; body: Uint8Array; contentType: string }) => {
    ingested.push(request);
    return { itemsFound: 1, inserted: 1, updated: 0 };
  });
  const crawlerClient = { ingestPushedFeed: ingest } as unknown as CrawlerClient;
  const sut = new WebSubCallbacks(defaultConfig(), storageClient, crawlerClient, { now: () => NOW });
  return { sut, saved, ingested, ingest };
}

function intent(overrides: Partial<{ mode: string; topic: string; challenge: string; leaseSeconds: number; reason: string; sourceId: string }> = {}) {
  return { sourceId: SOURCE_ID, mode: 'subscribe', topic: TOPIC, challenge: 'c-123', leaseSeconds: 3600, reason: '', ...overrides };
}

describe(WebSubCallbacks.name, () => {
  describe('verifyIntent', () => {
    it('confirms the subscription we asked for and makes it ACTIVE with the lease the hub granted', async () => {
      const { sut, saved } = setup(aSubscription());

      expect(await sut.verifyIntent(intent())).toBe(true);

      expect(saved).toHaveLength(1);
      expect(saved[0]).toMatchObject({ state: WebSubState.WEB_SUB_STATE_ACTIVE, leaseSeconds: 3600, secret: SECRET });
      expect(fromTimestamp(saved[0].leaseExpiresAt)?.toISOString()).toBe('2026-11-25T13:00:00.000Z');
      // Renewed a tenth of the lease (6 minutes) before it ends.
      expect(fromTimestamp(saved[0].renewAt)?.toISOString()).toBe('2026-11-25T12:54:00.000Z');
    });

    it('confirms a renewal of an ACTIVE subscription; a topic written differently but equal as a URL matches', async () => {
      const { sut } = setup(aSubscription({ state: WebSubState.WEB_SUB_STATE_ACTIVE }));

      expect(await sut.verifyIntent(intent({ topic: 'HTTPS://NEWS.example/feed.xml' }))).toBe(true);
    });

    it('uses the lease we asked for when the hub names none', async () => {
      const { sut, saved } = setup(aSubscription({ leaseSeconds: 7200 }));

      await sut.verifyIntent(intent({ leaseSeconds: 0 }));

      expect(saved[0].leaseSeconds).toBe(7200);
    });

    it.each([
      ['another topic', intent({ topic: 'https://news.example/other.xml' }), aSubscription()],
      ['no challenge', intent({ challenge: '' }), aSubscription()],
      ['an unknown mode', intent({ mode: 'subscribe-all' }), aSubscription()],
      ['a subscription never requested (discovered only)', intent(), aSubscription({ state: WebSubState.WEB_SUB_STATE_DISCOVERED, secret: '' })],
      ['a denied subscription', intent(), aSubscription({ state: WebSubState.WEB_SUB_STATE_DENIED })],
      ['an unsubscribe we did not ask for', intent({ mode: 'unsubscribe' }), aSubscription({ state: WebSubState.WEB_SUB_STATE_ACTIVE })],
      ['a source without subscription', intent(), undefined],
    ])('refuses %s and changes nothing', async (_case, request, subscription) => {
      const { sut, saved } = setup(subscription);

      expect(await sut.verifyIntent(request)).toBe(false);
      expect(saved).toEqual([]);
    });

    it('confirms an unsubscription we asked for', async () => {
      const { sut, saved } = setup(aSubscription({ state: WebSubState.WEB_SUB_STATE_UNSUBSCRIBING }));

      expect(await sut.verifyIntent(intent({ mode: 'unsubscribe' }))).toBe(true);
      expect(saved[0]).toMatchObject({ state: WebSubState.WEB_SUB_STATE_UNSUBSCRIBED, renewAt: undefined });
    });

    it("records the hub's denial with its reason", async () => {
      const { sut, saved } = setup(aSubscription());

      expect(await sut.verifyIntent(intent({ mode: 'denied', challenge: '', reason: 'topic not allowed' }))).toBe(true);
      expect(saved[0]).toMatchObject({ state: WebSubState.WEB_SUB_STATE_DENIED, lastError: 'the hub denied the subscription: topic not allowed' });
    });
  });

  describe('deliver', () => {
    const body = Buffer.from('<rss version="2.0"><channel><title>T</title><item><title>New</title></item></channel></rss>');
    const signed = (algorithm = 'sha256', secret = SECRET) => `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
    const delivery = (signature: string) => ({ sourceId: SOURCE_ID, body, contentType: 'application/rss+xml', signature });

    it('ingests content signed with the secret', async () => {
      const { sut, ingested } = setup(aSubscription({ state: WebSubState.WEB_SUB_STATE_ACTIVE }));

      expect(await sut.deliver(delivery(signed()))).toEqual({ signatureValid: true, ingested: true, reason: '', inserted: 1 });
      expect(ingested).toHaveLength(1);
      expect(Buffer.from(ingested[0].body).equals(body)).toBe(true);
    });

    it.each([
      ['another secret', () => signed('sha256', 'cd'.repeat(32))],
      ['no signature', () => ''],
      ['a disallowed algorithm', () => signed('md5')],
    ])('ignores content with %s', async (_case, signature) => {
      const { sut, ingest } = setup(aSubscription({ state: WebSubState.WEB_SUB_STATE_ACTIVE }));

      const sutAnswer = await sut.deliver(delivery(signature()));

      expect(sutAnswer).toMatchObject({ signatureValid: false, ingested: false });
      expect(ingest).not.toHaveBeenCalled();
    });

    it('is NOT_FOUND for a source without a subscription, or one never requested', async () => {
      await expect(setup(undefined).sut.deliver(delivery(signed()))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const discovered = setup(aSubscription({ state: WebSubState.WEB_SUB_STATE_DISCOVERED, secret: '' }));
      await expect(discovered.sut.deliver(delivery(signed()))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('reports a signed document that is not a feed without failing (the hub must not retry it)', async () => {
      const { sut, ingest } = setup(aSubscription({ state: WebSubState.WEB_SUB_STATE_ACTIVE }));
      ingest.mockRejectedValueOnce(DomainError.invalidArgument('not an RSS, Atom, RDF or JSON feed'));

      expect(await sut.deliver(delivery(signed()))).toMatchObject({ signatureValid: true, ingested: false, reason: expect.stringMatching(/not an RSS/) });
    });

    it('fails when the crawler is unavailable, so that the hub retries', async () => {
      const { sut, ingest } = setup(aSubscription({ state: WebSubState.WEB_SUB_STATE_ACTIVE }));
      ingest.mockRejectedValueOnce(DomainError.unavailable('service unavailable'));

      await expect(sut.deliver(delivery(signed()))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    });
  });
});
