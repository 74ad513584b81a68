/**
 * Google Reader item ids. Internally a 64-bit number, written in two forms: the long form
 * `tag:google.com,2005:reader/item/<16 hex digits>` and the short form (the number in decimal).
 * Clients send either, and some (NetNewsWire) send the hex digits bare and unpadded.
 *
 * Our number is the article's item_number plus ITEM_ID_BASE. The base puts an `a` at the head of
 * every hex spelling (0x000a…), so a bare id made only of decimal digits is always the short form
 * and one with a letter the hex form: the two never read alike (with small sequence numbers,
 * hex "10" and decimal "10" would). The numbers stay below 2^53, like FreshRSS's (microsecond
 * times): exact in clients that hold them in an Int64 and in those that use a double (JavaScript).
 */
export const ITEM_ID_PREFIX = 'tag:google.com,2005:reader/item/';
const ITEM_ID_BASE = 0x000a_0000_0000_0000n;
/** The largest item number an id can carry (ids stay within 0x000a0… to 0x000af…: 2.8e14 articles). */
const MAX_ITEM_NUMBER = 0x0000_ffff_ffff_ffffn;
const TWO_TO_64 = 1n << 64n;
const HEX = /^[0-9a-f]{1,16}$/i;
const DECIMAL = /^-?[1-9]\d{0,19}$/;

export interface ReaderItemId {
  long: string;
  short: string;
}

/** Both forms of the id of an article's item number (decimal text, as storage sends int64). */
export function readerItemId(itemNumber: string): ReaderItemId {
  const value = ITEM_ID_BASE + BigInt(itemNumber);
  return { long: `${ITEM_ID_PREFIX}${value.toString(16).padStart(16, '0')}`, short: value.toString(10) };
}

/** The item number an id in any accepted form names; undefined when it is no item id of ours. */
export function itemNumberOfReaderId(id: string): string | undefined {
  const text = id.trim();
  let value: bigint;
  if (text.startsWith(ITEM_ID_PREFIX)) {
    const hex = text.slice(ITEM_ID_PREFIX.length);
    if (!HEX.test(hex)) return undefined;
    value = BigInt(`0x${hex}`);
  } else if (DECIMAL.test(text)) {
    value = BigInt(text);
    // The short form is signed: an id past 2^63 is written negative.
    if (value < 0n) value += TWO_TO_64;
    if (value < 0n || value >= TWO_TO_64) return undefined;
  } else if (HEX.test(text)) {
    value = BigInt(`0x${text}`);
  } else {
    return undefined;
  }
  const itemNumber = value - ITEM_ID_BASE;
  return itemNumber >= 1n && itemNumber <= MAX_ITEM_NUMBER ? itemNumber.toString(10) : undefined;
}
