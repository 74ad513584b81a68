import { isUtf8 } from 'node:buffer';
import { detectEncoding } from './charset-detector';
import { canonicalEncoding, decodeBytes } from './text-decoders';

/**
 * Turns the bytes of a feed into text, choosing the encoding as feedparser documents it
 * ("Character Encoding Detection"):
 *
 * 1. A byte order mark (UTF-8, UTF-16, UTF-32) names the encoding; it cannot be there by accident.
 * 2. RFC 3023: for application/*xml (and any non-text type) the Content-Type charset, else the
 *    XML declaration, else the encoding sniffed from the first bytes (XML 1.0 appendix F), else
 *    UTF-8; for text/*xml the charset, else US-ASCII — the declaration is not consulted.
 * 3. When the bytes disprove that choice (invalid sequences in a multi-byte encoding, non-ASCII
 *    bytes under US-ASCII, a UTF-16 declaration read in ASCII), the document is re-read with, in
 *    order: the XML declaration, the appendix-F sniff, detection, UTF-8, windows-1252.
 *
 * A charset that is explicit and mostly right keeps its reading: a handful of invalid bytes in a
 * UTF-8 document declared UTF-8 become U+FFFD rather than turning the document into mojibake (as
 * feedparser does since it decodes declared UTF-8 with replacement).
 */
export function decodeDocument(body: Buffer, contentType = ''): { text: string; encoding: string } {
  const bom = bomOf(body);
  if (bom) return { text: decodeBytes(body.subarray(bom.length), bom.encoding), encoding: bom.encoding };

  const sniffed = sniffedEncoding(body);
  const declared = usableDeclaration(xmlDeclaredEncoding(body), sniffed);
  const charset = resolveUtf16(canonicalEncoding(charsetOfContentType(contentType)), sniffed);
  if (charset) {
    const text = readingOf(body, charset, true);
    if (text !== null) return { text, encoding: charset };
  } else if (isTextXml(contentType)) {
    // RFC 3023's US-ASCII for text/*xml without a charset holds when every byte is below 0x80
    // (WHATWG, and so TextDecoder, reads the "us-ascii" label as windows-1252).
    if (isAsciiOnly(body) && sniffed !== 'iso-2022-jp') return { text: body.toString('latin1'), encoding: 'windows-1252' };
  } else if (declared) {
    const text = readingOf(body, declared, true);
    if (text !== null) return { text, encoding: declared };
  } else if (sniffed) {
    // Zero bytes around ASCII are as explicit as a declaration.
    const text = readingOf(body, sniffed, true);
    if (text !== null) return { text, encoding: sniffed };
  }

  // Evaluated in turn: detection, the costly one, runs only when the cheaper candidates fail.
  // [candidate, whether the document names it]: a named encoding may keep a few invalid bytes.
  const fallbacks: Array<() => [string | null, boolean]> = [
    () => [declared, true],
    () => [sniffed, true],
    () => [isUtf8(body) ? 'utf-8' : null, false],
    () => [detectEncoding(body), false],
    () => ['utf-8', false],
  ];
  for (const candidate of fallbacks) {
    const [encoding, named] = candidate();
    const text = encoding ? readingOf(body, encoding, named) : null;
    if (text !== null && encoding) return { text, encoding };
  }
  return { text: decodeBytes(body, 'windows-1252'), encoding: 'windows-1252' };
}

/**
 * The text when the bytes read cleanly in the encoding (single-byte encodings read anything), or,
 * for an encoding the document names explicitly (`explicit`), when they mostly do: at most one
 * replacement character per 50 non-ASCII characters — a wrong charset fails far more often. Null otherwise.
 */
function readingOf(body: Buffer, encoding: string, explicit: boolean): string | null {
  if (encoding === 'utf-8' && isUtf8(body)) return decodeBytes(body, encoding);
  try {
    return decodeBytes(body, encoding, true);
  } catch {
    // not clean: judged below
  }
  if (!explicit) return null;
  const text = decodeBytes(body, encoding);
  let replaced = 0;
  let nonAscii = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd) replaced++;
    else if (code >= 0x80) nonAscii++;
  }
  return replaced * 50 <= nonAscii ? text : null;
}

interface Bom {
  encoding: string;
  length: number;
}

/** The byte order mark, if any (UTF-32LE's starts like UTF-16LE's, so it is tested first). */
function bomOf(body: Buffer): Bom | null {
  const [b0, b1, b2, b3] = [body[0], body[1], body[2], body[3]];
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return { encoding: 'utf-32le', length: 4 };
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return null;
}

/** ESC $ @ and ESC $ B (JIS X 0208), ESC ( J (JIS X 0201 Roman). */
const ISO_2022_JP_ESCAPES = [Buffer.from([0x1b, 0x24, 0x40]), Buffer.from([0x1b, 0x24, 0x42]), Buffer.from([0x1b, 0x28, 0x4a])];

/**
 * XML 1.0 appendix F: without a byte order mark, a document starts with "<" (or "<?xml"), and the
 * pattern of zero bytes around it tells UTF-32 and UTF-16 and their byte orders apart (leading
 * whitespace is read the same way). Also ISO-2022-JP, which is 7-bit and announces itself with
 * escape sequences. Null for other ASCII-compatible bytes.
 */
export function sniffedEncoding(body: Buffer): string | null {
  if (body.length >= 4) {
    // Text in an ASCII-compatible encoding has no zero bytes; the first character of an XML
    // document ("<", or whitespace before it) is ASCII, so its zero bytes give width and order.
    const [b0, b1, b2, b3] = [body[0], body[1], body[2], body[3]];
    const ascii = (b: number) => b > 0 && b < 0x80;
    if (b0 === 0 && b1 === 0 && b2 === 0 && ascii(b3)) return 'utf-32be';
    if (ascii(b0) && b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32le';
    if (b0 === 0 && ascii(b1) && b2 === 0 && ascii(b3)) return 'utf-16be';
    if (ascii(b0) && b1 === 0 && ascii(b2) && b3 === 0) return 'utf-16le';
  }
  const head64k = body.subarray(0, 64 * 1024);
  if (isAsciiOnly(body) && ISO_2022_JP_ESCAPES.some((escape) => head64k.includes(escape))) return 'iso-2022-jp';
  return null;
}

/**
 * The declared encoding when it can be true: a declaration readable as ASCII rules out UTF-16 and
 * UTF-32 (they would have written it in two or four bytes per character), and an encoding sniffed
 * from the zero bytes overrides a declaration that names the other width.
 */
function usableDeclaration(label: string | null, sniffed: string | null): string | null {
  const declared = resolveUtf16(canonicalEncoding(label), sniffed);
  if (!declared) return null;
  const wide = /^utf-(16|32)/.test(declared);
  if (sniffed && /^utf-(16|32)/.test(sniffed)) return sniffed;
  return wide ? null : declared;
}

/** "utf-16" without a byte order says nothing of it: the sniffed order decides (TextDecoder would assume LE). */
function resolveUtf16(encoding: string | null, sniffed: string | null): string | null {
  if (encoding === 'utf-16le' && sniffed === 'utf-16be') return sniffed;
  if (encoding === 'utf-32be' && sniffed === 'utf-32le') return sniffed;
  return encoding;
}

function isTextXml(contentType: string): boolean {
  return /^\s*text\/[^;\s]*xml[^;\s]*\s*(?:;|$)/i.test(contentType);
}

function isAsciiOnly(body: Buffer): boolean {
  for (const byte of body) if (byte >= 0x80) return false;
  return true;
}

/** The charset parameter of a Content-Type header; the value may be quoted with " or ' and spaced around "=". */
export function charsetOfContentType(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*(["']?)\s*([^"';\s]+)\s*\1/i.exec(contentType);
  return match ? match[2] : null;
}

/** The encoding named by the XML declaration, read in ASCII or (after appendix-F sniffing) in UTF-16/32. */
export function xmlDeclaredEncoding(body: Buffer): string | null {
  const sniffed = sniffedEncoding(body);
  const head = sniffed && /^utf-(16|32)/.test(sniffed) ? decodeBytes(body.subarray(0, 2048), sniffed) : body.subarray(0, 512).toString('latin1');
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match ? match[1] : null;
}
