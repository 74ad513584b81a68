import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { SourceStatus, type Source, type storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { fromTimestamp } from '@autoglm/shared-grpc';
import { newSourceRequest } from '@autoglm/shared-testing';
import { ManualClock } from '../testing/manual-clock';
import { rejection, startStorageHarness, TEST_BACKENDS, type StorageHarness } from '../testing/storage-harness';

const CHECK: Omit<storage.RecordFetchResultRequest, 'sourceId'> = {
  ok: true,
  error: '',
  feedTitle: '',
  notModified: false,
  newItems: 0,
  publishGapSeconds: 0,
  etag: '',
  lastModified: '',
  retryAfterSeconds: 0,
};

describe.each(TEST_BACKENDS)('source schedule and fetch state on %s', (backend) => {
  const clock = new ManualClock();
  let harness: StorageHarness;

  beforeAll(async () => {
    harness = await startStorageHarness(backend, clock);
  });

  afterAll(() => harness?.close());

  const create = async (overrides: Partial<storage.CreateSourceRequest> = {}): Promise<Source> => {
    const { source } = await harness.sut.createSource(newSourceRequest({ intervalSeconds: 1000, ...overrides }));
    return source!;
  };
  const record = async (sourceId: string, overrides: Partial<storage.RecordFetchResultRequest> = {}): Promise<Source> =>
    (await harness.sut.recordFetchResult({ ...CHECK, sourceId, ...overrides })).source!;
  const secondsUntilNextCheck = (source: Source) => (fromTimestamp(source.nextCheckAt)!.getTime() - clock.now().getTime()) / 1000;

  describe('conditional GET validators', () => {
    it('stores the validators of a full response and keeps them through a 304', async () => {
      const source = await create();
      expect(source).toMatchObject({ etag: '', lastModified: '', effectiveIntervalSeconds: 1000, category: '' });

      const full = await record(source.id, { etag: '"v1"', lastModified: 'Tue, 24 Nov 2026 08:00:00 GMT', feedTitle: 'F', newItems: 5 });
      clock.advance(60);
      const notModified = await record(source.id, { notModified: true });

      expect(full).toMatchObject({ etag: '"v1"', lastModified: 'Tue, 24 Nov 2026 08:00:00 GMT', title: 'F' });
      expect(notModified).toMatchObject({
        etag: '"v1"',
        lastModified: 'Tue, 24 Nov 2026 08:00:00 GMT',
        status: SourceStatus.SOURCE_STATUS_ACTIVE,
        consecutiveFailures: 0,
      });
      // A 304 is a successful check: it counts as fetched now.
      expect(fromTimestamp(notModified.lastFetchedAt)!.getTime()).toBe(clock.now().getTime());
    });

    it('replaces the validators with those of the next full response (none when the server sends none)', async () => {
      const source = await create();
      await record(source.id, { etag: '"v1"' });

      const next = await record(source.id, { etag: '', lastModified: '' });

      expect(next).toMatchObject({ etag: '', lastModified: '' });
    });

    it('keeps the validators through a failure', async () => {
      const source = await create();
      await record(source.id, { etag: '"v1"' });

      const failed = await record(source.id, { ok: false, error: 'timed out' });

      expect(failed.etag).toBe('"v1"');
    });
  });

  describe('Retry-After', () => {
    it('does not schedule the next check before Retry-After, and records the error', async () => {
      const source = await create();

      const limited = await record(source.id, { ok: false, error: 'HTTP 429 Too Many Requests; the server asks to wait 2 h', retryAfterSeconds: 7200 });

      expect(limited).toMatchObject({
        status: SourceStatus.SOURCE_STATUS_ERROR,
        consecutiveFailures: 1,
        lastError: 'HTTP 429 Too Many Requests; the server asks to wait 2 h',
      });
      expect(secondsUntilNextCheck(limited)).toBe(7200);
    });

    it('bounds Retry-After to a day', async () => {
      const source = await create();

      const limited = await record(source.id, { ok: false, error: 'HTTP 503', retryAfterSeconds: 30 * 86_400 });

      expect(secondsUntilNextCheck(limited)).toBe(86_400);
    });
  });

  describe('pausing after repeated failures', () => {
    it('pauses after ten failures in a row, is never claimed, and resumes ACTIVE and due now', async () => {
      const source = await create();
      let last = source;
      for (let i = 0; i < 9; i++) last = await record(source.id, { ok: false, error: `HTTP 500 #${i}` });
      expect(last.status).toBe(SourceStatus.SOURCE_STATUS_ERROR);

      const paused = await record(source.id, { ok: false, error: 'HTTP 500 #9' });
      expect(paused).toMatchObject({
        status: SourceStatus.SOURCE_STATUS_PAUSED,
        consecutiveFailures: 10,
        lastError: 'HTTP 500 #9 (paused after 10 failed checks in a row; resume the source to check it again)',
      });
      expect((await harness.sut.listSources({})).sources.find((s) => s.id === source.id)?.status).toBe(SourceStatus.SOURCE_STATUS_PAUSED);

      clock.advance(3 * 86_400);
      const claimed = await harness.sut.claimDueSources({ limit: 1000, leaseSeconds: 60, sourceId: '' });
      expect(claimed.sources.map((s) => s.id)).not.toContain(source.id);

      const { source: resumed } = await harness.sut.resumeSource({ id: source.id });
      expect(resumed).toMatchObject({ status: SourceStatus.SOURCE_STATUS_ACTIVE, consecutiveFailures: 0, lastError: '' });
      expect(secondsUntilNextCheck(resumed!)).toBe(0);
      const again = await harness.sut.claimDueSources({ limit: 1000, leaseSeconds: 60, sourceId: '' });
      expect(again.sources.map((s) => s.id)).toContain(source.id);
    });

    it.each([['an unknown id', randomUUID()], ['a malformed id', 'nope']])('answers NOT_FOUND when resuming %s', async (_label, id) => {
      expect(await rejection(harness.sut.resumeSource({ id }))).toMatchObject({ code: ErrorCode.NotFound, message: `source ${id} not found` });
    });
  });

  describe('pausing by hand', () => {
    it('is never claimed while paused, stays paused through a check result, and resume clears paused_at', async () => {
      const source = await create();
      await record(source.id, { ok: false, error: 'HTTP 503' });

      const { source: paused } = await harness.sut.pauseSource({ id: source.id });
      expect(paused).toMatchObject({ status: SourceStatus.SOURCE_STATUS_PAUSED, consecutiveFailures: 1, lastError: 'HTTP 503' });
      const pausedAt = fromTimestamp(paused!.pausedAt)!;
      expect(pausedAt.getTime()).toBe(clock.now().getTime());

      clock.advance(60);
      const { source: pausedAgain } = await harness.sut.pauseSource({ id: source.id });
      expect(fromTimestamp(pausedAgain!.pausedAt)!.getTime()).toBe(pausedAt.getTime());

      clock.advance(3 * 86_400);
      const claimed = await harness.sut.claimDueSources({ limit: 1000, leaseSeconds: 60, sourceId: '' });
      expect(claimed.sources.map((s) => s.id)).not.toContain(source.id);
      // A crawl already running when the source was paused reports back: the source stays paused.
      const checked = await record(source.id, { newItems: 2 });
      expect(checked).toMatchObject({ status: SourceStatus.SOURCE_STATUS_PAUSED, consecutiveFailures: 0 });
      expect(fromTimestamp(checked.pausedAt)).toEqual(pausedAt);

      const { source: resumed } = await harness.sut.resumeSource({ id: source.id });
      expect(resumed).toMatchObject({ status: SourceStatus.SOURCE_STATUS_ACTIVE });
      expect(fromTimestamp(resumed!.pausedAt)).toBeUndefined();
      const again = await harness.sut.claimDueSources({ limit: 1000, leaseSeconds: 60, sourceId: '' });
      expect(again.sources.map((s) => s.id)).toContain(source.id);
    });

    it('leaves paused_at unset on a source paused after repeated failures', async () => {
      const source = await create();
      let last = source;
      for (let i = 0; i < 10; i++) last = await record(source.id, { ok: false, error: 'HTTP 500' });
      expect(last.status).toBe(SourceStatus.SOURCE_STATUS_PAUSED);
      expect(fromTimestamp(last.pausedAt)).toBeUndefined();
    });

    it.each([['an unknown id', randomUUID()], ['a malformed id', 'nope']])('answers NOT_FOUND when pausing %s', async (_label, id) => {
      expect(await rejection(harness.sut.pauseSource({ id }))).toMatchObject({ code: ErrorCode.NotFound, message: `source ${id} not found` });
    });
  });

  describe('adaptive interval', () => {
    it('starts at the chosen interval, shortens with new items, lengthens without, and backs off from it', async () => {
      const source = await create({ intervalSeconds: 1000 });

      const first = await record(source.id, { newItems: 40 });
      const busy = await record(source.id, { newItems: 3 });
      const quiet = await record(source.id, { notModified: true });
      const failed = await record(source.id, { ok: false, error: 'HTTP 502' });

      // The first check sees the whole backlog: no adaptation.
      expect(first.effectiveIntervalSeconds).toBe(1000);
      expect(busy.effectiveIntervalSeconds).toBe(750);
      expect(secondsUntilNextCheck(busy)).toBe(750);
      expect(quiet.effectiveIntervalSeconds).toBe(1125);
      expect(failed.effectiveIntervalSeconds).toBe(1125);
      expect(secondsUntilNextCheck(failed)).toBe(1125);
      expect(failed.intervalSeconds).toBe(1000);
    });

    it('stays within the configured bounds', async () => {
      const source = await create({ intervalSeconds: 400 });
      await record(source.id);
      let last = source;
      for (let i = 0; i < 5; i++) last = await record(source.id, { newItems: 1 });

      expect(last.effectiveIntervalSeconds).toBe(300);
    });
  });

  describe('category', () => {
    it('stores the category given at creation', async () => {
      const source = await create({ category: ' Tech / AI ' });

      expect(source.category).toBe('Tech / AI');
      expect((await harness.sut.getSource({ id: source.id })).source?.category).toBe('Tech / AI');
    });

    it('rejects an over-long category', async () => {
      expect(await rejection(create({ category: 'x'.repeat(301) }))).toMatchObject({
        code: ErrorCode.InvalidArgument,
        message: 'category is longer than 300 characters',
      });
    });
  });
});
