/** The longest a failing source waits before its next attempt. */
export const MAX_BACKOFF_SECONDS = 6 * 60 * 60;

/**
 * Seconds until the next attempt after `failures` consecutive failures (failures ≥ 1):
 * interval·2^(failures−1), capped at six hours.
 */
export function fetchBackoffSeconds(intervalSeconds: number, failures: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(intervalSeconds * 2 ** exponent, MAX_BACKOFF_SECONDS);
}
