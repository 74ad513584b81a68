/** Claims of one item at most: after that many the page's text is recorded as unavailable. */
export const MAX_FULL_TEXT_ATTEMPTS = 5;
/** Wait before the second attempt; each further attempt waits twice as long. */
export const FULL_TEXT_RETRY_BASE_SECONDS = 60;
/** The longest wait between two attempts (a server's Retry-After is capped here too). */
export const MAX_FULL_TEXT_RETRY_SECONDS = 6 * 60 * 60;

/** What to do with an item whose attempt number `attempt` (≥ 1) failed. */
export type FullTextRetry = { final: true } | { final: false; delaySeconds: number };

/**
 * A failed attempt is retried when the failure may pass and attempts remain: after
 * base·2^(attempt−1) seconds, or the server's Retry-After when that is longer, capped at six hours.
 */
export function fullTextRetry(attempt: number, retryable: boolean, retryAfterSeconds: number): FullTextRetry {
  if (!retryable || attempt >= MAX_FULL_TEXT_ATTEMPTS) return { final: true };
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const backoff = FULL_TEXT_RETRY_BASE_SECONDS * 2 ** exponent;
  const serverWait = Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds : 0;
  return { final: false, delaySeconds: Math.min(Math.max(backoff, serverWait), MAX_FULL_TEXT_RETRY_SECONDS) };
}
