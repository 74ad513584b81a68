import { WINDOWS_1252_C1 } from './text-decoders';

/**
 * Repairs applied to the text of a feed before it is parsed: what real feeds get wrong or what
 * older formats express in ways the parser does not read. Each rule is about the document's
 * structure, never about a particular feed.
 */

// A DOCTYPE is dropped before parsing: an internal subset could declare entities (billion
// laughs, external entities), and feeds never need it. Only the prolog is searched: "<!DOCTYPE"
// inside content (a CDATA section, say) is text.
const PROLOG_DOCTYPE = /^(\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*)*)<!DOCTYPE(?:[^[>]|"[^"]*"|'[^']*')*(?:\[[\s\S]*?\]\s*)?>/i;

const ATOM_03_NAMESPACE = 'http://purl.org/atom/ns#';
const RSS_NAMESPACES = ['http://backend.userland.com/rss2', 'http://backend.userland.com/rss', 'http://purl.org/rss/2.0/'];

export function prepareFeedSource(text: string): string {
  let source = text.replace(PROLOG_DOCTYPE, '$1');
  source = repairC1Characters(source);
  if (source.includes(ATOM_03_NAMESPACE)) source = prepareAtom03(source);
  source = unprefixRss(source);
  source = wrapChannel(source);
  if (/<(?:rss|rdf:RDF)\b/.test(source)) source = renameRssAliases(source);
  return source;
}

/**
 * Feeds written on Windows put cp1252 punctuation where Unicode C1 controls are: "&#146;" or a
 * raw U+0092 meaning ’. As HTML5 does for numeric references, these are read as windows-1252.
 */
export function repairC1Characters(text: string): string {
  const mapped = (code: number) => WINDOWS_1252_C1[code - 0x80] ?? code;
  return text
    .replace(/&#(?:0*(12[89]|1[3-5]\d)|[xX]0*([89][0-9a-fA-F]));/g, (whole, dec: string | undefined, hex: string | undefined) => {
      const code = dec ? Number(dec) : Number.parseInt(hex ?? '', 16);
      return code >= 0x80 && code <= 0x9f ? `&#${mapped(code)};` : whole;
    })
    .replace(/[\u0080-\u009f]/g, (ch) => String.fromCodePoint(mapped(ch.charCodeAt(0))));
}

/**
 * Atom 0.3 had a `mode` attribute: "base64" content is decoded here (and becomes escaped text);
 * inline XML content ("xml", the default for XML types) is the content itself — Atom 1.0's rule
 * that an xhtml construct is wrapped in a div that is not part of it does not apply, so the
 * content is wrapped once more for the parser to remove that wrapper and keep the content whole.
 */
function prepareAtom03(source: string): string {
  return source.replace(
    /<((?:[\w.-]+:)?(?:title|tagline|subtitle|summary|content|copyright|info|rights))(\s[^>]*)?>([\s\S]*?)<\/\1\s*>/g,
    (whole, tag: string, attributes: string | undefined, body: string) => {
      const attrs = attributes ?? '';
      const mode = /\smode\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1]?.toLowerCase();
      const type = /\stype\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1]?.toLowerCase() ?? '';
      if (mode === 'base64') {
        const decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
        return `<${tag}${attrs.replace(/\smode\s*=\s*["'][^"']*["']/i, ' mode="escaped"')}>${escapeXml(decoded)}</${tag}>`;
      }
      if ((mode === 'xml' || !mode) && type.includes('xhtml') && /^\s*</.test(body)) {
        return `<${tag}${attrs}><div xmlns="http://www.w3.org/1999/xhtml">${body}</div></${tag}>`;
      }
      return whole;
    },
  );
}

/** RSS whose elements carry a prefix bound to an RSS namespace (`<r:rss xmlns:r="…/rss2">`) is read as plain RSS. */
function unprefixRss(source: string): string {
  const root = /<([\w.-]+):rss\b[^>]*>/.exec(source);
  if (!root) return source;
  const prefix = root[1];
  const binding = new RegExp(`xmlns:${escapeRegExp(prefix)}\\s*=\\s*["']([^"']*)["']`).exec(root[0])?.[1];
  if (!binding || !RSS_NAMESPACES.some((ns) => ns.replace(/\/$/, '') === binding.replace(/\/$/, ''))) return source;
  return source.replace(new RegExp(`<(/?)${escapeRegExp(prefix)}:`, 'g'), '<$1');
}

/** RSS 0.9x written without a `<channel>` (items directly under `<rss>`) gets one. */
function wrapChannel(source: string): string {
  const root = /<rss\b[^>]*>/.exec(source);
  if (!root || /<channel\b/.test(source)) return source;
  const start = root.index + root[0].length;
  const end = source.lastIndexOf('</rss>');
  if (end < start) return source;
  return `${source.slice(0, start)}<channel>${source.slice(start, end)}</channel>${source.slice(end)}`;
}

/**
 * Item elements of older RSS dialects that mean what content:encoded and dc:creator mean:
 * `<body>` / `<xhtml:body>` (inline XHTML), `<fullitem>` (escaped HTML), `<dc:author>`.
 */
function renameRssAliases(source: string): string {
  return source
    .replace(/<((?:[\w.-]+:)?body)(\s[^>]*)?>([\s\S]*?)<\/\1\s*>/g, (_, _tag: string, _attrs: string | undefined, inner: string) =>
      `<content:encoded><![CDATA[${stripXhtmlPrefix(inner).replace(/]]>/g, ']]]]><![CDATA[>')}]]></content:encoded>`,
    )
    .replace(/<fullitem(\s[^>]*)?>([\s\S]*?)<\/fullitem\s*>/g, '<content:encoded>$2</content:encoded>')
    .replace(/<(\/?)dc:author\b/g, '<$1dc:creator');
}

/** Inline XHTML written with a prefix (`<xhtml:a>`) as plain HTML tags. */
function stripXhtmlPrefix(html: string): string {
  return html.replace(/<(\/?)[\w.-]+:(?=[a-zA-Z])/g, '<$1');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
