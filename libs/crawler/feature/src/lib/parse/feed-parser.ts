import { MalformedError, parseFeed, type AnyFeed } from 'feedsmith';
import { decodeDocument } from './charset';
import { prepareFeedSource } from './feed-source';

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

/** Decodes and parses RSS 0.9x/2.0, Atom 1.0, RDF (RSS 1.0) or JSON Feed; anything else is a ParseError. */
export function parseFeedDocument(body: Buffer, contentType: string, url: string): ParsedDocument {
  const { text, encoding } = decodeDocument(body, contentType);
  const source = prepareFeedSource(text);
  const notAFeed = (hint: string) =>
    new ParseError(`the document at ${url} is not an RSS, Atom, RDF or JSON feed${hint ? ` (${hint})` : ''}`);
  if (!source.trim()) throw notAFeed('it is empty');
  try {
    return { feed: parseFeed(source), encoding };
  } catch (error) {
    const empty = error instanceof MalformedError ? null : emptyFeedOf(source);
    if (empty) return { feed: empty, encoding };
    throw notAFeed(looksLikeHtml(text) ? 'it is an HTML page' : '');
  }
}

/**
 * A well-formed feed with nothing the parser keeps (no title, no items: a feed just created, or
 * one whose only elements we do not store) is an empty feed, not an error.
 */
function emptyFeedOf(source: string): AnyFeed | null {
  const root = /^\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*)*<([\w.:-]+)[\s>/]/.exec(source)?.[1] ?? '';
  switch (root.replace(/^[\w.-]+:(?=(?:rss|feed)$)/, '')) {
    case 'rss':
      return { format: 'rss', feed: { title: '', link: '', description: '', items: [] } };
    case 'feed':
      return { format: 'atom', feed: { id: '', title: { value: '' }, updated: '', entries: [] } };
    case 'rdf:RDF':
      return { format: 'rdf', feed: { title: '', link: '', description: '', items: [] } };
    default:
      return null;
  }
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i.test(text);
}
