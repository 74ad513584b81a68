import { MalformedError, parseFeed, type AnyFeed } from 'feedsmith';
import { decodeDocument } from './charset';
import { prepareFeedSource } from './feed-source';
import { feedOf } from './feed-structure';
import { parseXmlTree } from './feed-xml';

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
  const xml = /^\s*</.test(source) ? readXmlFeed(source) : null;
  if (xml) return { feed: xml, encoding };
  try {
    return { feed: parseFeed(source), encoding };
  } catch (error) {
    const empty = error instanceof MalformedError ? null : emptyFeedOf(source);
    if (empty) return { feed: empty, encoding };
    throw notAFeed(looksLikeHtml(text) ? 'it is an HTML page' : '');
  }
}

/**
 * RSS (and CDF), Atom and RDF are read by our own mapping of the document's elements: what the
 * crawler reads of them, in the shape feedsmith gives it. Null when the root element is none of
 * them (feedsmith then has its say, as it finds feeds anywhere in a document).
 */
function readXmlFeed(source: string): AnyFeed | null {
  const tree = parseXmlTree(source);
  if (!tree) return null;
  const name = tree.root.name;
  const known = tree.format === 'atom' ? name === 'feed' : tree.format === 'rdf' ? name === 'rdf' : name === 'rss' || name === 'channel';
  return known ? feedOf(tree.root, tree.format) : null;
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
