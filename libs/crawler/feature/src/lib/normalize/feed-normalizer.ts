import type { AnyFeed, AtomFeed, JsonFeed, RdfFeed, RssFeed } from 'feedsmith';
import type { storage, Timestamp } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { canonicalUrl, resolveHttpUrl } from './canonical-url';
import { parseFeedDate } from './feed-date';
import { htmlToPlainText, plainTextToHtml, sanitizeContent, titleText } from './html-content';
import { contentHash, itemKey } from './item-identity';
import type { FeedBaseExtras, FeedRuleExtras } from '../parse/feed-structure';

/** One item of a feed: what storage keeps, plus details the crawler reads but storage does not store. */
export interface NormalizedEntry {
  item: storage.FeedItem;
  /** The item's summary (RSS description, Atom summary), sanitized; empty when it has none. */
  summaryHtml: string;
  /** The item's full content (content:encoded, Atom content, JSON content), sanitized; empty when it has none. */
  contentHtml: string;
  publishedAt: Date | null;
  updatedAt: Date | null;
  /** False for an item with no title, link or text: it is read but not stored (nothing to show). */
  stored: boolean;
}

/** A feed reduced to what storage keeps, plus the source's own description. */
export interface NormalizedFeed {
  title: string;
  /** The site the feed belongs to (RSS channel link, Atom alternate link, JSON home_page_url); empty when unknown. */
  siteUrl: string;
  /** The feed's description / subtitle as plain text. */
  description: string;
  items: storage.FeedItem[];
  /** Every distinct item of the feed with its details; those with `stored` are `items`, in the same order. */
  entries: NormalizedEntry[];
}

/** The fields of an item, whatever the feed format, before cleaning. */
export interface RawItem {
  /**
   * The id that identifies the item across fetches, as written: the guid or Atom id. Empty for RDF,
   * whose items have been identified by their link's canonical URL since before rdf:about was read
   * (rdf:about is normally that link; keeping the key keeps every stored item's identity).
   */
  guid: string;
  /** The item's id as shown (guid, Atom id, rdf:about), a relative URI resolved against its base (an isPermaLink="false" guid stays as written). */
  resolvedGuid: string;
  link: string;
  /** Base for relative links of this item (xml:base or the feed URL). */
  base: string;
  /** Base for the link (the link element's own xml:base, else the item's base). */
  linkBase: string;
  /** Base for relative links inside the content (the content element's xml:base, else the item's base). */
  contentBase: string;
  /** Base for relative links inside the summary. */
  summaryBase: string;
  title: string;
  /** html: markup to remove; text: literal text; lenient-text: text that may still hold entities (RSS practice). */
  titleFormat: 'html' | 'text' | 'lenient-text';
  author: string;
  published: string;
  updated: string;
  /** Atom 0.3 created, dcterms:created: shown when the item has no published or updated date. */
  created: string;
  contentHtml: string;
  summaryHtml: string;
}

/** A parsed feed of any format mapped to one shape, before any sanitizing. */
export interface ExtractedFeed {
  title: string;
  siteUrl: string;
  description: string;
  items: RawItem[];
}

const ZERO_TIMESTAMP: Timestamp = { seconds: '0', nanos: 0 };
const FALLBACK_TITLE_LENGTH = 100;

/**
 * Turns a parsed feed of any format into storage.FeedItems: absolute URLs, plain-text titles,
 * sanitized HTML, plain text, dates, identity and content hash. Items repeated in the feed
 * (same identity) are kept once; items with nothing to show are dropped. `baseUrl` is the
 * document's base (its URL, or its Content-Location).
 */
export function normalizeFeed(parsed: AnyFeed, baseUrl: string): NormalizedFeed {
  const extracted = extractFeed(parsed, baseUrl);
  const seen = new Set<string>();
  const entries: NormalizedEntry[] = [];
  for (const raw of extracted.items) {
    const entry = normalizeItem(raw);
    if (seen.has(entry.item.itemKey)) continue;
    seen.add(entry.item.itemKey);
    entries.push(entry);
  }
  return {
    title: extracted.title,
    siteUrl: extracted.siteUrl,
    description: extracted.description,
    items: entries.filter((e) => e.stored).map((e) => e.item),
    entries,
  };
}

function normalizeItem(raw: RawItem): NormalizedEntry {
  const link = resolveHttpUrl(raw.link, raw.linkBase) ?? '';
  // The article's URL is its canonical form (no tracking parameters, no fragment): what readers
  // share and what recognises an item that a feed re-publishes under a new GUID.
  const url = link ? canonicalUrl(link) : '';
  // Relative links in content resolve against the content's xml:base chain, else the document
  // (feedparser's "Relative Link Resolution") — not against the item's own link.
  const content = sanitizeContent(raw.contentHtml, raw.contentBase);
  const summary = sanitizeContent(raw.summaryHtml, raw.summaryBase);
  const text = htmlToPlainText(content) || htmlToPlainText(summary);
  let title = raw.titleFormat === 'text' ? literalText(raw.title) : titleText(raw.title, raw.titleFormat === 'html');
  if (!title) title = firstWords(text);
  const published = parseFeedDate(raw.published);
  // feedparser (since 5.1.1) gives an entry without an updated date its published date there.
  const updated = parseFeedDate(raw.updated) ?? published;
  const shown = published ?? updated ?? parseFeedDate(raw.created);
  const item: storage.FeedItem = {
    // Identity stays with the id as written, so that resolving relative ids changes no stored item's key.
    itemKey: itemKey({ guid: raw.guid.trim(), canonicalUrl: url, title, text }),
    guid: raw.resolvedGuid.trim(),
    url,
    title,
    author: titleText(raw.author, false),
    publishedAt: shown ? toTimestamp(shown) : ZERO_TIMESTAMP,
    contentHtml: content || summary,
    text,
    contentHash: contentHash(title, text, url),
  };
  return { item, summaryHtml: summary, contentHtml: content, publishedAt: published, updatedAt: updated, stored: Boolean(title || url || text) };
}

/** Maps a parsed feed of any format to one shape: no sanitizing, links still as written. */
export function extractFeed(parsed: AnyFeed, baseUrl: string): ExtractedFeed {
  switch (parsed.format) {
    case 'rss': {
      const feed = parsed.feed;
      const extras = feed as FeedBaseExtras;
      return {
        title: titleText(feed.title ?? feed.dc?.titles?.[0] ?? '', true),
        siteUrl: resolveHttpUrl(feed.link, resolveBases(baseUrl, extras.linkBases ?? extras.bases)) ?? '',
        description: titleText(feed.description ?? feed.itunes?.subtitle ?? feed.itunes?.summary ?? '', true),
        items: (feed.items ?? []).map((i) => fromRss(i, baseUrl)),
      };
    }
    case 'atom': {
      const feed = parsed.feed;
      const extras = (feed as FeedBaseExtras).bases;
      const base = extras ? resolveBases(baseUrl, extras) : (resolveHttpUrl(feed.xml?.base, baseUrl) ?? baseUrl);
      const feedAuthor = atomPersonName(feed.authors?.[0]) ?? '';
      return {
        title: atomText(feed.title),
        siteUrl: linkOf(feed.links, feed.id, base, base),
        description: atomText(feed.subtitle),
        items: (feed.entries ?? []).map((e) => fromAtom(e, base, baseUrl, feedAuthor)),
      };
    }
    case 'rdf': {
      const feed = parsed.feed;
      const extras = feed as FeedBaseExtras;
      return {
        title: titleText(feed.title ?? feed.dc?.titles?.[0] ?? '', true),
        siteUrl: resolveHttpUrl(feed.link, resolveBases(baseUrl, extras.linkBases ?? extras.bases)) ?? '',
        description: titleText(feed.description ?? feed.dc?.descriptions?.[0] ?? '', true),
        items: (feed.items ?? []).map((i) => fromRdf(i, baseUrl)),
      };
    }
    case 'json': {
      const feed = parsed.feed;
      const feedAuthor = feed.authors?.[0]?.name ?? '';
      return {
        title: titleText(feed.title ?? '', false),
        siteUrl: resolveHttpUrl(feed.home_page_url, baseUrl) ?? '',
        description: titleText(feed.description ?? '', false),
        items: (feed.items ?? []).map((i) => fromJson(i, baseUrl, feedAuthor)),
      };
    }
  }
}

/** The base in effect after each xml:base (outermost first), each resolved against the one before (XML Base). */
function resolveBases(documentBase: string, bases: string[] | undefined): string {
  let base = documentBase;
  for (const next of bases ?? []) base = resolveHttpUrl(next, base) ?? base;
  return base;
}

/** The bases of an item (document base and the xml:base values in scope, resolved): one per part whose links are resolved. */
interface ItemBases {
  base: string;
  linkBase: string;
  idBase: string;
  contentBase: string;
  summaryBase: string;
}

/** An item's bases from our parser's xml:base chains; an item from feedsmith (no chains) uses its one xml:base for all. */
function itemBases(extras: FeedRuleExtras, xmlBase: string | undefined, documentBase: string): ItemBases {
  if (!extras.bases) {
    const base = resolveHttpUrl(xmlBase, documentBase) ?? documentBase;
    return { base, linkBase: base, idBase: base, contentBase: base, summaryBase: base };
  }
  return {
    base: resolveBases(documentBase, extras.bases.item),
    linkBase: resolveBases(documentBase, extras.bases.link),
    idBase: resolveBases(documentBase, extras.bases.id),
    contentBase: resolveBases(documentBase, extras.bases.content),
    summaryBase: resolveBases(documentBase, extras.bases.summary),
  };
}

/** The fields of RawItem that are bases. */
function basesFields(bases: ItemBases): Pick<RawItem, 'base' | 'linkBase' | 'contentBase' | 'summaryBase'> {
  return { base: bases.base, linkBase: bases.linkBase, contentBase: bases.contentBase, summaryBase: bases.summaryBase };
}

/**
 * The absolute link of a feed or entry: its HTML alternate link (resolved against the link
 * element's own xml:base in scope), else its id when that is an http(s) URL; '' when neither.
 */
function linkOf(links: Array<{ href?: string; rel?: string; type?: string; base?: string }> | undefined, id: string | undefined, base: string, idBase: string): string {
  const alternate = alternateLink(links);
  if (alternate?.href) return resolveHttpUrl(alternate.href, resolveBases(base, alternate.base ? [alternate.base] : [])) ?? '';
  return idAsLink(id, idBase) ?? '';
}

/**
 * An id resolved as feedparser resolves URIs: a relative reference against the base; anything
 * with a scheme (http:, tag:, urn:) exactly as written — ids are compared as strings, never normalised.
 */
function resolvedId(id: string, base: string): string {
  const trimmed = id.trim();
  if (!trimmed || /^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return trimmed;
  }
}

/** An entry's id as its link when it has none (feedparser's guid-is-link rule): only an http(s) URL qualifies. */
function idAsLink(id: string | undefined, base: string): string | undefined {
  if (!id) return undefined;
  return resolveHttpUrl(resolvedId(id, base), base) ?? undefined;
}

function fromRss(item: RssFeed.Item<string>, documentBase: string): RawItem {
  const extras = item as FeedRuleExtras;
  const bases = itemBases(extras, item.xml?.base, documentBase);
  const guid = item.guid?.value ?? '';
  // A GUID is the item's permalink unless isPermaLink="false" says otherwise (RSS 2.0; feedparser
  // then resolves it like any link and uses it when the item has no <link>).
  const opaque = item.guid?.isPermaLink === false;
  const resolvedGuid = opaque ? guid.trim() : resolvedId(guid, bases.idBase);
  const person = item.authors?.[0];
  const dates = extras.dates;
  return {
    guid,
    resolvedGuid,
    link: item.link ?? (opaque ? '' : idAsLink(guid, bases.idBase) ?? ''),
    ...basesFields(bases),
    title: item.title ?? item.dc?.titles?.[0] ?? mediaTitle(item.media) ?? '',
    titleFormat: 'html',
    author: extras.author ?? person?.name ?? item.dc?.creators?.[0] ?? item.itunes?.author ?? person?.email ?? '',
    published: dates ? (dates.published ?? '') : (item.pubDate ?? item.dcterms?.issued?.[0] ?? ''),
    updated: dates ? (dates.updated ?? '') : (item.dc?.dates?.[0] ?? item.dcterms?.modified?.[0] ?? ''),
    created: dates?.created ?? '',
    contentHtml: item.content?.encoded ?? '',
    summaryHtml: item.description ?? item.dcterms?.abstracts?.[0] ?? item.dc?.descriptions?.[0] ?? '',
  };
}

function fromAtom(entry: AtomFeed.Entry<string>, feedBase: string, documentBase: string, feedAuthor: string): RawItem {
  const extras = entry as FeedRuleExtras;
  const bases = extras.bases ? itemBases(extras, undefined, documentBase) : itemBases(extras, entry.xml?.base, feedBase);
  const content = entry.content?.src ? '' : atomHtml(entry.content);
  const id = entry.id ?? '';
  return {
    guid: id,
    resolvedGuid: resolvedId(id, bases.idBase),
    link: linkOf(entry.links, id, bases.base, bases.idBase),
    ...basesFields(bases),
    title: atomText(entry.title),
    titleFormat: 'text',
    author: atomPersonName(entry.authors?.[0]) ?? feedAuthor,
    published: entry.published ?? '',
    updated: entry.updated ?? '',
    created: extras.dates?.created ?? '',
    contentHtml: content,
    summaryHtml: atomHtml(entry.summary),
  };
}

/** An Atom person as shown: the name, else the e-mail address (feedparser's author falls back the same way). */
function atomPersonName(person: { name?: string; email?: string } | undefined): string | undefined {
  return person?.name ?? person?.email;
}

function fromRdf(item: RdfFeed.Item<string>, documentBase: string): RawItem {
  const extras = item as FeedRuleExtras;
  const bases = itemBases(extras, item.xml?.base, documentBase);
  // entries[i].id comes from rdf:about.
  const about = item.rdf?.about ?? '';
  const dates = extras.dates;
  return {
    guid: '',
    resolvedGuid: resolvedId(about, bases.idBase),
    link: item.link ?? '',
    ...basesFields(bases),
    title: item.title ?? item.dc?.titles?.[0] ?? '',
    titleFormat: 'html',
    author: extras.author ?? item.dc?.creators?.[0] ?? '',
    published: dates?.published ?? '',
    updated: dates ? (dates.updated ?? '') : (item.dc?.dates?.[0] ?? ''),
    created: dates?.created ?? '',
    contentHtml: item.content?.encoded ?? '',
    summaryHtml: item.description ?? item.dc?.descriptions?.[0] ?? '',
  };
}

function fromJson(item: JsonFeed.Item<string>, base: string, feedAuthor: string): RawItem {
  const html = item.content_html ?? (item.content_text ? plainTextToHtml(item.content_text) : '');
  const id = item.id ?? '';
  return {
    guid: id,
    resolvedGuid: id,
    link: item.url ?? item.external_url ?? '',
    base,
    linkBase: base,
    contentBase: base,
    summaryBase: base,
    title: item.title ?? '',
    titleFormat: 'lenient-text',
    author: item.authors?.[0]?.name ?? feedAuthor,
    published: item.date_published ?? '',
    updated: item.date_modified ?? '',
    created: '',
    contentHtml: html,
    summaryHtml: item.summary ? plainTextToHtml(item.summary) : '',
  };
}

/**
 * The link to the page of a feed or entry, as feedparser picks it: a link whose rel is
 * "alternate" (the default) and whose type is HTML or XHTML (the default), the last such link
 * when there are several (each overwrites the one before).
 */
function alternateLink<T extends { href?: string; rel?: string; type?: string }>(links: T[] | undefined): T | undefined {
  const html = (type: string | undefined) => {
    const t = (type ?? '').trim().toLowerCase();
    // Atom's shorthand type names count as the media types they stand for.
    return !t || t === 'html' || t === 'xhtml' || t === 'text/html' || t === 'application/xhtml+xml';
  };
  let found: T | undefined;
  for (const link of links ?? []) if ((!link.rel || link.rel.trim().toLowerCase() === 'alternate') && html(link.type) && link.href) found = link;
  return found;
}

function mediaTitle(media: RssFeed.Item<string>['media']): string | undefined {
  const title = media?.title ?? media?.contents?.find((c) => c.title)?.title ?? media?.groups?.find((g) => g.title)?.title;
  return title?.value;
}

/**
 * Whether an Atom text type carries markup. Atom 1.0 says "html"/"xhtml"; Atom 0.3 used MIME
 * types ("text/html", "application/xhtml+xml"); anything else (text, text/plain, missing) is text.
 */
function isMarkupType(type: string | undefined): boolean {
  const t = (type ?? '').trim().toLowerCase();
  return t === 'html' || t === 'xhtml' || t.endsWith('html') || t.endsWith('+xml') || t.endsWith('/xml');
}

/**
 * RFC 4287 §4.1.3.3: content whose type is a MIME type that is neither XML nor text/* is
 * Base64. Such content is shown only when it decodes to UTF-8 text (it is shown as text).
 */
function base64Text(value: string, type: string | undefined): string | null {
  const t = (type ?? '').trim().toLowerCase();
  if (!t.includes('/') || t.startsWith('text/') || isMarkupType(t)) return null;
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return '';
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    return '';
  }
}

/** An Atom text construct as plain text. */
function atomText(value: AtomFeed.Text | string | undefined): string {
  if (!value) return '';
  if (typeof value === 'string') return literalText(value);
  const decoded = base64Text(value.value ?? '', value.type);
  if (decoded !== null) return literalText(decoded);
  return isMarkupType(value.type) ? titleText(value.value ?? '', true) : literalText(value.value ?? '');
}

/** An Atom text or content construct as HTML. */
function atomHtml(value: AtomFeed.Text | AtomFeed.Content | undefined): string {
  if (!value?.value) return '';
  const decoded = base64Text(value.value, value.type);
  if (decoded !== null) return decoded ? plainTextToHtml(decoded) : '';
  return isMarkupType(value.type) ? value.value : plainTextToHtml(value.value);
}

/** Text that is text already (Atom type="text"): only whitespace is tidied, "&lt;" stays as written. */
function literalText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function firstWords(text: string): string {
  const line = text.split('\n').find((l) => l.trim())?.trim() ?? '';
  return line.length > FALLBACK_TITLE_LENGTH ? `${line.slice(0, FALLBACK_TITLE_LENGTH).trimEnd()}…` : line;
}
