import type * as Linkedom from 'linkedom';
import type { storage } from '@autoglm/contracts';
import type { WebPageOptions } from '@autoglm/shared-config';
import { extractArticle } from '../extract/article-extractor';
import { declaredCanonicalUrl, resolveHttpUrl } from '../normalize/canonical-url';
import { escapeHtml, titleText } from '../normalize/html-content';
import { decodeDocument } from '../parse/charset';
import { compileSelector, selectOne, type SelectableElement } from './css-selector';
import { compileListSelector } from './list-selector';
import { distinctItems, toFeedItem } from './kind-item';
import { SourceKindError } from './source-kind-error';

/** At most this many linked articles are fetched per crawl of a web-page source. */
export const WEB_PAGE_ARTICLES_PER_CRAWL = 20;

/** One entry of a list page: the article's absolute URL and the title shown on the list. */
export interface ListedLink {
  url: string;
  title: string;
}

/** A fetched article page (its body decoded by the caller's fetcher). */
export interface ArticlePage {
  body: Buffer;
  contentType: string;
  finalUrl: string;
}

let linkedom: typeof Linkedom | null = null;

/** linkedom is required on first use (as the extractor does): it pulls in ES-module-only packages. */
function parseHTML(markup: string): ReturnType<typeof Linkedom.parseHTML> {
  linkedom ??= require('linkedom') as typeof Linkedom;
  return linkedom.parseHTML(markup);
}

/**
 * The markup without its doctype: linkedom's doctype node has no nextSibling, so XPath's walk of
 * the document's children (firstChild, then nextSibling) would stop before <html>. The doctype
 * changes nothing else for this parser.
 */
function withoutDoctype(markup: string): string {
  return markup.replace(/^(\uFEFF?\s*(?:<!--[\s\S]*?-->\s*)*)<!doctype[^>]*>/i, '$1');
}

function textOf(element: SelectableElement | undefined): string {
  return titleText((element as unknown as { textContent?: string | null } | undefined)?.textContent ?? '', false);
}

/** The text of a selector's match: an element's text content, or the text an XPath selected or computed. */
function matchText(match: SelectableElement | string | undefined): string {
  return typeof match === 'string' ? titleText(match, false) : textOf(match);
}

/**
 * The article links of a list page: each element matching itemSelector is an item; its link is
 * the first match of linkSelector inside it (an element's href, or the URL an XPath selects, such
 * as an @href attribute), or the item itself when it is a link and nothing inside matches; its
 * title the text of titleSelector, else the link's text, else its title attribute. Selectors are
 * CSS, or XPath with the "xpath:" prefix (evaluated with the item as context node for the link and
 * title). Links are absolute http(s) URLs, each listed once. No item matching, or no item with a
 * link, is a SourceKindError naming the selector.
 */
export function readListPage(html: string, pageUrl: string, options: WebPageOptions): ListedLink[] {
  const itemSelector = compileListSelector(options.itemSelector, 'item selector');
  const linkSelector = compileListSelector(options.linkSelector || 'a', 'link selector');
  const titleSelector = options.titleSelector ? compileListSelector(options.titleSelector, 'title selector') : null;
  const { document } = parseHTML(withoutDoctype(html));
  const root = document.documentElement as unknown as SelectableElement | null;
  if (!root) throw new SourceKindError(`the page at ${pageUrl} is empty`);
  const baseElement = selectOne(root, compileSelector('base[href]'));
  const base = resolveHttpUrl(baseElement?.getAttribute('href') ?? '', pageUrl) ?? pageUrl;
  const items = itemSelector.elements(root);
  if (items.length === 0) throw new SourceKindError(`no element of the page at ${pageUrl} matches the item selector "${options.itemSelector}"`);
  const seen = new Set<string>();
  const links: ListedLink[] = [];
  for (const item of items) {
    const match = linkSelector.first(item) ?? (item.tagName.toLowerCase() === 'a' ? item : undefined);
    const href = typeof match === 'string' ? match : match?.getAttribute('href');
    const url = resolveHttpUrl(href?.trim() ?? '', base);
    if (!match || !url || seen.has(url)) continue;
    seen.add(url);
    const linkText = typeof match === 'string' ? '' : textOf(match) || titleText(match.getAttribute('title') ?? '', false);
    const title = (titleSelector && matchText(titleSelector.first(item))) || linkText;
    links.push({ url, title });
  }
  if (links.length === 0) {
    throw new SourceKindError(
      `${items.length} element(s) of the page at ${pageUrl} match "${options.itemSelector}" but none holds a link matching "${options.linkSelector}"`,
    );
  }
  return links;
}

/**
 * A listed article as a storage.FeedItem: identity from its canonical URL (the page's own
 * rel=canonical on the same site, else the link on the list page; tracking parameters removed),
 * content from the page's extracted main content. Without a
 * page (it could not be fetched or read) the item keeps the list's title and link.
 */
export function listedArticleItem(link: ListedLink, page: ArticlePage | undefined): storage.FeedItem | undefined {
  let title = link.title;
  let contentHtml = '';
  let author = '';
  let published = '';
  let url = link.url;
  if (page && /html/i.test(page.contentType || 'text/html')) {
    try {
      const article = extractArticle(decodeDocument(page.body, page.contentType).text, page.finalUrl);
      // The page's own rel=canonical (same site) names the article better than the list's link.
      url = declaredCanonicalUrl(article.canonicalUrl, page.finalUrl) ?? url;
      title = title || article.title;
      contentHtml = article.contentHtml;
      author = article.byline ?? '';
      published = article.publishedAt ?? '';
    } catch {
      // An unreadable article keeps what the list page says about it.
    }
  }
  return toFeedItem({ id: '', link: url, base: page?.finalUrl ?? link.url, title: title ? escapeHtml(title) : '', author, published, contentHtml });
}

/** What reading a web-page source found. */
export interface WebPageRead {
  items: storage.FeedItem[];
  /** Listed links robots.txt does not let us fetch: skipped (neither fetched nor stored). */
  disallowed: string[];
}

/**
 * The items of a web-page source: its listed links that `allows` (robots.txt) lets us fetch, the
 * first `limit` (WEB_PAGE_ARTICLES_PER_CRAWL) of them with their page.
 */
export async function readWebPage(
  list: ArticlePage,
  options: WebPageOptions,
  fetchArticle: (url: string) => Promise<ArticlePage | undefined>,
  allows: (url: string) => Promise<boolean> = async () => true,
  limit = WEB_PAGE_ARTICLES_PER_CRAWL,
): Promise<WebPageRead> {
  const { text } = decodeDocument(list.body, list.contentType);
  const listed = readListPage(text, list.finalUrl, options);
  const verdicts = await Promise.all(listed.map((link) => allows(link.url)));
  const disallowed = listed.filter((_, i) => !verdicts[i]).map((link) => link.url);
  const links = listed.filter((_, i) => verdicts[i]).slice(0, limit);
  const pages = await Promise.all(links.map((link) => fetchArticle(link.url)));
  return { items: distinctItems(links.map((link, i) => listedArticleItem(link, pages[i]))), disallowed };
}
