import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { decodeArticleCursor, encodeArticleCursor } from './article-cursor';

const cursor = { sortKey: '2026-11-24T10:15:30.123456Z', id: '0b5c5f0e-3d1a-4c7e-9a55-2f1f4d3e6a71' };

function invalid(text: string): DomainError {
  try {
    decodeArticleCursor(text);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('ArticleCursor', () => {
  it('round-trips through an opaque url-safe string', () => {
    const sut = encodeArticleCursor(cursor);

    expect(sut).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeArticleCursor(sut)).toEqual(cursor);
  });

  it.each([
    ['empty text', ''],
    ['not base64url', 'abc$%^'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['a missing id', Buffer.from(JSON.stringify({ k: cursor.sortKey })).toString('base64url')],
    ['an id that is not a UUID', Buffer.from(JSON.stringify({ k: cursor.sortKey, i: '42' })).toString('base64url')],
    ['a sort key that is not a timestamp', Buffer.from(JSON.stringify({ k: 'yesterday', i: cursor.id })).toString('base64url')],
    ['an impossible date', Buffer.from(JSON.stringify({ k: '2026-13-45T99:99:99.000000Z', i: cursor.id })).toString('base64url')],
  ])('rejects %s with INVALID_ARGUMENT "invalid cursor"', (_label, text) => {
    const error = invalid(text);

    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(ErrorCode.InvalidArgument);
    expect(error.message).toBe('invalid cursor');
  });
});
