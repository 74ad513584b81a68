import { XMLValidator } from 'fast-xml-parser';
import { generateOpml, parseOpml, type Opml } from 'feedsmith';
import { DomainError } from '@autoglm/shared-errors';

/** A feed listed in an OPML document. */
export interface OpmlFeed {
  /** xmlUrl, as written (validated later, one by one). */
  url: string;
  title: string;
  /** Names of the enclosing folders joined with CATEGORY_SEPARATOR; empty at the top level. */
  category: string;
}

/** A source to write into an OPML document. */
export interface OpmlEntry {
  url: string;
  title: string;
  category: string;
}

export const CATEGORY_SEPARATOR = ' / ';
/** Largest OPML document accepted (characters). */
export const MAX_OPML_LENGTH = 5 * 1024 * 1024;
/** Most feeds one import registers. */
export const MAX_OPML_FEEDS = 5_000;
/** Deepest folder nesting accepted: real subscription lists have two or three levels. */
export const MAX_OPML_DEPTH = 32;

type Outline = Opml.Outline<string>;

/**
 * The feeds of an OPML document (1.0 or 2.0): every outline with an xmlUrl, in document order,
 * with its folder path as category. The XML is parsed without expanding entities (only the five
 * predefined ones and character references are decoded); documents that declare entities are
 * refused outright. Throws INVALID_ARGUMENT with a message a user can act on.
 */
export function parseOpmlFeeds(xml: string): OpmlFeed[] {
  const text = (xml ?? '').replace(/^\uFEFF/, '').trim();
  if (!text) throw DomainError.invalidArgument('the OPML document is empty');
  if (text.length > MAX_OPML_LENGTH) {
    throw DomainError.invalidArgument(`the OPML document is larger than ${MAX_OPML_LENGTH} characters`);
  }
  if (/<!ENTITY/i.test(text)) {
    throw DomainError.invalidArgument('OPML documents that declare entities (<!ENTITY …>) are not accepted');
  }
  if (!/<opml[\s>]/i.test(text)) {
    throw DomainError.invalidArgument('the document is not OPML: it has no <opml> root element');
  }
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) {
    const { msg, line, col } = wellFormed.err;
    throw DomainError.invalidArgument(`the OPML document is not well-formed XML (line ${line}, column ${col}): ${msg}`);
  }
  let document: Opml.Document<string>;
  try {
    document = parseOpml(text);
  } catch (error) {
    // feedsmith refuses a document without outlines: a valid, empty subscription list.
    if (!/<outline[\s/>]/i.test(text) && /<body[\s/>]/i.test(text)) return [];
    const reason = error instanceof RangeError ? 'its outlines are nested too deeply' : 'it has no <body> with outlines';
    throw DomainError.invalidArgument(`the OPML document could not be read: ${reason}`);
  }
  if (!document.body) {
    // An empty <body/> is a valid, empty list; a document without any body is not OPML.
    if (/<body[\s/>]/i.test(text)) return [];
    throw DomainError.invalidArgument('the OPML document could not be read: it has no <body> with outlines');
  }
  const feeds: OpmlFeed[] = [];
  collect(document.body.outlines ?? [], [], feeds);
  return feeds;
}

function collect(outlines: readonly Outline[], folders: string[], out: OpmlFeed[]): void {
  if (folders.length > MAX_OPML_DEPTH) {
    throw DomainError.invalidArgument(`the OPML folders are nested more than ${MAX_OPML_DEPTH} levels deep`);
  }
  for (const outline of outlines) {
    const name = clean(outline.title || outline.text || '');
    const xmlUrl = (outline.xmlUrl ?? '').trim();
    if (xmlUrl) {
      if (out.length >= MAX_OPML_FEEDS) {
        throw DomainError.invalidArgument(`the OPML document lists more than ${MAX_OPML_FEEDS} feeds; split it into smaller files`);
      }
      const category = folders.length ? folders.join(CATEGORY_SEPARATOR) : categoryAttribute(outline.category);
      out.push({ url: xmlUrl, title: name, category });
    }
    // A feed outline with children is unusual; its children stay in the feed's own folder.
    if (outline.outlines?.length) collect(outline.outlines, xmlUrl ? folders : [...folders, name || 'Untitled'], out);
  }
}

/** OPML 2.0 `category`: comma-separated slash paths ("/Tech/AI,/News"); the first path is used. */
function categoryAttribute(value: string | undefined): string {
  const first = (value ?? '').split(',')[0] ?? '';
  return first
    .split('/')
    .map((part) => clean(part))
    .filter(Boolean)
    .join(CATEGORY_SEPARATOR);
}

/**
 * An OPML 2.0 document of the sources: a folder per category level (categories split on
 * CATEGORY_SEPARATOR), folders and feeds in the order they first appear.
 */
export function buildOpml(entries: readonly OpmlEntry[], title = 'Open-AutoGLM sources'): string {
  const root: Outline[] = [];
  const folders = new Map<string, Outline[]>();
  const folderOf = (path: string[]): Outline[] => {
    let children = root;
    for (let depth = 1; depth <= path.length; depth++) {
      const key = path.slice(0, depth).join('\u0000');
      let next = folders.get(key);
      if (!next) {
        next = [];
        folders.set(key, next);
        children.push({ text: path[depth - 1] ?? '', outlines: next });
      }
      children = next;
    }
    return children;
  };
  for (const entry of entries) {
    const path = entry.category
      .split(CATEGORY_SEPARATOR)
      .map((part) => xmlSafe(part.trim()))
      .filter(Boolean);
    const name = xmlSafe(entry.title.trim()) || entry.url;
    folderOf(path).push({ type: 'rss', text: name, title: name, xmlUrl: entry.url });
  }
  if (root.length === 0) {
    // feedsmith refuses to write an empty body; an empty list is still a valid document.
    return `<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">\n  <head>\n    <title>${escapeXml(title)}</title>\n  </head>\n  <body/>\n</opml>\n`;
  }
  return generateOpml({ head: { title }, body: { outlines: root } });
}

function escapeXml(text: string): string {
  return xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Characters XML 1.0 cannot carry (a title may contain them; the document must stay well-formed). */
function xmlSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}
