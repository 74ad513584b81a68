import { createHash } from 'node:crypto';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The stable identity of an item within its source: its GUID / id when it has one, else its
 * canonical URL, else its content. Prefixed so that the three kinds never collide.
 */
export function itemKey(item: { guid: string; canonicalUrl: string; title: string; text: string }): string {
  if (item.guid) return `g:${sha256(item.guid)}`;
  if (item.canonicalUrl) return `u:${sha256(identityUrl(item.canonicalUrl))}`;
  return `h:${sha256(item.title + item.text)}`;
}

/** Changes when what a reader sees changes (title, text or link), so updates can be told from re-fetches. */
export function contentHash(title: string, text: string, url: string): string {
  return sha256(`${title}\n${text}\n${url}`);
}

/**
 * A canonical URL as an identity: a trailing slash of a path other than the root does not make
 * another article ("/news/story/" and "/news/story" are one). Only the key drops it; the stored
 * link stays as the site wrote it, since some servers answer only one of the two.
 */
export function identityUrl(canonical: string): string {
  let url: URL;
  try {
    url = new URL(canonical);
  } catch {
    return canonical;
  }
  if (url.pathname.length <= 1 || !url.pathname.endsWith('/')) return canonical;
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url.href;
}
