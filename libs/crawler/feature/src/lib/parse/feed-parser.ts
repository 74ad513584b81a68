import { parseFeed, type AnyFeed } from 'feedsmith';
import { decodeDocument } from './charset';

/** The fetched document is not a feed we can read; the message names the URL. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

export function isParseError(error: unknown): error is ParseError {
  return error instanceof ParseError;
}

export interface ParsedDocument {
  feed: AnyFeed;
  /** The encoding the bytes were decoded with. */
  encoding: string;
}

// A DOCTYPE is dropped before parsing: an internal subset could declare entities (billion
// laughs, external entities), and feeds never need it.
const DOCTYPE = /<!DOCTYPE(?:[^[>]|"[^"]*"|'[^']*')*(?:\[[\s\S]*?\]\s*)?>/i;

/** Decodes and parses RSS 0.9x/2.0, Atom 1.0, RDF (RSS 1.0) or JSON Feed; anything else is a ParseError. */
export function parseFeedDocument(body: Buffer, contentType: string, url: string): ParsedDocument {
  const { text, encoding } = decodeDocument(body, contentType);
  const source = text.replace(DOCTYPE, '');
  const notAFeed = (hint: string) =>
    new ParseError(`the document at ${url} is not an RSS, Atom, RDF or JSON feed${hint ? ` (${hint})` : ''}`);
  if (!source.trim()) throw notAFeed('it is empty');
  try {
    return { feed: parseFeed(source), encoding };
  } catch {
    throw notAFeed(looksLikeHtml(text) ? 'it is an HTML page' : '');
  }
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i.test(text);
}
