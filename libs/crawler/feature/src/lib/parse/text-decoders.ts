/**
 * Decoders for the encodings feeds use that the runtime's TextDecoder (WHATWG with ICU) lacks:
 * UTF-32 (XML allows it and feedparser reads it; WHATWG does not list it), ISO-8859-16 (listed by
 * WHATWG, absent from Node's ICU data) and x-user-defined. Every other label goes to TextDecoder.
 */

/** Decodes the bytes; `fatal` throws a TypeError on an invalid sequence, as TextDecoder does. */
export type BytesDecoder = (bytes: Uint8Array, fatal: boolean) => string;

/** windows-1252 characters of bytes 0x80–0x9F (undefined positions stay as they are). */
export const WINDOWS_1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Canonical name → decoder, for the encodings decoded here. */
const OWN_DECODERS = new Map<string, BytesDecoder>([
  ['utf-32be', utf32(false)],
  ['utf-32le', utf32(true)],
  ['iso-8859-16', singleByte(iso885916High())],
  ['x-user-defined', xUserDefined],
]);

/** Labels of the encodings decoded here (lower case, as WHATWG / IANA write them). */
const OWN_LABELS = new Map<string, string>([
  ['utf-32', 'utf-32be'],
  ['utf-32be', 'utf-32be'],
  ['utf32', 'utf-32be'],
  ['ucs-4', 'utf-32be'],
  ['iso-10646-ucs-4', 'utf-32be'],
  ['utf-32le', 'utf-32le'],
  ['iso-8859-16', 'iso-8859-16'],
  ['iso8859-16', 'iso-8859-16'],
  ['iso_8859-16', 'iso-8859-16'],
  ['iso-ir-226', 'iso-8859-16'],
  ['latin10', 'iso-8859-16'],
  ['l10', 'iso-8859-16'],
  ['x-user-defined', 'x-user-defined'],
]);

/** The canonical name of a label, or null when no decoder knows it. */
export function canonicalEncoding(label: string | null | undefined): string | null {
  const key = label?.trim().toLowerCase();
  if (!key) return null;
  const own = OWN_LABELS.get(key);
  if (own) return own;
  try {
    return new TextDecoder(key).encoding;
  } catch {
    return null;
  }
}

/** Decodes with a canonical encoding name (from canonicalEncoding); a byte order mark of that encoding is dropped. */
export function decodeBytes(bytes: Uint8Array, encoding: string, fatal = false): string {
  const own = OWN_DECODERS.get(encoding);
  if (own) return own(bytes, fatal);
  const text = new TextDecoder(encoding, { fatal }).decode(bytes);
  // Node's TextDecoder reads windows-1252 (and its ISO-8859-1 / US-ASCII labels) as Latin-1:
  // bytes 0x80–0x9F come out as C1 controls instead of the punctuation WHATWG maps them to.
  return encoding === 'windows-1252' ? text.replace(/[\u0080-\u009f]/g, (ch) => String.fromCharCode(WINDOWS_1252_C1[ch.charCodeAt(0) - 0x80] ?? ch.charCodeAt(0))) : text;
}

function utf32(littleEndian: boolean): BytesDecoder {
  return (bytes, fatal) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const whole = bytes.length - (bytes.length % 4);
    let start = 0;
    if (whole >= 4 && view.getUint32(0, littleEndian) === 0xfeff) start = 4;
    const parts: string[] = [];
    let chunk: number[] = [];
    for (let at = start; at < whole; at += 4) {
      const code = view.getUint32(at, littleEndian);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        if (fatal) throw new TypeError(`invalid UTF-32 code unit ${code.toString(16)}`);
        chunk.push(0xfffd);
      } else {
        chunk.push(code);
      }
      // String.fromCodePoint takes its arguments on the stack: flush in bounded chunks.
      if (chunk.length === 4096) {
        parts.push(String.fromCodePoint(...chunk));
        chunk = [];
      }
    }
    parts.push(String.fromCodePoint(...chunk));
    if (whole < bytes.length) {
      if (fatal) throw new TypeError('truncated UTF-32 code unit');
      parts.push('\ufffd');
    }
    return parts.join('');
  };
}

/** A decoder for a single-byte encoding whose bytes 0x00–0x9F are Latin-1 and 0xA0–0xFF are `high`. */
function singleByte(high: string): BytesDecoder {
  return (bytes) => {
    let out = '';
    for (const byte of bytes) out += byte < 0xa0 ? String.fromCharCode(byte) : high[byte - 0xa0];
    return out;
  };
}

/** ISO-8859-16 (Latin-10, South-Eastern European): the characters of bytes 0xA0–0xFF (ISO/IEC 8859-16:2001). */
function iso885916High(): string {
  const latin1 = Array.from({ length: 96 }, (_, i) => String.fromCharCode(0xa0 + i));
  const differences: Record<number, number> = {
    0xa1: 0x104, 0xa2: 0x105, 0xa3: 0x141, 0xa4: 0x20ac, 0xa5: 0x201e, 0xa6: 0x160, 0xa8: 0x161, 0xaa: 0x218,
    0xac: 0x179, 0xae: 0x17a, 0xaf: 0x17b, 0xb2: 0x10c, 0xb3: 0x142, 0xb4: 0x17d, 0xb5: 0x201d, 0xb8: 0x17e,
    0xb9: 0x10d, 0xba: 0x219, 0xbc: 0x152, 0xbd: 0x153, 0xbe: 0x178, 0xbf: 0x17c, 0xc3: 0x102, 0xc5: 0x106,
    0xd0: 0x110, 0xd1: 0x143, 0xd5: 0x150, 0xd7: 0x15a, 0xd8: 0x170, 0xdd: 0x118, 0xde: 0x21a, 0xe3: 0x103,
    0xe5: 0x107, 0xf0: 0x111, 0xf1: 0x144, 0xf5: 0x151, 0xf7: 0x15b, 0xf8: 0x171, 0xfd: 0x119, 0xfe: 0x21b,
  };
  for (const [byte, code] of Object.entries(differences)) latin1[Number(byte) - 0xa0] = String.fromCharCode(code);
  return latin1.join('');
}

/** WHATWG x-user-defined: ASCII, and bytes 0x80–0xFF as U+F780–U+F7FF. */
function xUserDefined(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += String.fromCharCode(byte < 0x80 ? byte : 0xf700 + byte);
  return out;
}
