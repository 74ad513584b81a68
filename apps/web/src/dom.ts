/**
 * Building the page safely: elements are made with createElement and text with text nodes, never
 * from HTML strings. Article markup (already sanitized when it was stored) is parsed inert and
 * rebuilt from an allowlist: no script, style, event handler, form, frame or remote image survives.
 */

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Elements kept as they are (with no attributes but the ones below). */
const KEPT = new Set([
  'p', 'br', 'a', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'mark',
  'h2', 'h3', 'h4', 'h5', 'h6', 'figure', 'figcaption', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
  'hr', 'sub', 'sup', 'dl', 'dt', 'dd', 'small', 'abbr', 'cite', 'q', 'time', 'kbd', 'var', 'samp',
]);
/** Elements dropped with everything in them. */
const DROPPED = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'select', 'textarea',
  'img', 'picture', 'video', 'audio', 'source', 'track', 'svg', 'math', 'canvas', 'template', 'noscript', 'link', 'meta', 'base', 'head', 'title',
]);
/** A heading of the article is never the page's top heading. */
const RENAMED: Record<string, string> = { h1: 'h2' };

function safeHref(value: string | null): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, 'https://invalid.example/');
    return url.protocol === 'https:' || url.protocol === 'http:' ? (url.host === 'invalid.example' ? undefined : url.href) : undefined;
  } catch {
    return undefined;
  }
}

function rebuild(source: Node, target: Node, allowed: (tag: string) => boolean): void {
  for (const node of Array.from(source.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      target.appendChild(document.createTextNode(node.textContent ?? ''));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const element = node as Element;
    const tag = element.localName;
    if (DROPPED.has(tag)) continue;
    const name = RENAMED[tag] ?? tag;
    if (!allowed(name)) {
      rebuild(element, target, allowed); // unknown wrapper (div, span, section…): keep its content only
      continue;
    }
    const copy = document.createElement(name);
    if (name === 'a') {
      const href = safeHref(element.getAttribute('href'));
      if (href) {
        copy.setAttribute('href', href);
        copy.setAttribute('rel', 'noopener noreferrer nofollow');
        copy.setAttribute('target', '_blank');
      }
    }
    for (const attribute of ['colspan', 'rowspan']) {
      const value = element.getAttribute(attribute);
      if ((name === 'td' || name === 'th') && value && /^\d{1,3}$/.test(value)) copy.setAttribute(attribute, value);
    }
    rebuild(element, copy, allowed);
    target.appendChild(copy);
  }
}

function parsed(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

/** An article's markup as safe nodes. */
export function articleContent(html: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  rebuild(parsed(html).body, fragment, (tag) => KEPT.has(tag));
  return fragment;
}

/** A search excerpt: its text with only <mark> kept. */
export function highlighted(html: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  rebuild(parsed(html).body, fragment, (tag) => tag === 'mark');
  return fragment;
}
