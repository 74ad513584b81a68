import type { AnyFeed, AtomFeed, RdfFeed, RssFeed } from 'feedsmith';
import { attributeText, child, childText, childTexts, childrenNamed, fieldText, type XmlElement, type XmlFeedFormat } from './feed-xml';

// The element tree of an RSS, Atom or RDF document mapped to the structure feedsmith's parser
// returns (AnyFeed), limited to the fields the crawler reads (extractFeed, WebSub discovery):
// the same fields mean the same thing whichever parser produced them.

/**
 * What feedparser's rules need beyond feedsmith's shape, attached to each feed, item and entry
 * read by our own parser (feedsmith's JSON Feed path has none of it).
 */
export interface FeedRuleExtras {
  /** xml:base values in effect, outermost first (the document's base comes before them). */
  bases?: {
    /** For the item's own attributes (rdf:about) and what has no more specific base. */
    item: string[];
    /** For its link element's text (the link element's own xml:base included). */
    link: string[];
    /** For its id element's text (guid, atom:id). */
    id: string[];
    /** For links inside its content (the content element's own xml:base included). */
    content: string[];
    /** For links inside its summary. */
    summary: string[];
  };
  /** Dates as feedparser fills them: a later element of the same field overwrites an earlier one. */
  dates?: { published?: string; updated?: string; created?: string };
  /**
   * The author as feedparser fills it for RSS and RDF: author, dc:creator, dc:author and
   * itunes:author all fill the one field, the later element overwriting; a person written
   * "email (Name)" or "Name <email>" gives the name (the address when there is no name).
   */
  author?: string;
}

/** Channel-level xml:base values in effect (RSS root and channel, Atom feed, RDF root), outermost first. */
export interface FeedBaseExtras {
  bases?: string[];
  /** For the channel's link element (its own xml:base included). */
  linkBases?: string[];
}

type Person = { name?: string; email?: string; uri?: string; link?: string };
/** `base`: the link element's own xml:base, which applies to its href (XML Base: an element's attributes are in its scope). */
type Link = { href?: string; rel?: string; type?: string; base?: string };

export function feedOf(root: XmlElement, format: XmlFeedFormat): AnyFeed {
  switch (format) {
    case 'rss':
      return { format: 'rss', feed: rssFeed(root) };
    case 'atom':
      return { format: 'atom', feed: atomFeed(root) };
    case 'rdf':
      return { format: 'rdf', feed: rdfFeed(root) };
  }
}

// ---- RSS 0.9x / 2.0 ----

/**
 * RSS, and CDF (Microsoft's Channel Definition Format: `<CHANNEL>` as the root, `<ITEM HREF>`,
 * `<ABSTRACT>` for the description), which is RSS's forerunner and reads the same way.
 */
function rssFeed(root: XmlElement): RssFeed.Feed<string> {
  const cdf = root.name === 'channel';
  const channel = cdf ? root : child(root, 'channel');
  let items = childrenNamed(channel, 'item');
  if (!items.length && !cdf) items = childrenNamed(root, 'item');
  const bases = basesOf(cdf ? [root] : [root, channel]);
  return {
    // feed.title: title, dc:title — feedparser keeps the later of them.
    title: lastText(channel, ['title', 'dc:title']),
    link: lastText(channel, ['link']) ?? (cdf ? attributeText(channel, 'href') : undefined),
    // feed.subtitle: description, dc:description, itunes:subtitle — the later of them.
    description: lastText(channel, ['description', 'dc:description', 'itunes:subtitle']) ?? (cdf ? childText(channel, 'abstract') : undefined),
    items: items.map((item) => rssItem(item, cdf, bases)),
    bases,
    linkBases: [...bases, ...basesOf([lastChild(channel, ['link'])])],
    atom: atomLinksOf(channel),
    dc: dcOf(channel),
    itunes: prune({ subtitle: childText(channel, 'itunes:subtitle'), summary: childText(channel, 'itunes:summary') }),
  } as RssFeed.Feed<string>;
}

function rssItem(item: XmlElement, cdf: boolean, feedBases: string[]): RssFeed.Item<string> & FeedRuleExtras {
  const guid = lastChild(item, ['guid']);
  const authors = childrenNamed(item, 'author')
    .map((a) => rssPerson(a))
    .filter((p): p is Person => p !== undefined);
  const summaries = summaryElements(item);
  const content = child(item, 'content:encoded') ?? summaries[1];
  return prune({
    title: lastText(item, ['title', 'dc:title']),
    link: lastText(item, ['link']) ?? (cdf ? attributeText(item, 'href') : undefined),
    description: fieldText(summaries[0]?.inner) ?? (cdf ? childText(item, 'abstract') : undefined),
    authors: authors.length ? authors : undefined,
    guid: guid ? prune({ value: fieldText(guid.inner), isPermaLink: booleanOf(guid.attributes['ispermalink']) }) : undefined,
    pubDate: childText(item, 'pubdate'),
    dc: dcOf(item),
    dcterms: prune({
      issued: childTexts(item, 'dcterms:issued'),
      modified: childTexts(item, 'dcterms:modified'),
      abstracts: childTexts(item, 'dcterms:abstract'),
    }),
    content: prune({ encoded: fieldText(content?.inner) }),
    itunes: prune({ author: childText(item, 'itunes:author') }),
    media: mediaOf(item),
    xml: xmlOf(item),
    ...rssExtras(item, cdf, feedBases, content, summaries[0]),
    author: authorOf(item),
  } as RssFeed.Item<string> & FeedRuleExtras) ?? {};
}

/** RSS dates per element; a CDF item's LASTMOD attribute is its updated date. */
function rssExtras(item: XmlElement, cdf: boolean, feedBases: string[], content: XmlElement | undefined, summary: XmlElement | undefined): FeedRuleExtras {
  const parts = { content, summary, link: lastChild(item, ['link']), id: lastChild(item, ['guid']) };
  const extras = itemExtras(item, feedBases, parts, {
    published: ['pubdate', 'dcterms:issued'],
    updated: ['dc:date', 'dcterms:modified'],
    created: ['dcterms:created'],
  });
  const lastmod = cdf ? attributeText(item, 'lastmod') : undefined;
  return lastmod ? { ...extras, dates: { ...extras.dates, updated: extras.dates?.updated ?? lastmod } } : extras;
}

/**
 * An item's summary elements (description, dc:description, itunes:summary) in document order:
 * feedparser puts the first in the summary and, when the item has no content element, the second
 * in the content ("Some feeds include both a summary and description element for each entry").
 */
function summaryElements(item: XmlElement): XmlElement[] {
  return item.children.filter((c) => SUMMARY_ELEMENTS.has(c.name) && fieldText(c.inner) !== undefined);
}

/** Item elements that fill the summary (feedparser maps dc:description and itunes:summary onto it). */
const SUMMARY_ELEMENTS = new Set(['description', 'dc:description', 'itunes:summary']);

/** Bases and dates of an item or entry; `dateNames` lists, per date field, the elements that fill it. */
function itemExtras(
  item: XmlElement,
  feedBases: string[],
  parts: { content?: XmlElement; summary?: XmlElement; link?: XmlElement; id?: XmlElement },
  dateNames: { published: string[]; updated: string[]; created: string[] },
): FeedRuleExtras {
  const itemBases = [...feedBases, ...basesOf([item])];
  const within = (element: XmlElement | undefined) => [...itemBases, ...basesOf([element])];
  return {
    bases: { item: itemBases, content: within(parts.content), summary: within(parts.summary), link: within(parts.link), id: within(parts.id) },
    dates: prune({
      published: lastText(item, dateNames.published),
      updated: lastText(item, dateNames.updated),
      created: lastText(item, dateNames.created),
    }),
  };
}

/** The xml:base attributes of these elements, outermost first. */
function basesOf(elements: Array<XmlElement | undefined>): string[] {
  return elements.map((e) => attributeText(e, 'xml:base')).filter((b): b is string => b !== undefined);
}

/** The last child with one of these names (feedparser: a later element overwrites an earlier one). */
function lastChild(element: XmlElement | undefined, names: string[]): XmlElement | undefined {
  let found: XmlElement | undefined;
  for (const c of element?.children ?? []) if (names.includes(c.name)) found = c;
  return found;
}

/** The text of the last child with one of these names that has text. */
function lastText(element: XmlElement | undefined, names: string[]): string | undefined {
  let found: string | undefined;
  for (const c of element?.children ?? []) {
    if (!names.includes(c.name)) continue;
    const text = fieldText(c.inner);
    if (text !== undefined) found = text;
  }
  return found;
}

/** The display name of the last author-like element of an RSS or RDF item (dc:author is read as dc:creator). */
function authorOf(item: XmlElement): string | undefined {
  const element = lastChild(item, ['author', 'dc:creator', 'itunes:author']);
  const person = element ? rssPerson(element) : undefined;
  return person ? (person.name ?? person.email ?? person.link) : undefined;
}

/** An RSS author: "email (Name)", "Name <email>", a bare address or a bare name. */
function rssPerson(author: XmlElement): Person | undefined {
  const raw = childText(author, 'name') ?? fieldText(author.inner);
  if (!raw) return undefined;
  const bare = withoutMailto(raw);
  if (URL_LIKE.test(bare)) return { link: bare };
  if (EMAIL.test(bare)) return { email: bare };
  return BRACKET.test(raw) ? bracketedPerson(raw) : unbracketedPerson(raw);
}

const EMAIL = /^[^\s@()<>[\]]+@[^\s@()<>[\]]+\.[^\s@()<>[\]]+$/;
const URL_LIKE = /^(?:https?:\/\/|www\.)[^\s]+\.[^\s]+$/;
const BRACKET = /[<[(]/;
const SEPARATORS_AROUND = /^[\s,\-|/:;]+|[\s,\-|/:;]+$/g;

function withoutMailto(value: string): string {
  const stripped = value.replace(/^mailto:/i, '');
  return stripped === value ? stripped : stripped.replace(/\?.*$/, '');
}

function unbracketedPerson(raw: string): Person | undefined {
  if (!raw.includes('@') && !raw.includes('://') && !raw.includes('www.')) return { name: raw };
  const nameParts: string[] = [];
  let email: string | undefined;
  let link: string | undefined;
  for (const word of raw.split(/\s+/)) {
    const stripped = withoutMailto(word);
    if (URL_LIKE.test(word) && !link) link = word;
    else if (EMAIL.test(stripped) && !email) email = stripped;
    else nameParts.push(word);
  }
  if (!email && !link) return { name: raw };
  return prune({ name: fieldText(nameParts.join(' ').replace(SEPARATORS_AROUND, '')), email, link });
}

/** A person written with brackets: the bracketed parts are an address, a link or (else) part of the name. */
function bracketedPerson(raw: string): Person | undefined {
  const person: Person = {};
  const nameParts: string[] = [];
  let unbracketedName = false;
  let at = 0;
  const isOpening = (ch: string) => ch === '<' || ch === '(' || ch === '[';
  const scanText = (from: number): number => {
    let end = from;
    while (end < raw.length && !isOpening(raw[end])) end++;
    return end;
  };
  while (at < raw.length) {
    let chunk: string | undefined;
    let bracketed = false;
    const open = raw[at];
    const close = open === '<' ? '>' : open === '(' ? ')' : ']';
    if (isOpening(open)) {
      let depth = 1;
      let end = at + 1;
      for (; end < raw.length && depth > 0; end++) {
        if (raw[end] === open) depth++;
        else if (raw[end] === close) depth--;
      }
      if (depth === 0) {
        bracketed = true;
        chunk = fieldText(raw.slice(at + 1, end - 1));
        at = end;
      } else {
        const end2 = scanText(at + 1);
        chunk = fieldText(raw.slice(at, end2));
        at = end2;
      }
    } else {
      const end = scanText(at);
      chunk = fieldText(raw.slice(at, end));
      at = end;
    }
    if (!chunk) continue;
    const address = withoutMailto(chunk);
    if (URL_LIKE.test(chunk) && !person.link) person.link = chunk;
    else if (EMAIL.test(address) && !person.email) person.email = address;
    else if (bracketed) nameParts.push(unbracketedName ? `${open}${chunk}${close}` : chunk);
    else {
      unbracketedName = true;
      nameParts.push(chunk);
    }
  }
  person.name = fieldText(nameParts.join(' '));
  return prune(person);
}

function mediaOf(item: XmlElement): RssFeed.Item<string>['media'] {
  const titleOf = (e: XmlElement | undefined) => {
    const title = child(e, 'media:title');
    return title ? prune({ value: fieldText(title.inner), type: attributeText(title, 'type') }) : undefined;
  };
  const withTitles = (elements: XmlElement[]) => {
    const found = elements.map((e) => prune({ title: titleOf(e) })).filter((e) => e !== undefined);
    return found.length ? found : undefined;
  };
  return prune({
    title: titleOf(item),
    contents: withTitles(childrenNamed(item, 'media:content')),
    groups: withTitles(childrenNamed(item, 'media:group')),
  } as NonNullable<RssFeed.Item<string>['media']>);
}

// ---- RDF (RSS 1.0 / 0.90) ----

function rdfFeed(rdf: XmlElement): RdfFeed.Feed<string> {
  const channel = child(rdf, 'channel');
  const bases = basesOf([rdf]);
  return {
    title: lastText(channel, ['title', 'dc:title']),
    link: lastText(channel, ['link']),
    description: lastText(channel, ['description', 'dc:description']),
    items: rdfItems(rdf, channel).map((item) => rdfItem(item, bases)),
    bases,
    linkBases: [...bases, ...basesOf([channel, lastChild(channel, ['link'])])],
    atom: atomLinksOf(channel),
    dc: dcOf(channel),
  } as RdfFeed.Feed<string>;
}

/**
 * The items in the order of the channel's table of contents (rdf:Seq), else as written. Items
 * belong after the channel; those inside it (its end tag mistyped) are read when there are no others.
 */
function rdfItems(rdf: XmlElement, channel: XmlElement | undefined): XmlElement[] {
  let items = childrenNamed(rdf, 'item');
  if (!items.length) items = childrenNamed(channel, 'item');
  const listed = childrenNamed(child(child(channel, 'items'), 'seq'), 'li')
    .map((li) => attributeText(li, 'resource') ?? attributeText(li, 'rdf:resource'))
    .filter((uri): uri is string => uri !== undefined);
  const ordered = listed.map((uri) => items.find((i) => aboutOf(i) === uri)).filter((i): i is XmlElement => i !== undefined);
  return ordered.length ? ordered : items;
}

function aboutOf(element: XmlElement): string | undefined {
  return attributeText(element, 'about') ?? attributeText(element, 'rdf:about');
}

function rdfItem(item: XmlElement, feedBases: string[]): RdfFeed.Item<string> & FeedRuleExtras {
  const about = aboutOf(item);
  const summaries = summaryElements(item);
  const content = child(item, 'content:encoded') ?? summaries[1];
  return prune({
    title: lastText(item, ['title', 'dc:title']),
    link: lastText(item, ['link']),
    description: fieldText(summaries[0]?.inner),
    rdf: about ? { about } : undefined,
    dc: dcOf(item),
    content: prune({ encoded: fieldText(content?.inner) }),
    xml: xmlOf(item),
    author: authorOf(item),
    ...itemExtras(item, feedBases, { content, summary: summaries[0], link: lastChild(item, ['link']) }, {
      published: ['dcterms:issued'],
      updated: ['dc:date', 'dcterms:modified'],
      created: ['dcterms:created'],
    }),
  } as RdfFeed.Item<string> & FeedRuleExtras) ?? {};
}

// ---- Atom 1.0 / 0.3 ----

function atomFeed(feed: XmlElement): AtomFeed.Feed<string> {
  const bases = basesOf([feed]);
  return {
    bases,
    id: childText(feed, 'id'),
    title: atomText(child(feed, 'title')),
    subtitle: atomText(child(feed, 'subtitle')) ?? atomText(child(feed, 'tagline')),
    updated: childText(feed, 'updated') ?? childText(feed, 'modified'),
    links: atomLinks(feed, 'link'),
    authors: atomPersons(feed, 'author'),
    entries: childrenNamed(feed, 'entry').map((entry) => atomEntry(entry, bases)),
    xml: xmlOf(feed),
  } as AtomFeed.Feed<string>;
}

function atomEntry(entry: XmlElement, feedBases: string[]): AtomFeed.Entry<string> & FeedRuleExtras {
  const content = child(entry, 'content') ?? childrenNamed(entry, 'summary')[1];
  const extras = itemExtras(entry, feedBases, { content, summary: child(entry, 'summary'), id: child(entry, 'id') }, {
    published: ['published', 'issued'],
    updated: ['updated', 'modified'],
    created: ['created'],
  });
  return prune({
    id: childText(entry, 'id'),
    title: atomText(child(entry, 'title')),
    summary: atomText(child(entry, 'summary')),
    // A second summary is content when there is none (as for RSS, SU2).
    content: atomContent(content),
    links: atomLinks(entry, 'link'),
    authors: atomPersons(entry, 'author'),
    published: extras.dates?.published,
    updated: extras.dates?.updated,
    xml: xmlOf(entry),
    ...extras,
  } as AtomFeed.Entry<string> & FeedRuleExtras) ?? {};
}

function atomLinks(parent: XmlElement | undefined, name: string): Link[] | undefined {
  const links = childrenNamed(parent, name)
    .map((l): Link | undefined =>
      prune({ href: attributeText(l, 'href') ?? fieldText(l.inner), rel: attributeText(l, 'rel'), type: attributeText(l, 'type'), base: attributeText(l, 'xml:base') }),
    )
    .filter((l): l is Link => l !== undefined);
  return links.length ? links : undefined;
}

/** `<atom:link>`s of an RSS channel (WebSub hub and self). */
function atomLinksOf(channel: XmlElement | undefined): { links?: Link[] } | undefined {
  const links = atomLinks(channel, 'atom:link');
  return links ? { links } : undefined;
}

function atomPersons(parent: XmlElement, name: string): Person[] | undefined {
  const persons = childrenNamed(parent, name)
    .map((p): Person | undefined => prune({ name: childText(p, 'name'), uri: childText(p, 'uri') ?? childText(p, 'url'), email: childText(p, 'email') }))
    .filter((p): p is Person => p !== undefined);
  return persons.length ? persons : undefined;
}

const XHTML_DIV_START = /^\s*<(?:([a-zA-Z][\w.-]*):)?div[\s/>]/;

function isXhtml(type: string | undefined): boolean {
  return type === 'xhtml' || type === 'application/xhtml+xml';
}

/** An Atom text construct: type="xhtml" keeps the markup inside its wrapping div as written. */
function atomText(element: XmlElement | undefined): AtomFeed.Text | undefined {
  if (!element) return undefined;
  const type = attributeText(element, 'type');
  const value = typedText(element.inner, type);
  return value ? prune({ value, type }) : undefined;
}

function atomContent(element: XmlElement | undefined): AtomFeed.Content | undefined {
  if (!element) return undefined;
  const type = attributeText(element, 'type');
  return prune({ value: typedText(element.inner, type), type, src: attributeText(element, 'src') });
}

function typedText(raw: string, type: string | undefined): string | undefined {
  if (!isXhtml(type)) return fieldText(raw);
  const escaped = raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, content: string) => content.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
  const unwrapped = unwrapXhtmlDiv(escaped);
  if (unwrapped !== null) return unwrapped.trim() || undefined;
  if (XHTML_DIV_START.test(escaped)) return escaped.trim() || undefined;
  return fieldText(raw);
}

/**
 * The content of the one `<div>` an xhtml construct is wrapped in (RFC 4287 §3.1.1.3), with the
 * div's namespace prefix taken off inner tags; null when the markup is not exactly one div.
 */
function unwrapXhtmlDiv(markup: string): string | null {
  const start = XHTML_DIV_START.exec(markup);
  if (!start) return null;
  const prefix = start[1] ? `${start[1]}:` : '';
  const openEnd = markup.indexOf('>', start[0].length - 1);
  if (openEnd < 0) return null;
  if (markup[openEnd - 1] === '/') return markup.slice(openEnd + 1).trim() ? null : '';
  // Find the div's own end tag: nested divs of the same name open and close in between.
  const tags = new RegExp(`<(/?)${prefix.replace(/\./g, '\\.')}div(?=[\\s/>])[^>]*?(/?)>`, 'g');
  tags.lastIndex = openEnd + 1;
  let depth = 1;
  for (let match = tags.exec(markup); match; match = tags.exec(markup)) {
    if (match[1]) depth--;
    else if (!match[2]) depth++;
    if (depth === 0) {
      if (markup.slice(match.index + match[0].length).trim()) return null;
      const inner = markup.slice(openEnd + 1, match.index);
      return prefix ? inner.replace(new RegExp(`(</?)${prefix.replace(/\./g, '\\.')}`, 'g'), '$1') : inner;
    }
  }
  return null;
}

// ---- Namespaces shared by the formats ----

function dcOf(element: XmlElement | undefined): RssFeed.Item<string>['dc'] {
  return prune({
    titles: childTexts(element, 'dc:title'),
    creators: childTexts(element, 'dc:creator'),
    dates: childTexts(element, 'dc:date'),
    descriptions: childTexts(element, 'dc:description'),
  });
}

function xmlOf(element: XmlElement): { base?: string } | undefined {
  return prune({ base: attributeText(element, 'xml:base') });
}

function booleanOf(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^\p{White_Space}*true\p{White_Space}*$/iu.test(value)) return true;
  if (/^\p{White_Space}*false\p{White_Space}*$/iu.test(value)) return false;
  return undefined;
}

/** The object when any of its fields is present, else undefined (as feedsmith leaves absent parts out). */
function prune<T extends object>(object: T): T | undefined {
  for (const key in object) if (object[key] !== undefined) return object;
  return undefined;
}
