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
  if (item.canonicalUrl) return `u:${sha256(item.canonicalUrl)}`;
  return `h:${sha256(item.title + item.text)}`;
}

/** Changes when what a reader sees changes (title, text or link), so updates can be told from re-fetches. */
export function contentHash(title: string, text: string, url: string): string {
  return sha256(`${title}\n${text}\n${url}`);
}
