import type { AnyFeed, AtomFeed, JsonFeed, RdfFeed, RssFeed } from 'feedsmith';
import type { storage, Timestamp } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { canonicalUrl, resolveHttpUrl } from './canonical-url';
import { parseFeedDate } from './feed-date';
import { htmlToPlainText, plainTextToHtml, sanitizeContent, titleText } from './html-content';
import { contentHash, itemKey } from './item-identity';

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
  guid: string;
  link: string;
  /** Base for relative links of this item (xml:base or the feed URL). */
  base: string;
  title: string;
  /** html: markup to remove; text: literal text; lenient-text: text that may still hold entities (RSS practice). */
  titleFormat: 'html' | 'text' | 'lenient-text';
  author: string;
  published: string;
  updated: string;
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
    const entry = normalizeItem(raw, baseUrl);
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

function normalizeItem(raw: RawItem, baseUrl: string): NormalizedEntry {
  const link = resolveHttpUrl(raw.link, raw.base) ?? '';
  // The article's URL is its canonical form (no tracking parameters, no fragment): what readers
  // share and what recognises an item that a feed re-publishes under a new GUID.
  const url = link ? canonicalUrl(link) : '';
  const contentBase = link || raw.base || baseUrl;
  const content = sanitizeContent(raw.contentHtml, contentBase);
  const summary = sanitizeContent(raw.summaryHtml, contentBase);
  const text = htmlToPlainText(content) || htmlToPlainText(summary);
  let title = raw.titleFormat === 'text' ? literalText(raw.title) : titleText(raw.title, raw.titleFormat === 'html');
  if (!title) title = firstWords(text);
  const guid = raw.guid.trim();
  const published = parseFeedDate(raw.published);
  const updated = parseFeedDate(raw.updated);
  const shown = published ?? updated;
  const item: storage.FeedItem = {
    itemKey: itemKey({ guid, canonicalUrl: url, title, text }),
    guid,
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
      return {
        title: titleText(feed.title ?? feed.dc?.titles?.[0] ?? '', true),
        siteUrl: resolveHttpUrl(feed.link, baseUrl) ?? '',
        description: titleText(feed.description ?? feed.itunes?.subtitle ?? feed.itunes?.summary ?? '', true),
        items: (feed.items ?? []).map((i) => fromRss(i, baseUrl)),
      };
    }
    case 'atom': {
      const feed = parsed.feed;
      const base = resolveHttpUrl(feed.xml?.base, baseUrl) ?? baseUrl;
      const feedAuthor = feed.authors?.[0]?.name ?? '';
      return {
        title: atomText(feed.title),
        siteUrl: resolveHttpUrl(alternateLink(feed.links)?.href, base) ?? '',
        description: atomText(feed.subtitle),
        items: (feed.entries ?? []).map((e) => fromAtom(e, base, feedAuthor)),
      };
    }
    case 'rdf': {
      const feed = parsed.feed;
      return {
        title: titleText(feed.title ?? feed.dc?.titles?.[0] ?? '', true),
        siteUrl: resolveHttpUrl(feed.link, baseUrl) ?? '',
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

function fromRss(item: RssFeed.Item<string>, base: string): RawItem {
  const guid = item.guid?.value ?? '';
  // A GUID is the permalink unless isPermaLink="false" says otherwise.
  const permalink = item.guid && item.guid.isPermaLink !== false && /^https?:\/\//i.test(guid) ? guid : '';
  const person = item.authors?.[0];
  return {
    guid,
    link: item.link ?? permalink,
    base: resolveHttpUrl(item.xml?.base, base) ?? base,
    title: item.title ?? item.dc?.titles?.[0] ?? mediaTitle(item.media) ?? '',
    titleFormat: 'html',
    author: person?.name ?? item.dc?.creators?.[0] ?? item.itunes?.author ?? person?.email ?? '',
    published: item.pubDate ?? item.dcterms?.issued?.[0] ?? item.dc?.dates?.[0] ?? '',
    updated: item.dcterms?.modified?.[0] ?? '',
    contentHtml: item.content?.encoded ?? '',
    summaryHtml: item.description ?? item.dcterms?.abstracts?.[0] ?? item.dc?.descriptions?.[0] ?? '',
  };
}

function fromAtom(entry: AtomFeed.Entry<string>, feedBase: string, feedAuthor: string): RawItem {
  const base = resolveHttpUrl(entry.xml?.base, feedBase) ?? feedBase;
  const content = entry.content?.src ? '' : atomHtml(entry.content);
  return {
    guid: entry.id ?? '',
    link: alternateLink(entry.links)?.href ?? '',
    base,
    title: atomText(entry.title),
    titleFormat: 'text',
    author: entry.authors?.[0]?.name ?? feedAuthor,
    published: entry.published ?? '',
    updated: entry.updated ?? '',
    contentHtml: content,
    summaryHtml: atomHtml(entry.summary),
  };
}

function fromRdf(item: RdfFeed.Item<string>, base: string): RawItem {
  return {
    // RDF items have no GUID; rdf:about is normally the link itself, so the canonical URL identifies them.
    guid: '',
    link: item.link ?? item.rdf?.about ?? '',
    base,
    title: item.title ?? item.dc?.titles?.[0] ?? '',
    titleFormat: 'html',
    author: item.dc?.creators?.[0] ?? '',
    published: item.dc?.dates?.[0] ?? '',
    updated: '',
    contentHtml: item.content?.encoded ?? '',
    summaryHtml: item.description ?? item.dc?.descriptions?.[0] ?? '',
  };
}

function fromJson(item: JsonFeed.Item<string>, base: string, feedAuthor: string): RawItem {
  const html = item.content_html ?? (item.content_text ? plainTextToHtml(item.content_text) : '');
  return {
    guid: item.id ?? '',
    link: item.url ?? item.external_url ?? '',
    base,
    title: item.title ?? '',
    titleFormat: 'lenient-text',
    author: item.authors?.[0]?.name ?? feedAuthor,
    published: item.date_published ?? '',
    updated: item.date_modified ?? '',
    contentHtml: html,
    summaryHtml: item.summary ? plainTextToHtml(item.summary) : '',
  };
}

/** The link to the page of a feed or entry: rel="alternate" (the default rel), else any that is not self/enclosure. */
function alternateLink<T extends { href?: string; rel?: string }>(links: T[] | undefined): T | undefined {
  const all = links ?? [];
  return all.find((l) => !l.rel || l.rel === 'alternate') ?? all.find((l) => l.rel !== 'self' && l.rel !== 'enclosure');
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
