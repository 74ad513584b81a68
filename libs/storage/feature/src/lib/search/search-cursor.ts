import { createHash } from 'node:crypto';
import { DomainError } from '@autoglm/shared-errors';

/** Where the next page of one search starts, bound to that search by a fingerprint. */
export interface SearchCursor {
  offset: number;
  fingerprint: string;
}

/** Pages beyond this are not served (hybrid ranks a fixed window of candidates anyway). */
export const MAX_SEARCH_OFFSET = 10_000;

/** A short digest of everything that decides a search's order: a cursor is only valid for the same search. */
export function searchFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify({ o: cursor.offset, f: cursor.fingerprint }), 'utf8').toString('base64url');
}

/** Decodes a cursor of this search; malformed ones and those of another search are INVALID_ARGUMENT. */
export function decodeSearchCursor(text: string, fingerprint: string): SearchCursor {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new SyntaxError('not base64url');
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw DomainError.invalidArgument('invalid cursor');
  }
  const { o, f } = (value ?? {}) as { o?: unknown; f?: unknown };
  if (typeof o !== 'number' || !Number.isInteger(o) || o < 1 || o > MAX_SEARCH_OFFSET || typeof f !== 'string') {
    throw DomainError.invalidArgument('invalid cursor');
  }
  if (f !== fingerprint) throw DomainError.invalidArgument('invalid cursor: it belongs to a different search');
  return { offset: o, fingerprint: f };
}
