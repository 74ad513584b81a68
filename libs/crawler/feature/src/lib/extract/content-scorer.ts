/**
 * Finds the article body in a parsed page. One bottom-up pass gives every block of text a
 * weight — positive for prose (long, punctuated, few links), negative for boilerplate (link
 * lists, short labels) — and every element the sum of the weights in its subtree. The body is
 * the subtree with the largest sum: it takes in all the prose it can while each menu, link list
 * or teaser it would swallow costs it. Elements that are boilerplate by their tag, their
 * class/id or their visibility are removed before they are counted.
 *
 * Text length counts a CJK character as three (about one word), and punctuation includes the
 * CJK marks, so Chinese, Japanese and Korean pages score like European ones.
 */

/** Nodes as far as the extractor reads them (light-dom builds this subset of the DOM). */
export interface DomNode {
  readonly nodeType: number;
  readonly firstChild: DomNode | null;
  readonly nextSibling: DomNode | null;
}
export interface DomElement extends DomNode {
  readonly localName: string;
  getAttribute(name: string): string | null;
}
export interface DomText extends DomNode {
  readonly data: string;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

/** Deeper elements are read as plain text: the walk stays bounded whatever the nesting. */
export const MAX_DEPTH = 200;

/** Tags that never belong to an article body. */
const DROPPED_TAGS = new Set([
  'nav',
  'aside',
  'footer',
  'menu',
  'dialog',
  'button',
  'input',
  'select',
  'textarea',
  'option',
  'label',
  'iframe',
  'object',
  'embed',
  'canvas',
  'audio',
  'video',
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'link',
  'meta',
  'head',
  'title',
]);

/** Phrasing content: its text belongs to the block around it. */
export const INLINE_TAGS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'br',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'img',
  'ins',
  'kbd',
  'mark',
  'picture',
  'q',
  's',
  'samp',
  'small',
  'source',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
  'wbr',
]);

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** Containers that are never removed for their class or id (the page itself, the article element). */
const STRUCTURAL = new Set(['html', 'body', 'main', 'article']);


/**
 * Class/id words of furniture: comments, sharing, teasers, consent banners. Sites also put them on
 * wrappers ("m-advertisement-off-canvas--pusher"), so an element holding more than
 * FURNITURE_KEEPS_ABOVE of prose stays.
 */
const FURNITURE_WORD =
  /(?:^|[\s_-])(?:comments?|commentlist|disqus|share|sharing|sharebar|social|sns|related|recommend|recommended|recommendations|newsletter|subscribe|subscription|signup|promo|sponsored|advertisement|adsbygoogle|cookies?|consent|gdpr|modal|popup|outbrain|taboola|breadcrumbs?|login|taglist|tags)(?=$|[\s_-])/i;
/** Furniture names that are safe to find inside a longer word ("commentsContainer"). */
const FURNITURE_ANYWHERE = /comment|disqus|outbrain|taboola|cookie/i;
/**
 * Class/id words of layout regions that usually hold furniture (sidebars, headers, ads, menus) but
 * also name page-wide wrappers ("l-side-margins", "Page-ad-margins"): such an element is removed
 * only when it turns out to hold little prose.
 */
const REGION_WORD =
  /(?:^|[\s_-])(?:nav|navbar|navigation|menu|sidebar|side|rail|widgets?|footer|header|masthead|more|popular|trending|advert|ads?|adv|banner|overlay|toolbar|skip|rank|hot|bio|byline|caption|credit|copyright|dateline|timestamp|meta|print|tools?)(?=$|[\s_-])/i;
/**
 * A suspect element is a wrapper of the article, not furniture, when it holds this share of the
 * weight of the best subtree of the page (and, for regions, at least REGION_KEEPS_ABOVE).
 */
const REGION_KEEPS_SHARE = 0.3;
const REGION_KEEPS_ABOVE = 300;
const FURNITURE_KEEPS_SHARE = 0.6;
/** …and when no subtree outside it weighs this share of it (else the article is elsewhere and it is a thread or teaser block). */
const FURNITURE_OUTSIDE_SHARE = 0.3;

const enum Verdict {
  Keep,
  Drop,
  /** Walked, then dropped unless it holds REGION_KEEPS_SHARE of the page's prose. */
  Region,
  /** Walked, then dropped unless it holds FURNITURE_KEEPS_SHARE of the page's prose. */
  Furniture,
}

/** How an element is handled, from its tag, attributes, class and id. */
function judge(el: DomElement, tag: string): Verdict {
  if (DROPPED_TAGS.has(tag)) return Verdict.Drop;
  if (el.getAttribute('hidden') !== null) return Verdict.Drop;
  const style = el.getAttribute('style');
  if (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return Verdict.Drop;
  const role = el.getAttribute('role');
  if (role && /^(?:navigation|banner|complementary|contentinfo|dialog|alert|menu|menubar|search)$/i.test(role)) return Verdict.Region;
  if (STRUCTURAL.has(tag) || INLINE_TAGS.has(tag)) return Verdict.Keep;
  const cls = el.getAttribute('class');
  const id = el.getAttribute('id');
  if (!cls && !id) return tag === 'header' ? Verdict.Region : Verdict.Keep;
  const names = cls && id ? `${cls} ${id}` : cls || id || '';
  if (FURNITURE_WORD.test(names) || FURNITURE_ANYWHERE.test(names)) return Verdict.Furniture;
  return tag === 'header' || REGION_WORD.test(names) ? Verdict.Region : Verdict.Keep;
}

/** Text measures of a run of text. */
interface Measure {
  /** Length with CJK characters counted three times. */
  len: number;
  /** The part of `len` inside links. */
  linkLen: number;
  /** Sentence and clause punctuation, European and CJK. */
  punct: number;
  /** The last text ended in "..." or "…" (a teaser cut short). */
  cut: boolean;
}

export interface ScoredPage {
  /** The chosen article body, or null when the page has no prose. */
  best: DomElement | null;
  /** The subtree weight of each block element visited. */
  scores: Map<DomElement, number>;
  /** Elements removed as boilerplate. */
  removed: Set<DomElement>;
  /** Measured length of all the text that was not removed. */
  totalLen: number;
}

/** A list item whose linked lead-in is followed by a sentence of its own is prose up to this link density. */
const ITEM_MAX_LINK_DENSITY = 0.7;

/** Weight of one block's own text: prose counts for it, link lists and short labels against it. */
function blockWeight(m: Measure, heading: boolean, cell: boolean, item: boolean): number {
  if (m.len === 0) return 0;
  const plain = m.len - m.linkLen;
  if (heading) return -m.linkLen;
  // A data table's cells are short and unpunctuated; without links they are content, not furniture.
  if (cell && m.linkLen === 0) return 0;
  const density = m.linkLen / m.len;
  // A link followed by a snippet cut short is a teaser of another article.
  if (m.cut && m.linkLen > 0) return -plain * 0.5 - m.linkLen;
  if (m.punct > 0 && plain >= 40 && density < (item ? ITEM_MAX_LINK_DENSITY : 0.5)) return plain - m.linkLen + Math.min(m.punct, 20) * 8;
  if (plain >= 120 && density < 0.3) return plain * 0.5 - m.linkLen;
  return -m.linkLen * 1.5 - (plain < 40 ? 10 : 0);
}

function isCjk(code: number): boolean {
  return (
    (code >= 0x3040 && code <= 0x30ff) || // kana
    (code >= 0x3400 && code <= 0x9fff) || // CJK ideographs
    (code >= 0xac00 && code <= 0xd7af) || // hangul
    (code >= 0xf900 && code <= 0xfaff)
  );
}

function isPunctuation(code: number): boolean {
  return (
    code === 0x2c || // ,
    code === 0x2e || // .
    code === 0x3b || // ;
    code === 0x3f || // ?
    code === 0x21 || // !
    code === 0x3001 || // 、
    code === 0x3002 || // 。
    code === 0xff0c || // ，
    code === 0xff1b || // ；
    code === 0xff01 || // ！
    code === 0xff1f || // ？
    code === 0xff1a // ：
  );
}

/** Adds the measures of a text to `m` (whitespace does not count). */
function measureText(text: string, m: Measure, inLink: boolean): void {
  let len = 0;
  let punct = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0xa0) continue;
    if (c < 0x80) {
      len++;
      if (isPunctuation(c)) punct++;
    } else if (isCjk(c)) {
      len += 3;
    } else {
      len++;
      if (isPunctuation(c)) punct++;
    }
  }
  if (len > 0) m.cut = /(?:\.\.\.|…)\s*$/.test(text);
  m.len += len;
  m.punct += punct;
  if (inLink) m.linkLen += len;
}

/** Measures every text below `node` without scoring (used beyond MAX_DEPTH). */
function measureFlat(node: DomNode, m: Measure, inLink: boolean): void {
  // Iterative: this is the fallback for nesting too deep to recurse into.
  const stack: DomNode[] = [];
  let child = node.firstChild;
  for (;;) {
    while (child) {
      if (child.nodeType === TEXT_NODE) measureText((child as DomText).data, m, inLink);
      else if (child.nodeType === ELEMENT_NODE && child.firstChild) stack.push(child.firstChild);
      child = child.nextSibling;
    }
    const next = stack.pop();
    if (!next) return;
    child = next;
  }
}

/** A card has at most this many snippets, this much snippet weight, and this much link text beside them. */
const CARD_MAX_SNIPPETS = 2;
const CARD_MAX_WEIGHT = 800;
const CARD_MIN_LINK = 8;
/** …and its snippets weigh at most this many times its link text (a paragraph under a row of share buttons is no card). */
const CARD_WEIGHT_PER_LINK = 12;

/** Schema.org / CMS markers of the article body: a subtree so marked counts more. */
const MARKED_ARTICLE = /(?:^|[\s_-])(?:articlebody|article-?body|article-?content|entry-content|post-content|post-body|story-?body|article-text|text-article)(?=$|[\s_-])/i;
const MARKED_ARTICLE_FACTOR = 1.5;
const MARKED_ARTICLE_BONUS = 200;

function isMarkedArticle(el: DomElement): boolean {
  const itemprop = el.getAttribute('itemprop');
  if (itemprop && /articlebody/i.test(itemprop)) return true;
  const cls = el.getAttribute('class');
  return cls !== null && MARKED_ARTICLE.test(cls);
}

function parentOf(node: DomNode): DomElement | null {
  const parent = (node as DomNode & { parentNode: DomNode | null }).parentNode;
  return parent && parent.nodeType === ELEMENT_NODE ? (parent as DomElement) : null;
}

/** Whether `el` or one of its ancestors was removed. */
function isRemoved(el: DomElement, removed: ReadonlySet<DomElement>): boolean {
  for (let up: DomElement | null = el; up; up = parentOf(up)) if (removed.has(up)) return true;
  return false;
}

/** The body moves down to a child that holds this share of its weight. */
const DESCEND_SHARE = 0.9;

/** Whether `a` is `b` or one of its ancestors. */
function contains(a: DomElement, b: DomElement): boolean {
  for (let up: DomElement | null = b; up; up = parentOf(up)) if (up === a) return true;
  return false;
}

/** The highest subtree weight neither inside `el` nor around it; `ranked` is sorted by weight, highest first. */
function bestOutside(el: DomElement, ranked: ReadonlyArray<[DomElement, number]>): number {
  for (const [other, score] of ranked) if (!contains(other, el) && !contains(el, other)) return score;
  return 0;
}

export function scorePage(root: DomElement): ScoredPage {
  const scores = new Map<DomElement, number>();
  const removed = new Set<DomElement>();
  /** Elements whose class or role says furniture, children before parents. */
  const suspects: Array<[DomElement, Verdict, number]> = [];
  /** The largest subtree weight seen inside the element being walked. */
  let innerMax = 0;
  let topScore = 0;
  let totalLen = 0;
  // Running totals over the walk; an element's share is the difference between its entry and exit.
  let proseBlocks = 0;
  let proseWeight = 0;
  /** Link text outside prose blocks (headline links, "Read more"). */
  let looseLinkLen = 0;

  /** Walks `el`; its text is added to `own` (the enclosing block's measure). Returns the subtree weight. */
  const visit = (el: DomElement, tag: string, own: Measure, inLink: boolean, depth: number): number => {
    const verdict = judge(el, tag);
    if (verdict === Verdict.Drop) {
      removed.add(el);
      return 0;
    }
    if (depth >= MAX_DEPTH) {
      measureFlat(el, own, inLink);
      return 0;
    }
    const inline = INLINE_TAGS.has(tag);
    const outerMax = innerMax;
    innerMax = 0;
    const proseBlocksBefore = proseBlocks;
    const proseWeightBefore = proseWeight;
    const looseLinkLenBefore = looseLinkLen;
    const m: Measure = inline ? own : { len: 0, linkLen: 0, punct: 0, cut: false };
    const link = inLink || tag === 'a';
    let sum = 0;
    for (let child = el.firstChild; child; child = child.nextSibling) {
      const type = child.nodeType;
      if (type === TEXT_NODE) {
        measureText((child as DomText).data, m, link);
      } else if (type === ELEMENT_NODE) {
        const c = child as DomElement;
        sum += visit(c, c.localName, m, link, depth + 1);
      }
    }
    if (!inline) {
      const weight = blockWeight(m, HEADINGS.has(tag), tag === 'td' || tag === 'th', tag === 'li');
      sum += weight;
      if (weight > 0) {
        proseBlocks++;
        proseWeight += weight;
      } else {
        looseLinkLen += m.linkLen;
      }
      // A card: a headline link or "Read more" next to one or two snippets is a teaser of another page.
      const blocks = proseBlocks - proseBlocksBefore;
      const links = looseLinkLen - looseLinkLenBefore;
      const snippet = proseWeight - proseWeightBefore;
      if (blocks > 0 && blocks <= CARD_MAX_SNIPPETS && links >= CARD_MIN_LINK && snippet < CARD_MAX_WEIGHT && snippet < links * CARD_WEIGHT_PER_LINK) sum -= snippet;
    }
    // A quotation (an embedded post, a cited passage) is part of the text it sits in, whatever its links.
    if (tag === 'blockquote' && sum < 0) sum = 0;
    if (!inline && sum > 0 && isMarkedArticle(el)) sum = sum * MARKED_ARTICLE_FACTOR + MARKED_ARTICLE_BONUS;
    if (inline) {
      innerMax = Math.max(outerMax, innerMax);
      return sum;
    }
    totalLen += m.len;
    scores.set(el, sum);
    if (sum > topScore) topScore = sum;
    innerMax = Math.max(innerMax, sum);
    if (verdict !== Verdict.Keep) suspects.push([el, verdict, innerMax]);
    innerMax = Math.max(outerMax, innerMax);
    return sum;
  };

  visit(root, root.localName, { len: 0, linkLen: 0, punct: 0, cut: false }, false, 0);

  // Suspects are judged against the page's best subtree; a removed one no longer counts for its ancestors.
  // What counts is the best subtree inside the suspect: a wrapper around the article and its menus may sum low.
  // Furniture (comments, related) is weighed against the best subtree outside it: a comment thread
  // below the article may sum high, but the article beside it sums higher.
  const ranked = suspects.some(([, v]) => v === Verdict.Furniture) ? [...scores].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]) : [];
  for (const [el, verdict, inside] of suspects) {
    const sum = scores.get(el) ?? 0;
    const keep =
      verdict === Verdict.Region
        ? inside >= Math.max(REGION_KEEPS_ABOVE, topScore * REGION_KEEPS_SHARE)
        : inside >= topScore * FURNITURE_KEEPS_SHARE && bestOutside(el, ranked) < inside * FURNITURE_OUTSIDE_SHARE;
    if (keep) continue;
    removed.add(el);
    if (sum === 0) continue;
    for (let up = parentOf(el); up; up = parentOf(up)) {
      const s = scores.get(up);
      if (s !== undefined) scores.set(up, s - sum);
    }
  }

  let best: DomElement | null = null;
  let bestScore = 0;
  for (const [el, sum] of scores) {
    if (sum > bestScore && !isRemoved(el, removed)) {
      best = el;
      bestScore = sum;
    }
  }
  // A wrapper wins over the article inside it by the few points of a notice or bio beside it: the
  // article is the child that carries nearly all of the wrapper's weight.
  for (let descend = best; descend; ) {
    let top: DomElement | null = null;
    let topChildScore = 0;
    for (let child = descend.firstChild; child; child = child.nextSibling) {
      const score = child.nodeType === ELEMENT_NODE && !removed.has(child as DomElement) ? (scores.get(child as DomElement) ?? 0) : 0;
      if (score > topChildScore) {
        top = child as DomElement;
        topChildScore = score;
      }
    }
    descend = top !== null && topChildScore >= bestScore * DESCEND_SHARE ? top : null;
    if (descend) {
      best = descend;
      bestScore = topChildScore;
    }
  }
  return { best, scores, removed, totalLen };
}
