import type * as Linkedom from 'linkedom';
import type { storage } from '@autoglm/contracts';
import type { WebPageOptions } from '@autoglm/shared-config';
import { extractArticle } from '../extract/article-extractor';
import { resolveHttpUrl } from '../normalize/canonical-url';
import { escapeHtml, titleText } from '../normalize/html-content';
import { decodeDocument } from '../parse/charset';
import { compileSelector, selectAll, selectOne, type SelectableElement } from './css-selector';
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

function textOf(element: SelectableElement | undefined): string {
  return titleText((element as unknown as { textContent?: string | null } | undefined)?.textContent ?? '', false);
}

/**
 * The article links of a list page: each element matching itemSelector is an item; its link is
 * the first element matching linkSelector inside it (or the item itself when it is a link and
 * nothing inside matches); its title the text of titleSelector, else the link's text, else its
 * title attribute. Links are absolute http(s) URLs, each listed once. No item matching, or no
 * item with a link, is a SourceKindError naming the selector.
 */
export function readListPage(html: string, pageUrl: string, options: WebPageOptions): ListedLink[] {
  const itemSelector = compileSelector(options.itemSelector);
  const linkSelector = compileSelector(options.linkSelector || 'a');
  const titleSelector = options.titleSelector ? compileSelector(options.titleSelector) : null;
  const { document } = parseHTML(html);
  const root = document.documentElement as unknown as SelectableElement | null;
  if (!root) throw new SourceKindError(`the page at ${pageUrl} is empty`);
  const baseElement = selectOne(root, compileSelector('base[href]'));
  const base = resolveHttpUrl(baseElement?.getAttribute('href') ?? '', pageUrl) ?? pageUrl;
  const items = selectAll(root, itemSelector);
  if (items.length === 0) throw new SourceKindError(`no element of the page at ${pageUrl} matches the item selector "${options.itemSelector}"`);
  const seen = new Set<string>();
  const links: ListedLink[] = [];
  for (const item of items) {
    const link = selectOne(item, linkSelector) ?? (item.tagName.toLowerCase() === 'a' ? item : undefined);
    const url = resolveHttpUrl(link?.getAttribute('href')?.trim() ?? '', base);
    if (!link || !url || seen.has(url)) continue;
    seen.add(url);
    const title = (titleSelector && textOf(selectOne(item, titleSelector))) || textOf(link) || titleText(link.getAttribute('title') ?? '', false);
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
 * A listed article as a storage.FeedItem: identity from its canonical URL (the link on the list
 * page, tracking parameters removed), content from the page's extracted main content. Without a
 * page (it could not be fetched or read) the item keeps the list's title and link.
 */
export function listedArticleItem(link: ListedLink, page: ArticlePage | undefined): storage.FeedItem | undefined {
  let title = link.title;
  let contentHtml = '';
  let author = '';
  let published = '';
  if (page && /html/i.test(page.contentType || 'text/html')) {
    try {
      const article = extractArticle(decodeDocument(page.body, page.contentType).text, page.finalUrl);
      title = title || article.title;
      contentHtml = article.contentHtml;
      author = article.byline ?? '';
      published = article.publishedAt ?? '';
    } catch {
      // An unreadable article keeps what the list page says about it.
    }
  }
  return toFeedItem({ id: '', link: link.url, base: link.url, title: title ? escapeHtml(title) : '', author, published, contentHtml });
}

/** The items of a web-page source: its listed links, the first WEB_PAGE_ARTICLES_PER_CRAWL of them with their page. */
export async function readWebPage(
  list: ArticlePage,
  options: WebPageOptions,
  fetchArticle: (url: string) => Promise<ArticlePage | undefined>,
): Promise<storage.FeedItem[]> {
  const { text } = decodeDocument(list.body, list.contentType);
  const links = readListPage(text, list.finalUrl, options).slice(0, WEB_PAGE_ARTICLES_PER_CRAWL);
  const pages = await Promise.all(links.map((link) => fetchArticle(link.url)));
  return distinctItems(links.map((link, i) => listedArticleItem(link, pages[i])));
}
