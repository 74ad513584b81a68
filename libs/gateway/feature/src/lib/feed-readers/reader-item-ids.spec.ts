import { itemNumberOfReaderId, ITEM_ID_PREFIX, readerItemId } from './reader-item-ids';
import { parseItemTag, parseReaderStream } from './reader-streams';

describe('Google Reader item ids', () => {
  it('writes an item number in the long (16 hex digits) and short (decimal) forms', () => {
    expect(readerItemId('7')).toEqual({ long: `${ITEM_ID_PREFIX}000a000000000007`, short: '2814749767106567' });
    expect(readerItemId('255')).toEqual({ long: `${ITEM_ID_PREFIX}000a0000000000ff`, short: '2814749767106815' });
  });

  it('reads every form clients send back to the same item number', () => {
    const { long, short } = readerItemId('16');
    const hex = long.slice(ITEM_ID_PREFIX.length);
    // long form, short form, bare padded hex (NetNewsWire's edit-tag), bare unpadded hex (its items/contents), upper case.
    for (const id of [long, short, hex, hex.replace(/^0+/, ''), hex.toUpperCase(), ` ${short} `]) expect({ id, n: itemNumberOfReaderId(id) }).toEqual({ id, n: '16' });
  });

  it('keeps even the largest item numbers below 2^53, exact as a double', () => {
    const { long, short } = readerItemId('281474976710655');
    expect(BigInt(short)).toBeLessThan(1n << 53n);
    expect(String(Number(short))).toBe(short);
    expect(itemNumberOfReaderId(long)).toBe('281474976710655');
    expect(itemNumberOfReaderId(short)).toBe('281474976710655');
  });

  it('refuses what is no id of ours', () => {
    for (const id of ['', 'abc-def', '12.5', `${ITEM_ID_PREFIX}`, `${ITEM_ID_PREFIX}xyz`, `${ITEM_ID_PREFIX}000a0000000000000`, '16', '000a000000000000', '-1', '99999999999999999999999', 'tag:google.com,2005:reader/item/000b000000000001', '0a00000000000007'])
      expect({ id, n: itemNumberOfReaderId(id) }).toEqual({ id, n: undefined });
  });
});

describe('Google Reader stream ids', () => {
  it('reads the streams we serve, for "-" or an explicit user', () => {
    expect(parseReaderStream('user/-/state/com.google/reading-list')).toEqual({ kind: 'reading-list' });
    expect(parseReaderStream('user/11111111/state/com.google/starred')).toEqual({ kind: 'starred' });
    expect(parseReaderStream('user/-/state/com.google/read')).toEqual({ kind: 'read' });
    expect(parseReaderStream('user/-/label/Tech / AI')).toEqual({ kind: 'label', label: 'Tech / AI' });
    expect(parseReaderStream('feed/https://example.org/feed.xml')).toEqual({ kind: 'feed', feed: 'https://example.org/feed.xml' });
  });

  it('refuses other streams and tags with INVALID_ARGUMENT', () => {
    for (const id of ['', 'feed/', 'user/-/state/com.google/broadcast', 'pop/topic/top/language/en', 'x'.repeat(3000)]) {
      expect(() => parseReaderStream(id)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    }
    expect(parseItemTag('user/-/state/com.google/kept-unread')).toBe('kept-unread');
    expect(() => parseItemTag('user/-/label/Tech')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});
