import type { AnyFeed } from 'feedsmith';

/** Where a feed's updates are pushed (W3C WebSub §4): its hub and the topic (self URL) to subscribe to. */
export interface WebSubLinks {
  hubUrl: string;
  /** The feed's self URL, else the URL it was fetched from (the topic a subscription names). */
  topicUrl: string;
}

interface LinkLike {
  href?: string;
  rel?: string;
}

/**
 * The hub and self URL a feed advertises (WebSub discovery): HTTP `Link` headers first (the spec
 * lets them win over the document), then `<link rel="hub">` / `<atom:link rel="hub">` in Atom, RSS
 * and RDF, and JSON Feed's `hubs`. The first http(s) hub is used. Null when there is no hub.
 */
export function discoverWebSub(feed: AnyFeed, fetchedUrl: string, linkHeader = ''): WebSubLinks | null {
  const fromHeader = parseLinkHeader(linkHeader, fetchedUrl);
  const fromDocument = documentLinks(feed, fetchedUrl);
  const hubUrl = fromHeader.hubs[0] ?? fromDocument.hubs[0];
  if (!hubUrl) return null;
  return { hubUrl, topicUrl: fromHeader.self ?? fromDocument.self ?? fetchedUrl };
}

function documentLinks(feed: AnyFeed, base: string): { hubs: string[]; self?: string } {
  switch (feed.format) {
    case 'atom':
      return fromLinks(feed.feed.links, base);
    case 'rss':
    case 'rdf':
      return fromLinks(feed.feed.atom?.links, base);
    case 'json': {
      const hubs = (feed.feed.hubs ?? []).map((h) => httpUrl(h.url, base)).filter((u): u is string => u !== undefined);
      return { hubs, self: httpUrl(feed.feed.feed_url, base) };
    }
  }
}

function fromLinks(links: LinkLike[] | undefined, base: string): { hubs: string[]; self?: string } {
  const hubs: string[] = [];
  let self: string | undefined;
  for (const link of links ?? []) {
    const rels = (link.rel ?? '').toLowerCase().split(/\s+/);
    const url = httpUrl(link.href, base);
    if (!url) continue;
    if (rels.includes('hub')) hubs.push(url);
    if (rels.includes('self') && self === undefined) self = url;
  }
  return { hubs, self };
}

/**
 * Hub and self links of an HTTP `Link` header (RFC 8288): `<url>; rel="hub", <url>; rel=self`.
 * A rel value may list several relation types ("hub self"); targets resolve against the fetched URL.
 */
export function parseLinkHeader(header: string, base: string): { hubs: string[]; self?: string } {
  const hubs: string[] = [];
  let self: string | undefined;
  let at = 0;
  while (at < header.length) {
    const open = header.indexOf('<', at);
    const close = open < 0 ? -1 : header.indexOf('>', open);
    if (close < 0) break;
    // The parameters run to the next comma outside a quoted string.
    let end = close + 1;
    for (let quoted = false; end < header.length; end++) {
      if (header[end] === '"') quoted = !quoted;
      else if (header[end] === ',' && !quoted) break;
    }
    const url = httpUrl(header.slice(open + 1, close), base);
    const rel = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(header.slice(close + 1, end));
    at = end + 1;
    if (!url || !rel) continue;
    const rels = (rel[1] ?? rel[2] ?? '').toLowerCase().trim().split(/\s+/);
    if (rels.includes('hub')) hubs.push(url);
    if (rels.includes('self') && self === undefined) self = url;
  }
  return { hubs, self };
}

function httpUrl(value: string | undefined, base: string): string | undefined {
  if (!value?.trim()) return undefined;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
