import type { Timestamp } from '@autoglm/contracts';
import { fromTimestamp } from '@autoglm/shared-grpc';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';

/** A contract timestamp as an ISO-8601 string; the proto zero value (never set) becomes null. */
export function isoOrNull(ts: Timestamp | undefined): string | null {
  return fromTimestamp(ts)?.toISOString() ?? null;
}

/** proto3 strings have no "absent": an empty string means the value is not known yet. */
export function textOrNull(value: string): string | null {
  return value === '' ? null : value;
}

/** A message field the contract marks optional but the call always fills; missing means the service broke the contract. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null) {
    throw new DomainError(ErrorCode.Internal, `the answer had no ${what}`);
  }
  return value;
}
