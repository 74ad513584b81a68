import { splitSentences } from '../text/sentence-splitter';

/** An article as the pipeline fingerprints it: title and text (paragraphs separated by a blank line). */
export interface FingerprintedArticle {
  id: string;
  lang: 'en' | 'zh';
  /** Articles of one topic are different stories about the same kind of event. */
  topic: string;
  title: string;
  text: string;
}

export type NearDuplicateKind =
  | 'typos'
  | 'sentence-added'
  | 'sentence-removed'
  | 'footer-appended'
  | 'whitespace-punctuation'
  | 'title-changed'
  | 'syndicated'
  | 'words-replaced-5%'
  | 'words-replaced-10%'
  | 'words-replaced-15%';

export type DistinctKind = 'other-article' | 'same-topic-other-story' | 'first-paragraph-only';

/** Two versions of text with the truth: is b a near-duplicate of a? */
export interface LabelledPair {
  baseId: string;
  lang: 'en' | 'zh';
  kind: NearDuplicateKind | DistinctKind;
  nearDuplicate: boolean;
  a: { title: string; text: string };
  b: { title: string; text: string };
}

/** A seeded pseudo-random source in [0, 1) (mulberry32): the same seed gives the same pairs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Sentences a copy might gain (an update line, an editor's note), by language. */
const ADDED_SENTENCES = {
  en: [
    'This article was updated on Friday with a response from the company.',
    'A spokesperson declined to comment further when contacted on Thursday.',
    'Additional reporting was provided by our regional correspondent.',
  ],
  zh: ['本文于周五更新，补充了相关方面的回应。', '记者联系相关负责人时，对方表示暂不作进一步评论。', '本报驻地记者对此文亦有贡献。'],
} as const;

/** Boilerplate footers of syndicated copies (about 25 words). */
const FOOTERS = {
  en: [
    'Sign up for our morning newsletter to get the top stories in your inbox every day. Copyright 2026 Harbour News Group. All rights reserved. Follow us on social media.',
    'Read more: our live coverage continues on the website and in the app. This story may not be republished without permission. Report an error to our corrections desk.',
  ],
  zh: ['更多精彩内容请下载本报客户端，或关注官方微信公众号。版权所有，未经授权不得转载。欢迎读者提供新闻线索。', '责任编辑：王明。本文来源：城市晚报。如需转载请联系授权，违者必究。'],
} as const;

const TITLE_PREFIXES = { en: ['UPDATE: ', 'Live: ', 'Explainer: '], zh: ['最新：', '快讯：', '关注：'] } as const;

/** A typo: drop, double or swap letters of one word (English) or drop/double/swap characters (Chinese). */
function withTypos(text: string, edits: number, random: Random): string {
  let out = text;
  for (let e = 0; e < edits; e++) {
    const letters = [...out.matchAll(/\p{L}/gu)].map((m) => m.index as number);
    if (letters.length < 2) break;
    const at = pick(random, letters);
    const op = Math.floor(random() * 3);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1);
    else if (op === 1) out = out.slice(0, at) + (out[at] as string) + out.slice(at);
    else if (/\p{L}/u.test(out[at + 1] ?? '')) out = out.slice(0, at) + (out[at + 1] as string) + (out[at] as string) + out.slice(at + 2);
    else out = out.slice(0, at) + out.slice(at + 1);
  }
  return out;
}

/** Paragraphs of sentences (blank-line separated), so sentences can be added or removed keeping the layout. */
function paragraphs(text: string): string[][] {
  return text
    .split(/\n\s*\n/)
    .map((p) => splitSentences(p))
    .filter((p) => p.length > 0);
}

function joinParagraphs(parts: readonly (readonly string[])[], lang: 'en' | 'zh'): string {
  return parts.map((p) => p.join(lang === 'zh' ? '' : ' ')).join('\n\n');
}

function withSentenceAdded(text: string, lang: 'en' | 'zh', random: Random): string {
  const parts = paragraphs(text);
  const p = Math.floor(random() * parts.length);
  const paragraph = [...(parts[p] as string[])];
  paragraph.splice(Math.floor(random() * (paragraph.length + 1)), 0, pick(random, ADDED_SENTENCES[lang]));
  parts[p] = paragraph;
  return joinParagraphs(parts, lang);
}

function withSentenceRemoved(text: string, lang: 'en' | 'zh', random: Random): string {
  const parts = paragraphs(text);
  const places = parts.flatMap((p, i) => p.map((_, j) => [i, j] as const));
  if (places.length < 2) return text;
  const [pi, si] = pick(random, places);
  parts[pi] = (parts[pi] as string[]).filter((_, j) => j !== si);
  return joinParagraphs(
    parts.filter((p) => p.length > 0),
    lang,
  );
}

/** Layout and punctuation only: single line breaks, doubled spaces, straight quotes, other dashes and commas. */
function withWhitespaceAndPunctuation(text: string, lang: 'en' | 'zh'): string {
  const base = text.replace(/\n\s*\n/g, '\n').replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
  return lang === 'zh' ? base.replace(/，/g, ', ').replace(/。/g, '. ').replace(/：/g, ': ') : base.replace(/ — /g, ' - ').replace(/\. /g, '.  ').replace(/, /g, ' , ');
}

/** A word (English) or Han character (Chinese) as the unit of replacement. */
const UNIT = { en: /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu, zh: /\p{Script=Han}/gu } as const;

/** Replaces `share` of the text's words (English) or characters (Chinese) with units drawn from other texts. */
function withUnitsReplaced(text: string, lang: 'en' | 'zh', share: number, donors: readonly string[], random: Random): string {
  const units = [...text.matchAll(UNIT[lang])];
  const count = Math.max(1, Math.round(units.length * share));
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, units.length)) chosen.add(Math.floor(random() * units.length));
  let out = '';
  let from = 0;
  units.forEach((m, i) => {
    if (!chosen.has(i)) return;
    const start = m.index as number;
    out += text.slice(from, start) + pick(random, donors);
    from = start + m[0].length;
  });
  return out + text.slice(from);
}

/** The near-duplicate variants of one article (b) against the article itself (a). */
export function nearDuplicateVariants(article: FingerprintedArticle, donors: readonly string[], random: Random): LabelledPair[] {
  const { lang, title, text } = article;
  const a = { title, text };
  const variant = (kind: NearDuplicateKind, b: { title: string; text: string }): LabelledPair => ({ baseId: article.id, lang, kind, nearDuplicate: true, a, b });
  const footer = pick(random, FOOTERS[lang]);
  return [
    variant('typos', { title, text: withTypos(text, 3, random) }),
    variant('sentence-added', { title, text: withSentenceAdded(text, lang, random) }),
    variant('sentence-removed', { title, text: withSentenceRemoved(text, lang, random) }),
    variant('footer-appended', { title, text: `${text}\n\n${footer}` }),
    variant('whitespace-punctuation', { title, text: withWhitespaceAndPunctuation(text, lang) }),
    variant('title-changed', { title: pick(random, TITLE_PREFIXES[lang]) + withSentenceTitleCut(title, lang), text }),
    variant('syndicated', { title: pick(random, TITLE_PREFIXES[lang]) + title, text: `${withWhitespaceAndPunctuation(text, lang)}\n\n${footer}` }),
    variant('words-replaced-5%', { title, text: withUnitsReplaced(text, lang, 0.05, donors, random) }),
    variant('words-replaced-10%', { title, text: withUnitsReplaced(text, lang, 0.1, donors, random) }),
    variant('words-replaced-15%', { title, text: withUnitsReplaced(text, lang, 0.15, donors, random) }),
  ];
}

/** A shorter headline: the title up to its first clause break, or its first two thirds. */
function withSentenceTitleCut(title: string, lang: 'en' | 'zh'): string {
  const clause = title.split(lang === 'zh' ? /[ ，：]/ : /(?:: | as | after | despite | over )/)[0] ?? title;
  if (clause.length < title.length && clause.trim()) return clause.trim();
  const units = lang === 'zh' ? [...title] : title.split(' ');
  return units.slice(0, Math.max(1, Math.ceil((units.length * 2) / 3))).join(lang === 'zh' ? '' : ' ');
}

/**
 * Labelled pairs over a set of articles: every article's near-duplicate variants, and pairs that
 * are not near-duplicates — two random other articles of its language, every other story of its
 * topic, and the article against its own first paragraph only. Deterministic for a seed.
 */
export function labelledPairs(articles: readonly FingerprintedArticle[], seed: number): LabelledPair[] {
  const random = seededRandom(seed);
  const pairs: LabelledPair[] = [];
  const donorsOf = (lang: 'en' | 'zh') => [...new Set(articles.filter((x) => x.lang === lang).flatMap((x) => [...x.text.matchAll(UNIT[lang])].map((m) => m[0])))];
  const donors = { en: donorsOf('en'), zh: donorsOf('zh') };
  const seen = new Set<string>();
  for (const article of articles) {
    pairs.push(...nearDuplicateVariants(article, donors[article.lang], random));
    const a = { title: article.title, text: article.text };
    const distinct = (kind: DistinctKind, other: { title: string; text: string }): LabelledPair => ({ baseId: article.id, lang: article.lang, kind, nearDuplicate: false, a, b: other });
    const sameLanguage = articles.filter((x) => x.lang === article.lang && x.id !== article.id);
    for (const other of sameLanguage.filter((x) => x.topic === article.topic)) {
      const key = [article.id, other.id].sort().join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push(distinct('same-topic-other-story', { title: other.title, text: other.text }));
    }
    const otherTopics = sameLanguage.filter((x) => x.topic !== article.topic);
    for (let n = 0; n < 2 && otherTopics.length > 0; n++) {
      const other = otherTopics.splice(Math.floor(random() * otherTopics.length), 1)[0] as FingerprintedArticle;
      pairs.push(distinct('other-article', { title: other.title, text: other.text }));
    }
    const first = article.text.split(/\n\s*\n/)[0] ?? article.text;
    if (first.trim() !== article.text.trim()) pairs.push(distinct('first-paragraph-only', { title: article.title, text: first }));
  }
  return pairs;
}
