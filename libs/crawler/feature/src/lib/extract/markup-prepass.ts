/**
 * A linear pre-pass over the raw page before it is parsed: elements that never hold article text
 * (scripts, styles, comments, SVG, frames, form controls) are cut out, and what the extractor
 * needs from them (<title>, <meta>, <link>, JSON-LD) is kept aside. The DOM parser then sees
 * about a third of a typical news page, which is most of the extractor's speed.
 *
 * Every search moves forward from the current position, and an unterminated raw-text element
 * ends the document (as it does in a browser), so the work is linear in the input length.
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** What the pre-pass keeps from the elements it removes. */
export interface HarvestedHead {
  /** Text of the first <title>. */
  title: string;
  /** `<meta>` content by lower-cased property / name / itemprop / http-equiv; the first one wins. */
  meta: Map<string, string>;
  /** `<link>` href by lower-cased rel token; the first one wins. */
  links: Map<string, string>;
  /** The lang attribute of <html>. */
  lang: string;
  /** Bodies of <script type="application/ld+json">. */
  jsonLd: string[];
}

export interface PreparedMarkup {
  /** The markup from <body> on (a <body> is added when the page has none), without the removed elements. */
  body: string;
  head: HarvestedHead;
}

/** Elements removed with their content. The value says whether an unclosed one runs to the end of the page. */
const REMOVED_WITH_CONTENT: ReadonlyMap<string, boolean> = new Map([
  ['script', true],
  ['style', true],
  ['textarea', true],
  ['title', true],
  ['noscript', false],
  ['template', false],
  ['svg', false],
  ['math', false],
  ['iframe', false],
  ['object', false],
  ['select', false],
  ['button', false],
]);

/** An opening tag of interest or a comment. Attributes are bounded so a tag without '>' costs little. */
const TAG_OF_INTEREST =
  /<(?:(!--)|(script|style|textarea|title|noscript|template|svg|math|iframe|object|select|button|meta|link|html|body)(?=[\s/>])([^>]{0,4000})>)/gi;
const closingTags = new Map<string, RegExp>();

function closingTag(name: string): RegExp {
  let re = closingTags.get(name);
  if (!re) {
    re = new RegExp(`</${name}\\s*>`, 'gi');
    closingTags.set(name, re);
  }
  return re;
}

const ignoreEvent = (): void => undefined;

/**
 * What htmlparser2's tokenizer reads from a short piece of markup: its text and the attributes of
 * its tags, character references decoded (all HTML5 names, the legacy forms without ';', and in
 * attribute values not a legacy name followed by '=' or a letter, as browsers read query strings).
 */
class FragmentReader implements TokenizerCallbacks {
  text = '';
  readonly attributes = new Map<string, string>();
  private attributeName = '';
  private attributeValue = '';

  constructor(private readonly source: string) {
    const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, this);
    tokenizer.write(source);
    tokenizer.end();
  }

  ontext(start: number, endIndex: number): void {
    this.text += this.source.slice(start, endIndex);
  }
  ontextentity(codePoint: number): void {
    this.text += String.fromCodePoint(codePoint);
  }
  onattribname(start: number, endIndex: number): void {
    this.attributeName = this.source.slice(start, endIndex).toLowerCase();
    this.attributeValue = '';
  }
  onattribdata(start: number, endIndex: number): void {
    this.attributeValue += this.source.slice(start, endIndex);
  }
  onattribentity(codePoint: number): void {
    this.attributeValue += String.fromCodePoint(codePoint);
  }
  onattribend(): void {
    if (!this.attributes.has(this.attributeName)) this.attributes.set(this.attributeName, this.attributeValue);
  }
  // Tags, comments and the like carry nothing read here.
  readonly onopentagname = ignoreEvent;
  readonly onopentagend = ignoreEvent;
  readonly onselfclosingtag = ignoreEvent;
  readonly onclosetag = ignoreEvent;
  readonly oncomment = ignoreEvent;
  readonly oncdata = ignoreEvent;
  readonly ondeclaration = ignoreEvent;
  readonly onprocessinginstruction = ignoreEvent;
  readonly onend = ignoreEvent;
}

/** The attributes of a tag, from the source between its name and '>' (names lower-cased, values decoded); the first of a repeated name wins. */
export function parseAttributes(source: string): Map<string, string> {
  return new FragmentReader(`<a ${source}>`).attributes;
}

/** Text with its character references decoded, as in a <title>: a '<' stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  // Split at '<' so the tokenizer reads no tags; a character reference never spans one.
  return text
    .split('<')
    .map((part) => (part.includes('&') ? new FragmentReader(part).text : part))
    .join('<');
}

export function prepareMarkup(html: string): PreparedMarkup {
  const head: HarvestedHead = { title: '', meta: new Map(), links: new Map(), lang: '', jsonLd: [] };
  const kept: string[] = [];
  let keptFrom = 0;
  let bodyAt = -1;
  let pos = 0;
  TAG_OF_INTEREST.lastIndex = 0;
  for (let m = TAG_OF_INTEREST.exec(html); m; m = TAG_OF_INTEREST.exec(html)) {
    const start = m.index;
    let end = TAG_OF_INTEREST.lastIndex;
    if (m[1]) {
      // A comment: up to "-->", or the end of the page when it is never closed.
      const close = html.indexOf('-->', start + 4);
      end = close < 0 ? html.length : close + 3;
    } else {
      const name = m[2].toLowerCase();
      const attrs = m[3];
      if (name === 'html' || name === 'body') {
        if (name === 'html' && !head.lang) head.lang = parseAttributes(attrs).get('lang') ?? '';
        if (name === 'body' && bodyAt < 0) bodyAt = kept.reduce((n, s) => n + s.length, 0) + (start - keptFrom);
        continue;
      }
      if (name === 'meta') {
        harvestMeta(parseAttributes(attrs), head);
      } else if (name === 'link') {
        harvestLink(parseAttributes(attrs), head);
      } else if (!attrs.endsWith('/') || name === 'script' || name === 'title') {
        const close = closingTag(name);
        close.lastIndex = end;
        const found = close.exec(html);
        if (found) {
          const content = html.slice(end, found.index);
          if (name === 'title' && !head.title) head.title = decodeEntities(content).replace(/\s+/g, ' ').trim();
          else if (name === 'script' && /ld\+json/i.test(attrs)) head.jsonLd.push(content);
          end = close.lastIndex;
        } else if (REMOVED_WITH_CONTENT.get(name)) {
          end = html.length;
        }
      }
    }
    if (start > keptFrom) kept.push(html.slice(keptFrom, start));
    keptFrom = end;
    pos = end;
    TAG_OF_INTEREST.lastIndex = pos;
  }
  if (keptFrom < html.length) kept.push(html.slice(keptFrom));
  const cleaned = kept.join('');
  // The DOM parser puts content in <body> only when the markup opens one.
  return { body: bodyAt >= 0 ? cleaned.slice(bodyAt) : `<body>${cleaned}</body>`, head };
}

function harvestMeta(attrs: Map<string, string>, head: HarvestedHead): void {
  const content = attrs.get('content');
  if (content === undefined) return;
  for (const key of ['property', 'name', 'itemprop', 'http-equiv']) {
    const value = attrs.get(key);
    if (!value) continue;
    for (const token of value.toLowerCase().split(/\s+/)) {
      if (token && !head.meta.has(token)) head.meta.set(token, content.trim());
    }
  }
}

function harvestLink(attrs: Map<string, string>, head: HarvestedHead): void {
  const href = attrs.get('href');
  const rel = attrs.get('rel');
  if (!href || !rel) return;
  for (const token of rel.toLowerCase().split(/\s+/)) {
    if (token && !head.links.has(token)) head.links.set(token, href.trim());
  }
}
