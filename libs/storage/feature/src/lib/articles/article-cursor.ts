import { DomainError } from '@autoglm/shared-errors';
import { isUuid } from '../shared/ids';

/** The position after the last article of a page: its feed time (exact, UTC, microseconds) and id. */
export interface ArticleCursor {
  sortKey: string;
  id: string;
}

const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** An opaque cursor: base64url of a small JSON object. */
export function encodeArticleCursor(cursor: ArticleCursor): string {
  return Buffer.from(JSON.stringify({ k: cursor.sortKey, i: cursor.id }), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeArticleCursor; anything else is INVALID_ARGUMENT "invalid cursor". */
export function decodeArticleCursor(text: string): ArticleCursor {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new SyntaxError('not base64url');
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw DomainError.invalidArgument('invalid cursor');
  }
  const { k, i } = (value ?? {}) as { k?: unknown; i?: unknown };
  if (typeof k !== 'string' || typeof i !== 'string' || !SORT_KEY.test(k) || !isUuid(i) || Number.isNaN(Date.parse(k))) {
    throw DomainError.invalidArgument('invalid cursor');
  }
  return { sortKey: k, id: i };
}
