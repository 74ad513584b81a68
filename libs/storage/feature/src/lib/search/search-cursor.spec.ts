import { decodeSearchCursor, encodeSearchCursor, searchFingerprint } from './search-cursor';

describe(decodeSearchCursor.name, () => {
  const fingerprint = searchFingerprint(['processor', 3]);

  it('round-trips a cursor of the same search', () => {
    expect(decodeSearchCursor(encodeSearchCursor({ offset: 20, fingerprint }), fingerprint)).toEqual({ offset: 20, fingerprint });
  });

  it('rejects a cursor of another search', () => {
    const other = encodeSearchCursor({ offset: 20, fingerprint: searchFingerprint(['chip', 3]) });

    expect(() => decodeSearchCursor(other, fingerprint)).toThrow('invalid cursor: it belongs to a different search');
  });

  it.each([
    ['not base64url', '***'],
    ['not JSON', 'bm90LWpzb24'],
    ['a negative offset', Buffer.from('{"o":-1,"f":"x"}').toString('base64url')],
    ['a fractional offset', Buffer.from('{"o":1.5,"f":"x"}').toString('base64url')],
    ['an offset past the end', Buffer.from('{"o":10001,"f":"x"}').toString('base64url')],
    ['null', Buffer.from('null').toString('base64url')],
  ])('rejects %s', (_label, text) => {
    expect(() => decodeSearchCursor(text, fingerprint)).toThrow('invalid cursor');
  });
});
