import { CJK_CHAR, MARK_END, MARK_START, marksToHtml } from './search-segmenter';

/** What an excerpt marks: the query's positive words. */
export interface ExcerptTerms {
  /** Lowercase words of letters and digits, matched as whole words. */
  words: string[];
  /** Chinese/Japanese words, matched wherever they occur (these scripts put no spaces between words). */
  cjkWords: string[];
}

export interface ExcerptOptions {
  /** Words per fragment (a Chinese/Japanese character counts as a word, as in ts_headline). */
  maxWords: number;
  maxFragments: number;
}

export const EXCERPT_OPTIONS: ExcerptOptions = { maxWords: 40, maxFragments: 2 };

/** Words before the first match of a fragment, so that a match is read in its context. */
const LEAD_IN_WORDS = 6;
const FRAGMENT_DELIMITER = ' … ';

/** A Chinese/Japanese character, or a run of other letters, digits and marks: the words of a text. */
const WORDS = new RegExp(`[${CJK_CHAR}]|(?:(?![${CJK_CHAR}])[\\p{L}\\p{N}\\p{M}])+`, 'gu');

interface Word {
  start: number;
  end: number;
  /** A query word (or part of one) covers it. */
  marked: boolean;
}

/**
 * The best fragments of `text` for the query's words, the words marked with the MARK_START /
 * MARK_END sentinels, as safe HTML (see marksToHtml); '' when no query word occurs in text.
 * A fragment is up to maxWords words starting a few words before a match; fragments are chosen
 * by the number of distinct query words they hold, then of matches, and shown in text order.
 * This does in JavaScript what ts_headline (MaxWords, MaxFragments) did in the statement, where
 * it was the costliest part of a page of results.
 */
export function highlightExcerpt(text: string, terms: ExcerptTerms, options: ExcerptOptions = EXCERPT_OPTIONS): string {
  const clean = text.replace(/[\uE000\uE001]/g, '');
  const words: Word[] = [];
  // For each word, which query term it matched (-1: none); CJK terms span several words.
  const termOf: number[] = [];
  const latin = new Map(terms.words.map((w, i) => [w, i] as const));
  for (const match of clean.matchAll(WORDS)) {
    const start = match.index;
    const term = latin.get(match[0].toLowerCase()) ?? -1;
    words.push({ start, end: start + match[0].length, marked: term >= 0 });
    termOf.push(term);
  }
  if (terms.cjkWords.length > 0) markCjkWords(clean, words, termOf, terms.cjkWords, terms.words.length);
  const hits = termOf.flatMap((t, i) => (t >= 0 ? [i] : []));
  if (hits.length === 0) return '';

  const fragments: Array<{ from: number; to: number }> = [];
  const taken = (from: number, to: number) => fragments.some((f) => from < f.to && f.from < to);
  for (let n = 0; n < options.maxFragments; n++) {
    let best: { from: number; to: number; distinct: number; count: number } | undefined;
    for (const hit of hits) {
      const from = Math.max(0, Math.min(hit - LEAD_IN_WORDS, words.length - options.maxWords));
      const to = Math.min(words.length, from + options.maxWords);
      if (taken(from, to)) continue;
      const inside = new Set<number>();
      let count = 0;
      for (let i = from; i < to; i++) {
        const t = termOf[i] as number;
        if (t >= 0) {
          inside.add(t);
          count++;
        }
      }
      if (!best || inside.size > best.distinct || (inside.size === best.distinct && count > best.count)) best = { from, to, distinct: inside.size, count };
    }
    if (!best) break;
    fragments.push(best);
  }
  fragments.sort((a, b) => a.from - b.from);
  const marked = fragments.map((f) => markFragment(clean, words, f.from, f.to)).join(FRAGMENT_DELIMITER);
  return marksToHtml(marked, terms.cjkWords);
}

/** Marks the words each occurrence of a CJK term covers; termOf gets the term's index (offset by `base`). */
function markCjkWords(text: string, words: Word[], termOf: number[], cjkWords: string[], base: number): void {
  // Character offset → word index, for the words that are single CJK characters.
  const wordAt = new Map<number, number>();
  words.forEach((w, i) => wordAt.set(w.start, i));
  cjkWords.forEach((term, t) => {
    if (term === '') return;
    for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) {
      for (let offset = at; offset < at + term.length; ) {
        const i = wordAt.get(offset);
        const word = i === undefined ? undefined : words[i];
        if (!word || i === undefined) break;
        word.marked = true;
        if ((termOf[i] as number) < 0) termOf[i] = base + t;
        offset = word.end;
      }
    }
  });
}

/** Text of words from..to-1 with whitespace collapsed and the marked words between sentinels. */
function markFragment(text: string, words: Word[], from: number, to: number): string {
  let out = '';
  let at = (words[from] as Word).start;
  for (let i = from; i < to; i++) {
    const w = words[i] as Word;
    out += text.slice(at, w.start);
    out += w.marked ? `${MARK_START}${text.slice(w.start, w.end)}${MARK_END}` : text.slice(w.start, w.end);
    at = w.end;
  }
  return out.replace(/\s+/g, ' ').trim();
}
