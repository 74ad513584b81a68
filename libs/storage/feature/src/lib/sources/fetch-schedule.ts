import { SourceStatus } from '@autoglm/contracts';
import { adaptInterval } from './adaptive-interval';
import { fetchBackoffSeconds } from './fetch-backoff';

/** The longest a server's Retry-After can hold a source back. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

/** What storage knows about a source's schedule before a check is recorded. */
export interface ScheduleState {
  status: number;
  intervalSeconds: number;
  effectiveIntervalSeconds: number;
  consecutiveFailures: number;
  lastFetchedAt: Date | null;
}

/** The outcome of one check, as the crawler reports it. */
export interface CheckOutcome {
  ok: boolean;
  error: string;
  notModified: boolean;
  newItems: number;
  publishGapSeconds: number;
  retryAfterSeconds: number;
}

export interface SchedulePolicy {
  pauseAfterFailures: number;
  minIntervalSeconds: number;
  maxIntervalSeconds: number;
}

export interface ScheduleDecision {
  status: number;
  consecutiveFailures: number;
  effectiveIntervalSeconds: number;
  lastError: string;
  nextCheckAt: Date;
}

/**
 * The schedule of a source after a check:
 * - success (a 304 included): failures reset, ACTIVE (a paused source stays paused: only a resume
 *   changes that), the interval adapts to what the check found — except on the first check and
 *   the first success after failures, which say nothing about how often the source publishes
 *   (the first check sees the whole backlog as new);
 * - failure: exponential backoff from the effective interval, never before the server's
 *   Retry-After (capped at a day); after `pauseAfterFailures` failures in a row the source is PAUSED.
 */
export function scheduleAfterCheck(state: ScheduleState, outcome: CheckOutcome, policy: SchedulePolicy, now: Date): ScheduleDecision {
  const paused = state.status === SourceStatus.SOURCE_STATUS_PAUSED;
  if (outcome.ok) {
    const adapts = state.lastFetchedAt !== null && state.consecutiveFailures === 0;
    const effective = adapts
      ? adaptInterval(
          {
            currentSeconds: state.effectiveIntervalSeconds,
            configuredSeconds: state.intervalSeconds,
            newItems: outcome.notModified ? 0 : Math.max(0, outcome.newItems),
            publishGapSeconds: Math.max(0, outcome.publishGapSeconds),
          },
          { minSeconds: policy.minIntervalSeconds, maxSeconds: policy.maxIntervalSeconds },
        )
      : state.effectiveIntervalSeconds;
    return {
      status: paused ? state.status : SourceStatus.SOURCE_STATUS_ACTIVE,
      consecutiveFailures: 0,
      effectiveIntervalSeconds: effective,
      lastError: '',
      nextCheckAt: after(now, effective),
    };
  }

  const failures = state.consecutiveFailures + 1;
  const retryAfter = Math.min(Math.max(0, outcome.retryAfterSeconds), MAX_RETRY_AFTER_SECONDS);
  const wait = Math.max(fetchBackoffSeconds(state.effectiveIntervalSeconds, failures), retryAfter);
  const error = outcome.error.trim() || 'fetch failed';
  const pausesNow = !paused && failures >= policy.pauseAfterFailures;
  return {
    status: paused || pausesNow ? SourceStatus.SOURCE_STATUS_PAUSED : SourceStatus.SOURCE_STATUS_ERROR,
    consecutiveFailures: failures,
    effectiveIntervalSeconds: state.effectiveIntervalSeconds,
    lastError: pausesNow ? `${error} (paused after ${failures} failed checks in a row; resume the source to check it again)` : error,
    nextCheckAt: after(now, wait),
  };
}

function after(now: Date, seconds: number): Date {
  return new Date(now.getTime() + seconds * 1000);
}
