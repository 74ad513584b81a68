import { normalizeFeed, type NormalizedFeed } from '../normalize/feed-normalizer';
import { parseFeedDocument } from './feed-parser';
import { discoverWebSub, type WebSubLinks } from './websub-links';

/** What the crawler needs of an HTTP response to read a feed. */
export interface FeedResponse {
  body: Buffer;
  /** The Content-Type header ('' when absent). */
  contentType: string;
  /** The URL the document was fetched from, after redirects. */
  url: string;
  /** The Content-Location header, when present. */
  contentLocation?: string;
  /** The Link header (WebSub discovery: rel="hub" / rel="self"), when present. */
  link?: string;
}

export interface ReadFeed extends NormalizedFeed {
  /** The encoding the bytes were decoded with. */
  encoding: string;
  /** The WebSub hub the feed advertises (Link header or the document) and the topic to subscribe to; absent: none. */
  webSub?: WebSubLinks;
}

/** Decodes, parses and normalizes a fetched feed; a ParseError when it is not a feed. */
export function readFeed(response: FeedResponse): ReadFeed {
  const document = parseFeedDocument(response.body, response.contentType, response.url);
  const feed = normalizeFeed(document.feed, documentBaseUrl(response.url, response.contentLocation));
  const webSub = discoverWebSub(document.feed, response.url, response.link ?? '');
  return { ...feed, encoding: document.encoding, ...(webSub ? { webSub } : {}) };
}

/**
 * The base for relative links of a document: its Content-Location (RFC 9110 §8.7, resolved
 * against the URL) when that is an http(s) URL, else the URL it was fetched from.
 */
export function documentBaseUrl(url: string, contentLocation?: string): string {
  if (!contentLocation?.trim()) return url;
  try {
    const base = new URL(contentLocation.trim(), url);
    return base.protocol === 'http:' || base.protocol === 'https:' ? base.href : url;
  } catch {
    return url;
  }
}
