import { resolveHttpUrl } from '../normalize/canonical-url';
import { escapeHtml } from '../normalize/html-content';
import { ELEMENT_NODE, INLINE_TAGS, MAX_DEPTH, TEXT_NODE, type DomElement, type DomNode, type DomText } from './content-scorer';

/** Tags kept in the article HTML; every other element is unwrapped (its content kept). */
const KEPT_TAGS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'pre',
  'code',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'caption',
  'figure',
  'figcaption',
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'del',
  'ins',
  'sub',
  'sup',
  'small',
  'mark',
  'q',
  'cite',
  'abbr',
  'time',
  'br',
  'hr',
]);
const VOID_TAGS = new Set(['br', 'hr', 'img', 'wbr', 'source']);
/** Attributes lazy-loading scripts keep the real image address in. */
const LAZY_SOURCES = ['data-src', 'data-original', 'data-lazy-src', 'data-url', 'data-actualsrc', 'data-hi-res-src', 'src'];
/** Below this weight a block inside the body is dropped as an embedded teaser or link list. */
export const PRUNE_BELOW = -25;

export interface WrittenContent {
  html: string;
  text: string;
  /** The first image kept, absolute. */
  firstImage: string | null;
}

/** An image's real address: lazy-loading attributes first, then src, then the first srcset candidate. */
function imageSource(el: DomElement, baseUrl: string): string | null {
  for (const attr of LAZY_SOURCES) {
    const value = el.getAttribute(attr);
    if (value && !/^\s*data:/i.test(value)) {
      const url = resolveHttpUrl(value, baseUrl);
      if (url) return url;
    }
  }
  const srcset = el.getAttribute('srcset') ?? el.getAttribute('data-srcset');
  const first = srcset?.trim().split(/\s+/)[0];
  return first ? resolveHttpUrl(first, baseUrl) : null;
}

/**
 * Writes the chosen subtree(s) as simple HTML and plain text, skipping removed elements and
 * blocks whose weight says they are boilerplate. Links and images are made absolute.
 */
export function writeContent(
  roots: DomElement[],
  scores: ReadonlyMap<DomElement, number>,
  removed: ReadonlySet<DomElement>,
  baseUrl: string,
  skipHeading: string,
): WrittenContent {
  const html: string[] = [];
  const text: string[] = [];
  let firstImage: string | null = null;
  /** Whether the text written so far ends a block (so the next text starts a paragraph). */
  let needBreak = false;
  let skipTitle = skipHeading;

  const breakText = () => {
    needBreak = true;
  };
  const pushText = (raw: string) => {
    const collapsed = raw.replace(/[\s\u00a0]+/g, ' ');
    if (collapsed === ' ' || collapsed === '') {
      if (collapsed === ' ' && text.length > 0 && !needBreak) text.push(' ');
      html.push(collapsed);
      return;
    }
    if (needBreak && text.length > 0) text.push('\n\n');
    needBreak = false;
    text.push(collapsed);
    html.push(escapeHtml(collapsed));
  };

  /** Inside a quotation nothing is pruned: an embedded post is all links and short lines, and part of the text. */
  let quoteDepth = 0;

  const write = (node: DomNode, depth: number): void => {
    if (node.nodeType === TEXT_NODE) {
      pushText((node as DomText).data);
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const el = node as DomElement;
    if (removed.has(el)) return;
    const tag = el.localName;
    const score = scores.get(el);
    if (score !== undefined && score < PRUNE_BELOW && depth > 0 && quoteDepth === 0) return;
    if (depth >= MAX_DEPTH) {
      pushText(flatText(el));
      return;
    }
    if (skipTitle && /^h[1-3]$/.test(tag) && flatText(el).replace(/\s+/g, ' ').trim() === skipTitle) {
      skipTitle = '';
      return;
    }
    if (tag === 'img') {
      const src = imageSource(el, baseUrl);
      if (src) {
        firstImage ??= src;
        const alt = el.getAttribute('alt');
        html.push(`<img src="${escapeHtml(src)}"${alt ? ` alt="${escapeHtml(alt)}"` : ''} />`);
      }
      return;
    }
    const block = !INLINE_TAGS.has(tag);
    if (block) breakText();
    if (tag === 'br') {
      html.push('<br />');
      if (text.length > 0) text.push('\n');
      return;
    }
    let open = '';
    if (tag === 'a') {
      const href = resolveHttpUrl(el.getAttribute('href') ?? undefined, baseUrl);
      open = href ? `<a href="${escapeHtml(href)}">` : '';
    } else if (KEPT_TAGS.has(tag)) {
      open = VOID_TAGS.has(tag) ? `<${tag} />` : `<${tag}>`;
    } else if (block) {
      open = '<div>';
    }
    html.push(open);
    if (VOID_TAGS.has(tag)) return;
    if (tag === 'blockquote') quoteDepth++;
    for (let child = el.firstChild; child; child = child.nextSibling) write(child, depth + 1);
    if (tag === 'blockquote') quoteDepth--;
    if (open) html.push(tag === 'a' ? '</a>' : KEPT_TAGS.has(tag) ? `</${tag}>` : '</div>');
    if (block) breakText();
  };

  for (const root of roots) write(root, 0);
  return { html: html.join(''), text: text.join('').replace(/ *\n */g, '\n').trim(), firstImage };
}

/** All text below `node`, iteratively (bounded stack whatever the nesting). */
export function flatText(node: DomNode): string {
  const out: string[] = [];
  const stack: DomNode[] = [];
  let child = node.firstChild;
  for (;;) {
    while (child) {
      if (child.nodeType === TEXT_NODE) out.push((child as DomText).data);
      else if (child.nodeType === ELEMENT_NODE && child.firstChild) {
        if (child.nextSibling) stack.push(child.nextSibling);
        child = child.firstChild;
        continue;
      }
      child = child.nextSibling;
    }
    const next = stack.pop();
    if (!next) return out.join('');
    child = next;
  }
}
