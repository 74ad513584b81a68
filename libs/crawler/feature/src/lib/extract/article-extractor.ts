import { sanitizeContent } from '../normalize/html-content';
import { scorePage, type DomElement, type DomNode } from './content-scorer';
import { writeContent } from './content-writer';
import { ExtractionError, ExtractionFailure } from './extraction-error';
import { parseLightDom } from './light-dom';
import { prepareMarkup } from './markup-prepass';
import { readMetadata } from './page-metadata';

/** Larger pages are refused: no news article needs 8 MB of markup, and the parse would take seconds. */
export const MAX_ARTICLE_HTML_CHARS = 8 * 1024 * 1024;

/** The main content of an article page and what the page says about itself. */
export interface ExtractedArticle {
  /** og:title, JSON-LD headline or <title>; '' when the page has none. */
  title: string;
  /** The article body, sanitized: headings, lists, tables, figures kept; links and images absolute. '' when none was found. */
  contentHtml: string;
  /** The article body as plain text, paragraphs separated by a blank line. */
  text: string;
  /** From <link rel=canonical>, og:url or JSON-LD, absolute; null when the page declares none. */
  canonicalUrl: string | null;
  /** og:image / twitter:image, else the first image of the body; absolute. */
  leadImageUrl: string | null;
  byline: string | null;
  /** ISO 8601. */
  publishedAt: string | null;
  /** The declared language (html lang, Content-Language, og:locale), else a guess from the script of the text. */
  language: string | null;
}

/** A sibling of the body joins it when it carries at least this share of the body's weight. */
const SIBLING_SHARE = 0.2;

function pageUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
  } catch {
    // fall through to the typed error
  }
  throw new ExtractionError(ExtractionFailure.InvalidUrl, `The page address "${url.slice(0, 200)}" is not an http(s) URL.`);
}

/** A language guess from the script of the text, for pages that declare none. */
function scriptLanguage(text: string): string | null {
  const sample = text.slice(0, 2000);
  if (sample.length < 20) return null;
  const count = (re: RegExp) => sample.match(re)?.length ?? 0;
  const kana = count(/[\u3040-\u30ff]/g);
  const hangul = count(/[\uac00-\ud7af]/g);
  const han = count(/[\u4e00-\u9fff]/g);
  const share = (n: number) => n / sample.length;
  if (share(kana) > 0.05) return 'ja';
  if (share(hangul) > 0.2) return 'ko';
  if (share(han) > 0.2) return 'zh';
  return null;
}

/** The subtree chosen as body plus its siblings that are prose too (articles split by ad slots). */
function bodyRoots(best: DomElement, scores: ReadonlyMap<DomElement, number>, removed: ReadonlySet<DomElement>): DomElement[] {
  const bestScore = scores.get(best) ?? 0;
  const parent = (best as unknown as { parentNode: DomNode | null }).parentNode;
  if (!parent) return [best];
  const roots: DomElement[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (child === best) roots.push(best);
    else if (child.nodeType === 1 && !removed.has(child as DomElement) && (scores.get(child as DomElement) ?? 0) >= bestScore * SIBLING_SHARE) {
      roots.push(child as DomElement);
    }
  }
  return roots;
}

/**
 * Extracts the article of an HTML page: the main content without navigation, ads, share bars,
 * cookie notices and link lists, as sanitized HTML and as text, plus title, canonical URL, lead
 * image, byline, date and language. A page without prose gives an empty body, never an error;
 * only a page over MAX_ARTICLE_HTML_CHARS or a page URL that is not http(s) throws ExtractionError.
 */
export function extractArticle(html: string, url: string): ExtractedArticle {
  const base = pageUrl(url);
  if (html.length > MAX_ARTICLE_HTML_CHARS) {
    throw new ExtractionError(
      ExtractionFailure.TooLarge,
      `The page is ${(html.length / 1048576).toFixed(1)} MB of HTML; articles over ${MAX_ARTICLE_HTML_CHARS / 1048576} MB are not extracted.`,
    );
  }
  const { body, head } = prepareMarkup(html);
  const meta = readMetadata(head, base);
  const root = parseLightDom(body);
  const scored = scorePage(root);
  const written =
    scored.best !== null
      ? writeContent(bodyRoots(scored.best, scored.scores, scored.removed), scored.scores, scored.removed, base, meta.title)
      : { html: '', text: '', firstImage: null };
  return {
    title: meta.title,
    contentHtml: written.html ? sanitizeContent(written.html, base) : '',
    text: written.text,
    canonicalUrl: meta.canonicalUrl,
    leadImageUrl: meta.leadImageUrl ?? written.firstImage,
    byline: meta.byline,
    publishedAt: meta.publishedAt,
    language: meta.language ?? scriptLanguage(written.text),
  };
}
