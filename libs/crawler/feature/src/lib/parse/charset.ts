/**
 * Turns the bytes of a feed into text. The encoding comes from a byte order mark, else the
 * charset of the Content-Type header, else the XML declaration, else UTF-8 (a BOM wins over
 * the header, as in the WHATWG encoding sniffing rules: it cannot be there by accident).
 */
export function decodeDocument(body: Buffer, contentType = ''): { text: string; encoding: string } {
  const encoding = bomEncoding(body) ?? supported(charsetOfContentType(contentType)) ?? supported(xmlDeclaredEncoding(body)) ?? 'utf-8';
  // TextDecoder drops a BOM that matches the encoding; invalid bytes become U+FFFD.
  return { text: new TextDecoder(encoding).decode(body), encoding };
}

function bomEncoding(body: Buffer): string | null {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return null;
}

export function charsetOfContentType(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match ? match[2] : null;
}

export function xmlDeclaredEncoding(body: Buffer): string | null {
  // The declaration is ASCII in every encoding a declaration can name (UTF-16 has a BOM).
  const head = body.subarray(0, 512).toString('latin1');
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match ? match[1] : null;
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
