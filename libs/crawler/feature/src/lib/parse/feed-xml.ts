import { decodeHTML } from 'entities';
import { Tokenizer } from 'htmlparser2';

/**
 * An element of a feed document as the feed readers need it: its name (lower case, namespace
 * prefix replaced by the usual prefix of its namespace URI), attributes as written (entities not
 * decoded) and the markup between its tags as written. Only elements that can hold feed fields
 * get their child elements listed; the content of a text field (inline XHTML, say) is read from
 * `inner`, never walked.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  inner: string;
}

export type XmlFeedFormat = 'rss' | 'atom' | 'rdf';

/** Namespace URIs (lower case, without scheme and trailing slash) and the prefix their elements are read under. */
const NAMESPACE_PREFIXES = new Map<string, string>();
function bind(prefix: string, uris: string[]): void {
  for (const uri of uris) NAMESPACE_PREFIXES.set(namespaceKey(uri), prefix);
}
bind('atom', ['www.w3.org/2005/Atom', 'purl.org/atom/ns#']);
bind('dc', ['purl.org/dc/elements/1.1', 'dublincore.org/documents/dcmi-namespace', 'purl.org/dc/elements/1.0']);
bind('dcterms', ['purl.org/dc/terms', 'dublincore.org/documents/dcmi-terms', 'dublincore.org/specifications/dublin-core/dcmi-terms']);
bind('content', ['purl.org/rss/1.0/modules/content']);
bind('itunes', ['www.itunes.com/dtds/podcast-1.0.dtd', 'example.com/dtds/podcast-1.0.dtd']);
bind('media', [
  'search.yahoo.com/mrss',
  'video.search.yahoo.com/mrss',
  'www.rssboard.org/media-rss',
  'search.yahoo.com/searchmonkey/media',
  'tools.search.yahoo.com/mrss',
]);
bind('rdf', ['www.w3.org/1999/02/22-rdf-syntax-ns#']);
bind('rss', ['purl.org/rss/1.0', 'channel.netscape.com/rdf/simple/0.9']);

function namespaceKey(uri: string): string {
  return uri.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/**
 * Extension vocabularies whose elements keep their prefix when a default namespace
 * (`<creator xmlns="http://purl.org/dc/elements/1.1/">`) puts them there: feedparser recognises
 * elements by namespace URI, not by how they are written.
 */
const EXTENSION_PREFIXES = new Set(['dc', 'dcterms', 'content', 'itunes', 'media']);

function extensionPrefix(uri: string): string | null {
  const prefix = NAMESPACE_PREFIXES.get(namespaceKey(uri));
  return prefix && EXTENSION_PREFIXES.has(prefix) ? prefix : null;
}

/** Prefixes that are the format's own vocabulary: `<atom:entry>` in an Atom feed is `<entry>`. */
const OWN_PREFIXES: Record<XmlFeedFormat, ReadonlySet<string>> = {
  rss: new Set(),
  atom: new Set(['atom']),
  rdf: new Set(['rdf', 'rss']),
};

/** Elements whose children are feed fields (the children of the rest are not kept). */
const CONTAINERS = new Set([
  'rss',
  'channel',
  'item',
  'feed',
  'entry',
  'rdf',
  'items',
  'seq',
  'author',
  'contributor',
  'atom:author',
  'media:group',
  'media:content',
]);

/**
 * Fields whose content may be markup (unescaped HTML, inline XHTML): read as written up to their
 * own end tag, whatever tags are inside.
 */
const TEXT_FIELDS = new Set([
  'title',
  'description',
  'content:encoded',
  'summary',
  'content',
  'subtitle',
  'tagline',
  'rights',
  'copyright',
  'info',
  'abstract',
  'dc:title',
  'dc:description',
  'dcterms:abstract',
  'itunes:summary',
  'itunes:subtitle',
  'media:title',
  'media:description',
]);

/** Elements that never sit inside a field or inside one of their own kind: they close those left open. */
const ITEM_STARTS = new Set(['item', 'entry', 'channel']);

interface OpenElement {
  /** The tag name as written, lower case: end tags are matched against it. */
  tag: string;
  /** Null for an element inside one whose children are not kept. */
  element: XmlElement | null;
  /** Its child elements are kept (it is one of CONTAINERS). */
  container: boolean;
  /** The prefix of the extension namespace its unprefixed descendants are in (a default xmlns), if any. */
  defaultPrefix: string | null;
  innerStart: number;
}

/**
 * Reads the element tree of a feed document with htmlparser2's tokenizer in XML mode, which
 * never gives up on broken markup (as feed readers must not). Broken markup is read as feed
 * parsers do: the content of a text field (title, description, content…) is markup kept as
 * written, and inside it only the field's own end tag counts (a stray `</item>` in an unescaped
 * HTML description does not end the item); an end tag of no open element is ignored, one of an
 * outer element closes the elements inside it, and an item or entry closes the fields and the
 * item left open before it. Null when there is no root element, or when the markup is too broken
 * for the tokenizer to find a text field's end.
 */
export function parseXmlTree(source: string): { root: XmlElement; format: XmlFeedFormat } | null {
  const prefixes = new Map<string, string>();
  let format: XmlFeedFormat = 'rss';
  let root: XmlElement | null = null;
  let done = false;
  let misread = false;
  const open: OpenElement[] = [];
  // How many elements of each tag are open: an end tag of none is dismissed without a search.
  const openTags = new Map<string, number>();
  // Inside a text field: how many elements of the field's own name are open within it.
  let field: OpenElement | null = null;
  let nestedInField = 0;
  // The start tag being read.
  let tag = '';
  let tagStart = 0;
  let attributes = noAttributes();
  let attribute = '';
  let value = '';

  const canonicalName = (name: string, defaultPrefix: string | null): string => {
    const colon = name.indexOf(':');
    if (colon < 0) return defaultPrefix ? `${defaultPrefix}:${name}` : name;
    const prefix = name.slice(0, colon);
    const canonical = prefixes.get(prefix) ?? prefix;
    if (OWN_PREFIXES[format].has(canonical)) return name.slice(colon + 1);
    return canonical === prefix ? name : `${canonical}:${name.slice(colon + 1)}`;
  };

  /** Closes the open elements down to `depth`; their content ends where the end tag starts. */
  const closeTo = (depth: number, innerEnd: number) => {
    while (open.length > depth) {
      const entry = open.pop() as OpenElement;
      openTags.set(entry.tag, (openTags.get(entry.tag) ?? 1) - 1);
      if (entry === field) field = null;
      if (entry.element) entry.element.inner = source.slice(entry.innerStart, Math.max(entry.innerStart, innerEnd));
    }
    if (!open.length) done = true;
  };

  const startElement = (innerStart: number): OpenElement | null => {
    if (done || !tag) return null;
    if (field) {
      if (tag === field.tag) nestedInField++;
      return null;
    }
    for (const name in attributes) {
      if (name.startsWith('xmlns:')) {
        const known = NAMESPACE_PREFIXES.get(namespaceKey(attributes[name]));
        if (known) prefixes.set(name.slice(6), known);
      }
    }
    if (!root) format = formatOfRoot(tag);
    const parentDefault = open.length ? open[open.length - 1].defaultPrefix : null;
    const defaultPrefix = 'xmlns' in attributes ? extensionPrefix(attributes['xmlns']) : parentDefault;
    const name = canonicalName(tag, defaultPrefix);
    if (ITEM_STARTS.has(name)) {
      // Items do not nest: one still open ends here, and so do fields left open.
      let depth = open.length;
      while (depth > 1 && !open[depth - 1].container) depth--;
      if (openTags.get(tag)) {
        for (let same = open.length - 1; same > 0; same--) {
          if (open[same].element?.name === name) {
            depth = same;
            break;
          }
        }
      }
      if (depth < open.length) closeTo(depth, tagStart);
    }
    const parent = open[open.length - 1];
    let element: XmlElement | null = null;
    if (!parent || parent.container) {
      element = { name, attributes, children: [], inner: '' };
      if (parent?.element) parent.element.children.push(element);
      else root = element;
    }
    const entry: OpenElement = { tag, element, container: element !== null && CONTAINERS.has(name), innerStart, defaultPrefix };
    open.push(entry);
    openTags.set(tag, (openTags.get(tag) ?? 0) + 1);
    if (element && TEXT_FIELDS.has(name)) {
      field = entry;
      nestedInField = 0;
    }
    return entry;
  };

  const endTag = (name: string, start: number) => {
    if (done) return;
    if (field) {
      if (name !== field.tag) return;
      if (nestedInField > 0) {
        nestedInField--;
        return;
      }
    }
    if (!openTags.get(name)) return;
    for (let depth = open.length - 1; depth >= 0; depth--) {
      if (open[depth].tag === name) return closeTo(depth, start);
    }
  };

  const noop = () => undefined;
  const tokenizer = new Tokenizer(
    { xmlMode: true, decodeEntities: false },
    {
      onopentagname(start, end) {
        tag = tagName(source.slice(start, end));
        tagStart = start - 1;
        attributes = noAttributes();
      },
      onattribname(start, end) {
        attribute = source.slice(start, end).toLowerCase();
        value = '';
      },
      onattribdata(start, end) {
        value += source.slice(start, end);
      },
      onattribend() {
        if (!field && !(attribute in attributes)) attributes[attribute] = value;
      },
      onopentagend(end) {
        startElement(end + 1);
      },
      onselfclosingtag(end) {
        const entry = startElement(end + 1);
        if (entry) endTag(entry.tag, end + 1);
        else if (field && tag === field.tag) nestedInField--;
      },
      onclosetag(start, end) {
        endTag(tagName(source.slice(start, end)), source.lastIndexOf('<', start));
      },
      onend() {
        // A field still open whose end tag is there after all was misread (an unescaped "<" in
        // it started a tag that swallowed the end tag): the tree is not the document.
        if (field && new RegExp(`</${escapeRegExp(field.tag)}[\\s>]`, 'i').test(source.slice(field.innerStart))) misread = true;
        if (!done && open.length) closeTo(0, source.length);
      },
      onattribentity: noop,
      oncdata: noop,
      oncomment: noop,
      ondeclaration: noop,
      onprocessinginstruction: noop,
      ontext: noop,
      ontextentity: noop,
    },
  );
  tokenizer.write(source);
  tokenizer.end();
  return root && !misread ? { root, format } : null;
}

/**
 * A tag's name in lower case. XML mode takes whatever follows "<" up to a space or ">" as a name;
 * a stray "<" in it ("<<item>", "</channel<>", a typo) is left out, and so is anything before the
 * first character a name can start with.
 */
function tagName(written: string): string {
  const name = written.toLowerCase();
  if (/^[a-z_][^<]*$/.test(name)) return name;
  return name.replace(/</g, '').replace(/^[^\p{L}_:]+/u, '');
}

/** A map without a prototype: attribute names such as "__proto__" or "constructor" are names like any other. */
function noAttributes(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** The format a root element names (`<feed>`, `<rdf:RDF>`, else RSS); whether it is one at all is the caller's to say. */
function formatOfRoot(tag: string): XmlFeedFormat {
  const local = tag.slice(tag.indexOf(':') + 1);
  return local === 'feed' ? 'atom' : local === 'rdf' ? 'rdf' : 'rss';
}

/** The first child element of that name. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const c of element.children) if (c.name === name) return c;
  return undefined;
}

export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/**
 * The text of a field as feed readers take it: comments dropped, CDATA sections taken as
 * written, HTML entities decoded outside them, surrounding whitespace trimmed; undefined when empty.
 */
export function fieldText(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const text = decodeWithCdata(withoutComments(raw)).trim();
  return text || undefined;
}

/** The text of an element's first child of that name. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  return fieldText(child(element, name)?.inner);
}

/** The texts of every child of that name that has one. */
export function childTexts(element: XmlElement | undefined, name: string): string[] | undefined {
  if (!element) return undefined;
  const texts: string[] = [];
  for (const c of element.children) {
    if (c.name !== name) continue;
    const text = fieldText(c.inner);
    if (text !== undefined) texts.push(text);
  }
  return texts.length ? texts : undefined;
}

/** An attribute's value with entities decoded and trimmed; undefined when empty. */
export function attributeText(element: XmlElement | undefined, name: string): string | undefined {
  const raw = element?.attributes[name];
  return raw ? fieldText(raw) : undefined;
}

function hasEntities(text: string): boolean {
  const amp = text.indexOf('&');
  return amp >= 0 && text.indexOf(';', amp) >= 0;
}

function decoded(text: string): string {
  return hasEntities(text) ? decodeHTML(text) : text;
}

function withoutComments(text: string): string {
  let at = text.indexOf('<!--');
  if (at < 0) return text;
  let out = '';
  let last = 0;
  while (at >= 0) {
    const end = text.indexOf('-->', at + 4);
    if (end < 0) return text; // an unterminated comment is text
    out += text.slice(last, at);
    last = end + 3;
    at = text.indexOf('<!--', last);
  }
  return out + text.slice(last);
}

function decodeWithCdata(text: string): string {
  let at = text.indexOf('<![CDATA[');
  if (at < 0) return decoded(text);
  let out = '';
  let last = 0;
  while (at >= 0) {
    const end = text.indexOf(']]>', at + 9);
    if (end < 0) return decoded(text); // an unterminated section is text
    out += decoded(text.slice(last, at)) + text.slice(at + 9, end);
    last = end + 3;
    at = text.indexOf('<![CDATA[', last);
  }
  return out + decoded(text.slice(last));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
