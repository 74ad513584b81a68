import { resolveHttpUrl } from '../normalize/canonical-url';
import type { HarvestedHead } from './markup-prepass';

/** What a page says about itself in <head>, OpenGraph, Dublin Core and JSON-LD. */
export interface PageMetadata {
  title: string;
  canonicalUrl: string | null;
  leadImageUrl: string | null;
  byline: string | null;
  /** ISO 8601, or null when the page gives no readable date. */
  publishedAt: string | null;
  /** A BCP 47 tag as the page declares it ("zh-CN", "en"), or null. */
  language: string | null;
}

interface JsonLdFacts {
  headline?: string;
  author?: string;
  datePublished?: string;
  image?: string;
  url?: string;
}

function first(head: HarvestedHead, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = head.meta.get(key);
    if (value) return value;
  }
  return undefined;
}

/** The article facts of the first JSON-LD node that has any (NewsArticle, BlogPosting, …). */
function readJsonLd(blocks: string[]): JsonLdFacts {
  const facts: JsonLdFacts = {};
  const nameOf = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) {
      const names = v.map(nameOf).filter((n): n is string => !!n);
      return names.length ? names.join(', ') : undefined;
    }
    if (v && typeof v === 'object' && 'name' in v && typeof v.name === 'string') return v.name;
    return undefined;
  };
  const urlOf = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return urlOf(v[0]);
    if (v && typeof v === 'object' && 'url' in v) return urlOf(v.url);
    return undefined;
  };
  const visit = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 6) return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const o = node as Record<string, unknown>;
    if (typeof o['datePublished'] === 'string' || typeof o['headline'] === 'string') {
      if (typeof o['headline'] === 'string') facts.headline ??= o['headline'];
      if (typeof o['datePublished'] === 'string') facts.datePublished ??= o['datePublished'];
      facts.author ??= nameOf(o['author']);
      facts.image ??= urlOf(o['image']);
      if (typeof o['url'] === 'string') facts.url ??= o['url'];
    }
    if (o['@graph']) visit(o['@graph'], depth + 1);
  };
  for (const block of blocks) {
    try {
      visit(JSON.parse(block) as unknown, 0);
    } catch {
      // Invalid JSON-LD is common; the page's other metadata still counts.
    }
  }
  return facts;
}

function isoDate(raw: string | undefined): string | null {
  if (!raw) return null;
  const ms = Date.parse(raw.trim());
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

const tidy = (s: string | undefined): string | undefined => s?.replace(/\s+/g, ' ').trim() || undefined;

export function readMetadata(head: HarvestedHead, baseUrl: string): PageMetadata {
  const ld = readJsonLd(head.jsonLd);
  const canonical =
    resolveHttpUrl(head.links.get('canonical'), baseUrl) ??
    resolveHttpUrl(first(head, ['og:url', 'twitter:url']), baseUrl) ??
    resolveHttpUrl(ld.url, baseUrl);
  const author = tidy(first(head, ['author', 'article:author', 'byl', 'dc.creator', 'sailthru.author', 'parsely-author']) ?? ld.author);
  return {
    title: tidy(first(head, ['og:title', 'twitter:title']) ?? ld.headline ?? head.title) ?? '',
    canonicalUrl: canonical,
    leadImageUrl: resolveHttpUrl(first(head, ['og:image', 'og:image:url', 'twitter:image', 'twitter:image:src']) ?? ld.image, baseUrl),
    // article:author is often a profile URL, which is no byline.
    byline: author && !/^https?:\/\//i.test(author) ? author : null,
    publishedAt: isoDate(
      first(head, ['article:published_time', 'datepublished', 'og:published_time', 'pubdate', 'publishdate', 'dc.date.issued', 'dc.date']) ??
        ld.datePublished,
    ),
    language: tidy(head.lang || first(head, ['content-language', 'og:locale', 'language'])?.replace('_', '-')) ?? null,
  };
}
