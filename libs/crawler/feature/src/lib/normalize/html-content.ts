import { compile, type HtmlToTextOptions } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';
import { resolveHttpUrl } from './canonical-url';

const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

// Compiled once: html-to-text otherwise rebuilds its selector tables on every call.
const contentToText = compile(TEXT_OPTIONS);
const titleToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
});

/**
 * Tags nested deeper than this are dropped (their text kept): real articles nest a few dozen levels,
 * while a hostile item of 10,000 nested tags would overflow the stack of the text converter.
 */
export const MAX_CONTENT_NESTING = 100;

function sanitizeOptions(baseUrl: string): sanitizeHtml.IOptions {
  const resolve = (value: string | undefined) => (value ? (resolveAbsolute(value, baseUrl) ?? value) : value);
  return {
    nestingLimit: MAX_CONTENT_NESTING,
    allowedTags: [
      ...sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'style'),
      'img',
      'figure',
      'figcaption',
      'picture',
      'del',
      'ins',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      ol: ['start', 'reversed'],
      abbr: ['title'],
      time: ['datetime'],
      blockquote: ['cite'],
      q: ['cite'],
      del: ['cite', 'datetime'],
      ins: ['cite', 'datetime'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg', 'math'],
    transformTags: {
      // Relative links and images would point at our own origin once shown: make them absolute.
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, href: resolve(attribs['href']) ?? '', rel: 'noopener noreferrer' },
      }),
      img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, src: resolve(attribs['src']) ?? '' } }),
      // The other URI attributes kept (feedparser resolves every URI attribute of the markup it keeps).
      ...Object.fromEntries(
        ['blockquote', 'q', 'del', 'ins'].map((tag) => [
          tag,
          (tagName: string, attribs: sanitizeHtml.Attributes) => ({
            tagName,
            attribs: attribs['cite'] === undefined ? attribs : { ...attribs, cite: resolve(attribs['cite']) ?? '' },
          }),
        ]),
      ),
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
  };
}

/** An absolute form of a link in content; non-http schemes are returned as is for the sanitizer to judge. */
function resolveAbsolute(value: string, baseUrl: string): string | null {
  if (/^\s*(?:mailto|tel):/i.test(value)) return value;
  return resolveHttpUrl(value, baseUrl);
}

/**
 * Sanitizes feed HTML to a safe subset: no scripts, styles, frames or forms, no event handlers,
 * only http(s)/mailto links (made absolute against `baseUrl`, with rel="noopener noreferrer").
 */
export function sanitizeContent(html: string, baseUrl: string): string {
  if (!html.trim()) return '';
  return sanitizeHtml(html, sanitizeOptions(baseUrl)).trim();
}

/** The readable text of HTML: no markup, no link URLs, no line wrapping. */
export function htmlToPlainText(html: string): string {
  if (!html.trim()) return '';
  return tidyText(contentToText(html));
}

/** HTML showing plain text (for feeds that only give text). */
export function plainTextToHtml(text: string): string {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br />')}</p>`).join('\n');
}

/**
 * A title as plain text. Feeds often escape HTML in titles once more than XML requires
 * ("&amp;amp;", "&lt;b&gt;"): entities are decoded, and tags removed when the title is HTML.
 */
export function titleText(raw: string, isHtml: boolean): string {
  if (!raw.trim()) return '';
  // Most titles have neither markup nor entities: nothing for the HTML reader to do.
  if (!/[<&]/.test(raw)) return raw.replace(/\s+/g, ' ').trim();
  const html = isHtml ? raw : raw.replace(/</g, '&lt;');
  return titleToText(html)
    .replace(/\s+/g, ' ')
    .trim();
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function tidyText(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
