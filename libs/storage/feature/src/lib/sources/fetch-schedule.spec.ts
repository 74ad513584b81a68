import { SourceStatus } from '@autoglm/contracts';
import { MAX_BACKOFF_SECONDS } from './fetch-backoff';
import { MAX_RETRY_AFTER_SECONDS, scheduleAfterCheck, type CheckOutcome, type ScheduleState } from './fetch-schedule';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const policy = { pauseAfterFailures: 3, minIntervalSeconds: 300, maxIntervalSeconds: 86_400 };

function state(overrides: Partial<ScheduleState> = {}): ScheduleState {
  return {
    status: SourceStatus.SOURCE_STATUS_ACTIVE,
    intervalSeconds: 900,
    effectiveIntervalSeconds: 1200,
    consecutiveFailures: 0,
    lastFetchedAt: new Date('2026-11-25T11:40:00.000Z'),
    ...overrides,
  };
}

function outcome(overrides: Partial<CheckOutcome> = {}): CheckOutcome {
  return { ok: true, error: '', notModified: false, newItems: 0, publishGapSeconds: 0, retryAfterSeconds: 0, ...overrides };
}

const secondsAfterNow = (d: Date) => (d.getTime() - NOW.getTime()) / 1000;

describe(scheduleAfterCheck.name, () => {
  describe('after a success', () => {
    it('shortens the interval when the check found new items', () => {
      const sut = scheduleAfterCheck(state(), outcome({ newItems: 4 }), policy, NOW);

      expect(sut).toMatchObject({ status: SourceStatus.SOURCE_STATUS_ACTIVE, consecutiveFailures: 0, effectiveIntervalSeconds: 900, lastError: '' });
      expect(secondsAfterNow(sut.nextCheckAt)).toBe(900);
    });

    it('lengthens it after a 304, whatever new_items says', () => {
      const sut = scheduleAfterCheck(state(), outcome({ notModified: true, newItems: 7 }), policy, NOW);

      expect(sut.effectiveIntervalSeconds).toBe(1800);
      expect(secondsAfterNow(sut.nextCheckAt)).toBe(1800);
    });

    it('does not adapt on the first check (the backlog is all new)', () => {
      const sut = scheduleAfterCheck(state({ lastFetchedAt: null }), outcome({ newItems: 50 }), policy, NOW);

      expect(sut.effectiveIntervalSeconds).toBe(1200);
    });

    it('recovers from errors at the effective interval without adapting', () => {
      const sut = scheduleAfterCheck(state({ status: SourceStatus.SOURCE_STATUS_ERROR, consecutiveFailures: 2 }), outcome(), policy, NOW);

      expect(sut).toMatchObject({ status: SourceStatus.SOURCE_STATUS_ACTIVE, consecutiveFailures: 0, effectiveIntervalSeconds: 1200 });
    });

    it('keeps a paused source paused', () => {
      const sut = scheduleAfterCheck(state({ status: SourceStatus.SOURCE_STATUS_PAUSED, consecutiveFailures: 3 }), outcome(), policy, NOW);

      expect(sut.status).toBe(SourceStatus.SOURCE_STATUS_PAUSED);
    });

    it('treats negative counts from a confused client as nothing new', () => {
      expect(scheduleAfterCheck(state(), outcome({ newItems: -3, publishGapSeconds: -5 }), policy, NOW).effectiveIntervalSeconds).toBe(1800);
    });
  });

  describe('after a failure', () => {
    it('backs off exponentially from the effective interval and keeps it', () => {
      const first = scheduleAfterCheck(state(), outcome({ ok: false, error: 'HTTP 500' }), policy, NOW);
      const second = scheduleAfterCheck(state({ consecutiveFailures: 1 }), outcome({ ok: false, error: 'HTTP 500' }), policy, NOW);

      expect(first).toMatchObject({ status: SourceStatus.SOURCE_STATUS_ERROR, consecutiveFailures: 1, lastError: 'HTTP 500', effectiveIntervalSeconds: 1200 });
      expect(secondsAfterNow(first.nextCheckAt)).toBe(1200);
      expect(secondsAfterNow(second.nextCheckAt)).toBe(2400);
    });

    it('waits at least the Retry-After the server asked for', () => {
      const sut = scheduleAfterCheck(state(), outcome({ ok: false, error: 'HTTP 429', retryAfterSeconds: 7200 }), policy, NOW);

      expect(secondsAfterNow(sut.nextCheckAt)).toBe(7200);
    });

    it('keeps the longer backoff when Retry-After is shorter', () => {
      const sut = scheduleAfterCheck(state({ consecutiveFailures: 1 }), outcome({ ok: false, error: 'HTTP 503', retryAfterSeconds: 10 }), policy, NOW);

      expect(secondsAfterNow(sut.nextCheckAt)).toBe(2400);
    });

    it('caps Retry-After at a day (beyond the six-hour backoff cap)', () => {
      const sut = scheduleAfterCheck(state(), outcome({ ok: false, error: 'HTTP 503', retryAfterSeconds: 10 * 86_400 }), policy, NOW);

      expect(secondsAfterNow(sut.nextCheckAt)).toBe(MAX_RETRY_AFTER_SECONDS);
      expect(MAX_RETRY_AFTER_SECONDS).toBeGreaterThan(MAX_BACKOFF_SECONDS);
    });

    it('pauses the source at the configured number of failures in a row, keeping the error', () => {
      const before = scheduleAfterCheck(state({ consecutiveFailures: 1 }), outcome({ ok: false, error: 'DNS' }), policy, NOW);
      const sut = scheduleAfterCheck(state({ consecutiveFailures: 2 }), outcome({ ok: false, error: 'could not resolve x.example' }), policy, NOW);

      expect(before.status).toBe(SourceStatus.SOURCE_STATUS_ERROR);
      expect(sut.status).toBe(SourceStatus.SOURCE_STATUS_PAUSED);
      expect(sut.consecutiveFailures).toBe(3);
      expect(sut.lastError).toBe('could not resolve x.example (paused after 3 failed checks in a row; resume the source to check it again)');
    });

    it('keeps a paused source paused without repeating the pause notice', () => {
      const sut = scheduleAfterCheck(state({ status: SourceStatus.SOURCE_STATUS_PAUSED, consecutiveFailures: 5 }), outcome({ ok: false, error: 'HTTP 404' }), policy, NOW);

      expect(sut).toMatchObject({ status: SourceStatus.SOURCE_STATUS_PAUSED, consecutiveFailures: 6, lastError: 'HTTP 404' });
    });

    it('names an unexplained failure', () => {
      expect(scheduleAfterCheck(state(), outcome({ ok: false, error: '  ' }), policy, NOW).lastError).toBe('fetch failed');
    });
  });
});
