/**
 * A linear pre-pass over the raw page before it is parsed: elements that never hold article text
 * (scripts, styles, comments, SVG, frames, form controls) are cut out, and what the extractor
 * needs from them (<title>, <meta>, <link>, JSON-LD) is kept aside. The DOM parser then sees
 * about a third of a typical news page, which is most of the extractor's speed.
 *
 * Every search moves forward from the current position, and an unterminated raw-text element
 * ends the document (as it does in a browser), so the work is linear in the input length.
 */

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
const ATTRIBUTE = /([^\s=/"'<>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
const closingTags = new Map<string, RegExp>();

function closingTag(name: string): RegExp {
  let re = closingTags.get(name);
  if (!re) {
    re = new RegExp(`</${name}\\s*>`, 'gi');
    closingTags.set(name, re);
  }
  return re;
}

/** The attributes of a tag (names lower-cased, values entity-decoded); the first of a repeated name wins. */
export function parseAttributes(source: string): Map<string, string> {
  const out = new Map<string, string>();
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(source); m; m = ATTRIBUTE.exec(source)) {
    const name = m[1].toLowerCase();
    if (!out.has(name)) out.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  middot: '·',
  copy: '©',
};

/** Decodes numeric entities and the named ones that occur in titles and metadata. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,7})|#x([\da-f]{1,6})|([a-z]{2,8}));?/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (name) return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
    const code = dec ? Number(dec) : parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
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
