import { isAscii, isUtf8 } from 'node:buffer';
import { detectEncoding } from './charset-detector';

/**
 * Turns the bytes of a feed into text. The encoding comes from a byte order mark, else the
 * charset of the Content-Type header, else the XML declaration, else — when nothing declares
 * one — UTF-8 if the bytes are valid UTF-8, otherwise the legacy encoding the text reads best
 * in (a BOM wins over the header, as in the WHATWG encoding sniffing rules: it cannot be there
 * by accident).
 */
export function decodeDocument(body: Buffer, contentType = ''): { text: string; encoding: string } {
  const encoding =
    bomEncoding(body) ??
    supported(charsetOfContentType(contentType)) ??
    textMediaTypeDefault(body, contentType) ??
    supported(xmlDeclaredEncoding(body)) ??
    undeclaredEncoding(body);
  // TextDecoder drops a BOM that matches the encoding; invalid bytes become U+FFFD.
  return { text: new TextDecoder(encoding).decode(body), encoding };
}

function bomEncoding(body: Buffer): string | null {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return null;
}

/** The charset parameter of a Content-Type header; the value may be quoted with " or ' and spaced around "=". */
export function charsetOfContentType(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*(["']?)\s*([^"';\s]+)\s*\1/i.exec(contentType);
  return match ? match[2] : null;
}

export function xmlDeclaredEncoding(body: Buffer): string | null {
  // The declaration is ASCII in every encoding a declaration can name (UTF-16 has a BOM).
  const head = body.subarray(0, 512).toString('latin1');
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match ? match[1] : null;
}

/**
 * RFC 3023 gives text/* XML without a charset the encoding US-ASCII, whatever the XML
 * declaration says. Real servers send UTF-8 that way too (RFC 7303 dropped the rule), so the
 * default is applied only to an all-ASCII body, where it cannot change a single character.
 */
function textMediaTypeDefault(body: Buffer, contentType: string): string | null {
  if (!/^\s*text\/[^;\s]*xml[^;\s]*\s*(?:;|$)/i.test(contentType)) return null;
  return isAscii(body) ? supported('us-ascii') : null;
}

function undeclaredEncoding(body: Buffer): string {
  if (isUtf8(body)) return 'utf-8';
  return detectEncoding(body) ?? 'utf-8';
}

/** The label when TextDecoder knows it, else null (an unknown label falls through to the next source). */
function supported(label: string | null): string | null {
  if (!label) return null;
  try {
    return new TextDecoder(label.trim().toLowerCase()).encoding;
  } catch {
    return null;
  }
}
