import type { Timestamp } from '@autoglm/contracts';

export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function fromTimestamp(ts: Timestamp | undefined | null): Date | undefined {
  if (!ts) return undefined;
  const seconds = Number(ts.seconds);
  if (!Number.isFinite(seconds) || (seconds === 0 && ts.nanos === 0)) return undefined;
  return new Date(seconds * 1000 + Math.floor(ts.nanos / 1_000_000));
}
