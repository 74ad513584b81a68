/** The longest wait a Retry-After header can impose (storage applies the same cap). */
export const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

/**
 * Seconds to wait according to a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an
 * HTTP date, measured from `now`. 0 when absent, unparseable or already past; at most a day.
 */
export function retryAfterSeconds(header: string, now: Date): number {
  const value = header.trim();
  if (!value) return 0;
  let seconds: number;
  if (/^\d+$/.test(value)) {
    seconds = Number(value);
  } else {
    // Date.parse reads the three HTTP date forms (IMF-fixdate, RFC 850, asctime) as UTC.
    const at = Date.parse(/GMT|UTC|[+-]\d{4}$/.test(value) ? value : `${value} GMT`);
    if (Number.isNaN(at)) return 0;
    seconds = Math.ceil((at - now.getTime()) / 1000);
  }
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}

/** "90 s", "15 min", "2 h" — for messages shown on the source. */
export function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}
