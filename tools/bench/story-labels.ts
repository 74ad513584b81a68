// The labelled set of tools/bench/story-quality.ts, generated (seeded, deterministic) from the project's own
// data: the 35 articles of libs/analysis/feature/src/lib/summary/data/news-summaries.jsonl (CC0; English and
// Chinese, grouped by topic: articles of one topic are different events of the same kind) and the 121 news
// pages of ../shared/corpora/extraction (MIT, Scrapinghub; unrelated articles, each its own story). See
// tools/bench/data/README.md.
// Per summary article ("base"): the article, three near-duplicate copies (analysis' near-duplicate variants:
// a syndicated copy, 10% of words replaced, a sentence added) and one follow-up (a new headline, the lead
// paragraph, a sentence of new development, the closing paragraph: the same event, a different text). Truth:
// the base and its copies and follow-up are one story; a copy is a near-duplicate of the base (and of the
// other copies); the follow-up is no near-duplicate. Bases are split by a hash of their id into a tuning
// half and a held-out half; the extraction pages go to both halves alike.
import { nearDuplicateVariants, seededRandom, type FingerprintedArticle } from '../../libs/analysis/feature/src/lib/simhash/near-duplicate-variants';

export interface LabelledArticle {
  /** Unique id within the set. */
  key: string;
  title: string;
  text: string;
  /** The true story. */
  story: string;
  /** The near-duplicate group (a base and its copies); undefined for follow-ups and unrelated pages. */
  duplicateGroup?: string;
  role: 'base' | 'copy' | 'follow-up' | 'unrelated';
  split: 'tuning' | 'held-out';
  /** Ingestion order: bases first, then copies and follow-ups, so that a copy has its original to point at. */
  wave: 0 | 1;
}

const COPY_KINDS = new Set(['syndicated', 'words-replaced-10%', 'sentence-added']);
const DEVELOPMENTS = {
  en: [
    'Officials confirmed the figures on Monday and said a fuller report would follow within weeks.',
    'Later in the day, opposition lawmakers called for an inquiry into how the decision was reached.',
    'By the evening, the main parties involved had issued statements welcoming the outcome.',
  ],
  zh: ['周一，有关部门确认了上述数字，并表示将在数周内发布完整报告。', '当天晚些时候，反对派议员要求调查这一决定的形成过程。', '到了傍晚，各主要相关方纷纷发表声明，对结果表示欢迎。'],
} as const;
const FOLLOW_UP_PREFIX = { en: 'What happens next: ', zh: '后续：' } as const;

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return h;
}

export function splitOf(id: string): 'tuning' | 'held-out' {
  return fnv(id) % 2 === 0 ? 'tuning' : 'held-out';
}

/** The follow-up of an article: same event, new headline, lead + a new development + closing paragraph. */
export function followUp(article: FingerprintedArticle, random: () => number): { title: string; text: string } {
  const paragraphs = article.text.split(/\n\s*\n/).filter((p) => p.trim());
  const development = DEVELOPMENTS[article.lang][Math.floor(random() * DEVELOPMENTS[article.lang].length)] as string;
  const kept = paragraphs.length > 2 ? [paragraphs[0], development, paragraphs[paragraphs.length - 1]] : [paragraphs[0] ?? article.text, development];
  return { title: FOLLOW_UP_PREFIX[article.lang] + article.title, text: kept.join('\n\n') };
}

export function labelledStories(bases: readonly FingerprintedArticle[], unrelated: ReadonlyArray<{ id: string; title: string; text: string }>, seed: number): LabelledArticle[] {
  const random = seededRandom(seed);
  const unit = { en: /[A-Za-z]+/g, zh: /\p{Script=Han}/gu };
  const donorsOf = (lang: 'en' | 'zh') => [...new Set(bases.filter((b) => b.lang === lang).flatMap((b) => [...b.text.matchAll(unit[lang])].map((m) => m[0])))];
  const donors = { en: donorsOf('en'), zh: donorsOf('zh') };
  const out: LabelledArticle[] = [];
  for (const base of bases) {
    const split = splitOf(base.id);
    out.push({ key: base.id, title: base.title, text: base.text, story: base.id, duplicateGroup: base.id, role: 'base', split, wave: 0 });
    const copies = nearDuplicateVariants(base, donors[base.lang], random).filter((v) => COPY_KINDS.has(v.kind));
    for (const copy of copies) {
      out.push({ key: `${base.id}~${copy.kind}`, ...copy.b, story: base.id, duplicateGroup: base.id, role: 'copy', split, wave: 1 });
    }
    out.push({ key: `${base.id}~follow-up`, ...followUp(base, random), story: base.id, role: 'follow-up', split, wave: 1 });
  }
  for (const page of unrelated) {
    out.push({ key: `page-${page.id}`, title: page.title, text: page.text, story: `page-${page.id}`, role: 'unrelated', split: splitOf(page.id), wave: 0 });
  }
  return out;
}
