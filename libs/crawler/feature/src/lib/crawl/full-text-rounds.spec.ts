import { status } from '@grpc/grpc-js';
import type { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, type StorageClient } from '@autoglm/shared-grpc';
import type { FullTextEnricher, FullTextOutcome } from './full-text-enricher';
import { FULL_TEXT_LEASE_SECONDS, FULL_TEXT_PAGES_PER_ROUND, FullTextRounds } from './full-text-rounds';
import { KeyedSemaphore } from './keyed-semaphore';

function work(i: number): storage.FullTextWork {
  return { articleId: `a${i}`, sourceId: 's1', url: `https://news.example/${i}`, title: `T${i}`, author: '', text: 'teaser', claim: `1:h${i}`, attempt: 1 };
}

/** Storage's full-text work list in memory: claims hand out waiting items in order, results are recorded. */
class FakeStorage {
  waiting: storage.FullTextWork[] = [];
  readonly claims: storage.ClaimFullTextWorkRequest[] = [];
  readonly results: storage.RecordFullTextResultRequest[] = [];
  unavailable = false;
  /** Resolves the next claim only when released (to observe a kick during a round). */
  hold: Promise<void> | undefined;

  async claimFullTextWork(request: storage.ClaimFullTextWorkRequest): Promise<storage.ClaimFullTextWorkResponse> {
    this.claims.push(request);
    if (this.unavailable) throw new RemoteCallError(ErrorCode.Unavailable, 'storage unavailable', status.UNAVAILABLE, 'claimFullTextWork');
    const taken = this.waiting.splice(0, request.limit);
    await this.hold;
    return { work: taken };
  }

  async recordFullTextResult(request: storage.RecordFullTextResultRequest): Promise<storage.RecordFullTextResultResponse> {
    this.results.push(request);
    return { applied: true, state: 0 };
  }
}

/** Reads pages without a network: /missing-… pages are 404s, every other page has text. */
class FakeEnricher {
  readonly read = jest.fn(async (item: storage.FullTextWork, _perHost: KeyedSemaphore): Promise<FullTextOutcome> => {
    if (item.url.includes('missing')) return { failure: `${item.url} answered HTTP 404 Not Found`, retryable: false, retryAfterSeconds: 0 };
    return { page: { url: item.url, contentHtml: '<p>full</p>', text: `full text of ${item.title}`, author: '', contentHash: `page-${item.articleId}` } };
  });
}

describe(FullTextRounds.name, () => {
  let storage: FakeStorage;
  let enricher: FakeEnricher;
  let perHost: KeyedSemaphore;
  let sut: FullTextRounds;

  beforeEach(() => {
    storage = new FakeStorage();
    enricher = new FakeEnricher();
    perHost = new KeyedSemaphore(2);
    sut = new FullTextRounds(storage as unknown as StorageClient, enricher as unknown as FullTextEnricher, perHost);
  });
  afterEach(() => sut.onModuleDestroy());

  it('reads every waiting page in rounds of its budget, until a round finds less', async () => {
    storage.waiting = Array.from({ length: 45 }, (_, i) => work(i));

    await sut.kick();

    expect(storage.claims).toEqual([
      { limit: FULL_TEXT_PAGES_PER_ROUND, leaseSeconds: FULL_TEXT_LEASE_SECONDS },
      { limit: FULL_TEXT_PAGES_PER_ROUND, leaseSeconds: FULL_TEXT_LEASE_SECONDS },
      { limit: FULL_TEXT_PAGES_PER_ROUND, leaseSeconds: FULL_TEXT_LEASE_SECONDS },
    ]);
    expect(storage.results.map((r) => r.articleId).sort()).toEqual(Array.from({ length: 45 }, (_, i) => `a${i}`).sort());
    expect(storage.results[0]).toMatchObject({ claim: '1:h0', failure: '', page: { text: 'full text of T0', contentHash: 'page-a0' } });
    // Pages are read under the crawler's shared per-host limit.
    expect(enricher.read.mock.calls.every(([, limit]) => limit === perHost)).toBe(true);
  });

  it('reports why a page has no text, with its claim', async () => {
    storage.waiting = [{ ...work(1), url: 'https://news.example/missing-1' }];

    await sut.kick();

    expect(storage.results).toEqual([
      {
        articleId: 'a1',
        claim: '1:h1',
        page: undefined,
        failure: 'https://news.example/missing-1 answered HTTP 404 Not Found',
        retryable: false,
        retryAfterSeconds: 0,
      },
    ]);
  });

  it('waits for the next round when storage is unreachable', async () => {
    storage.unavailable = true;
    storage.waiting = [work(1)];

    await expect(sut.kick()).resolves.toBeUndefined();
    expect(storage.results).toEqual([]);

    storage.unavailable = false;
    await sut.kick();
    expect(storage.results.map((r) => r.articleId)).toEqual(['a1']);
  });

  it('runs one more round for a kick that arrives during a round', async () => {
    let release: () => void = () => undefined;
    storage.hold = new Promise((resolve) => (release = resolve));
    storage.waiting = [work(1)];
    const first = sut.kick();

    // Work stored while the first round is claiming: the kick of its crawl must not be lost.
    const second = sut.kick();
    storage.waiting.push(work(2));
    release();
    await Promise.all([first, second]);

    expect(storage.results.map((r) => r.articleId).sort()).toEqual(['a1', 'a2']);
  });

  it('starts no round once stopped', async () => {
    await sut.onModuleDestroy();
    storage.waiting = [work(1)];

    await sut.kick();

    expect(storage.claims).toEqual([]);
  });
});
