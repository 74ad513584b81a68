import type { AnyFeed, AtomFeed, JsonFeed, RdfFeed, RssFeed } from 'feedsmith';
import type { storage, Timestamp } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { canonicalUrl, resolveHttpUrl } from './canonical-url';
import { parseFeedDate } from './feed-date';
import { htmlToPlainText, plainTextToHtml, sanitizeContent, titleText } from './html-content';
import { contentHash, itemKey } from './item-identity';

/** A feed reduced to what storage keeps. */
export interface NormalizedFeed {
  title: string;
  items: storage.FeedItem[];
}

/** The fields of an item, whatever the feed format, before cleaning. */
interface RawItem {
  guid: string;
  link: string;
  /** Base for relative links of this item (xml:base or the feed URL). */
  base: string;
  title: string;
  titleIsHtml: boolean;
  author: string;
  date: string;
  contentHtml: string;
  summaryHtml: string;
}

const ZERO_TIMESTAMP: Timestamp = { seconds: '0', nanos: 0 };
const FALLBACK_TITLE_LENGTH = 100;

/**
 * Turns a parsed feed of any format into storage.FeedItems: absolute URLs, plain-text titles,
 * sanitized HTML, plain text, dates, identity and content hash. Items repeated in the feed
 * (same identity) are kept once; items with nothing to show are dropped.
 */
export function normalizeFeed(parsed: AnyFeed, feedUrl: string): NormalizedFeed {
  const { title, items } = rawItemsOf(parsed, feedUrl);
  const seen = new Set<string>();
  const out: storage.FeedItem[] = [];
  for (const raw of items) {
    const item = normalizeItem(raw, feedUrl);
    if (!item || seen.has(item.itemKey)) continue;
    seen.add(item.itemKey);
    out.push(item);
  }
  return { title, items: out };
}

function normalizeItem(raw: RawItem, feedUrl: string): storage.FeedItem | null {
  const url = resolveHttpUrl(raw.link, raw.base) ?? '';
  const contentBase = url || raw.base || feedUrl;
  const content = sanitizeContent(raw.contentHtml, contentBase);
  const summary = sanitizeContent(raw.summaryHtml, contentBase);
  const text = htmlToPlainText(content) || htmlToPlainText(summary);
  let title = titleText(raw.title, raw.titleIsHtml);
  if (!title) title = firstWords(text);
  if (!title && !url && !text) return null;
  const guid = raw.guid.trim();
  const published = parseFeedDate(raw.date);
  return {
    itemKey: itemKey({ guid, canonicalUrl: url ? canonicalUrl(url) : '', title, text }),
    guid,
    url,
    title,
    author: titleText(raw.author, false),
    publishedAt: published ? toTimestamp(published) : ZERO_TIMESTAMP,
    contentHtml: content || summary,
    text,
    contentHash: contentHash(title, text, url),
  };
}

function rawItemsOf(parsed: AnyFeed, feedUrl: string): { title: string; items: RawItem[] } {
  switch (parsed.format) {
    case 'rss':
      return { title: titleText(parsed.feed.title ?? '', true), items: (parsed.feed.items ?? []).map((i) => fromRss(i, feedUrl)) };
    case 'atom': {
      const base = resolveHttpUrl(parsed.feed.xml?.base, feedUrl) ?? feedUrl;
      const feedAuthor = parsed.feed.authors?.[0]?.name ?? '';
      return {
        title: atomText(parsed.feed.title),
        items: (parsed.feed.entries ?? []).map((e) => fromAtom(e, base, feedAuthor)),
      };
    }
    case 'rdf':
      return { title: titleText(parsed.feed.title ?? '', true), items: (parsed.feed.items ?? []).map((i) => fromRdf(i, feedUrl)) };
    case 'json': {
      const feedAuthor = parsed.feed.authors?.[0]?.name ?? '';
      return {
        title: titleText(parsed.feed.title ?? '', false),
        items: (parsed.feed.items ?? []).map((i) => fromJson(i, feedUrl, feedAuthor)),
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
    base,
    title: item.title ?? '',
    titleIsHtml: true,
    author: person?.name ?? item.dc?.creators?.[0] ?? person?.email ?? '',
    date: item.pubDate ?? item.dc?.dates?.[0] ?? '',
    contentHtml: item.content?.encoded ?? item.description ?? '',
    summaryHtml: item.description ?? '',
  };
}

function fromAtom(entry: AtomFeed.Entry<string>, feedBase: string, feedAuthor: string): RawItem {
  const base = resolveHttpUrl(entry.xml?.base, feedBase) ?? feedBase;
  const links = entry.links ?? [];
  const link = links.find((l) => !l.rel || l.rel === 'alternate') ?? links.find((l) => l.rel !== 'self' && l.rel !== 'enclosure');
  const content = entry.content?.src ? '' : atomHtml(entry.content);
  return {
    guid: entry.id ?? '',
    link: link?.href ?? '',
    base,
    title: typeof entry.title === 'string' ? entry.title : (entry.title?.value ?? ''),
    titleIsHtml: typeof entry.title === 'object' && (entry.title.type === 'html' || entry.title.type === 'xhtml'),
    author: entry.authors?.[0]?.name ?? feedAuthor,
    date: entry.published ?? entry.updated ?? '',
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
    title: item.title ?? '',
    titleIsHtml: true,
    author: item.dc?.creators?.[0] ?? '',
    date: item.dc?.dates?.[0] ?? '',
    contentHtml: item.content?.encoded ?? item.description ?? '',
    summaryHtml: item.description ?? '',
  };
}

function fromJson(item: JsonFeed.Item<string>, base: string, feedAuthor: string): RawItem {
  const html = item.content_html ?? (item.content_text ? plainTextToHtml(item.content_text) : '');
  return {
    guid: item.id ?? '',
    link: item.url ?? item.external_url ?? '',
    base,
    title: item.title ?? '',
    titleIsHtml: false,
    author: item.authors?.[0]?.name ?? feedAuthor,
    date: item.date_published ?? item.date_modified ?? '',
    contentHtml: html,
    summaryHtml: item.summary ? plainTextToHtml(item.summary) : '',
  };
}

/** An Atom text construct as plain text (type="html"/"xhtml" carry markup, type="text" does not). */
function atomText(value: AtomFeed.Text | string | undefined): string {
  if (!value) return '';
  if (typeof value === 'string') return titleText(value, false);
  return titleText(value.value ?? '', value.type === 'html' || value.type === 'xhtml');
}

/** An Atom text or content construct as HTML. */
function atomHtml(value: AtomFeed.Text | AtomFeed.Content | undefined): string {
  if (!value?.value) return '';
  return value.type === 'text' ? plainTextToHtml(value.value) : value.value;
}

function firstWords(text: string): string {
  const line = text.split('\n').find((l) => l.trim())?.trim() ?? '';
  return line.length > FALLBACK_TITLE_LENGTH ? `${line.slice(0, FALLBACK_TITLE_LENGTH).trimEnd()}…` : line;
}
