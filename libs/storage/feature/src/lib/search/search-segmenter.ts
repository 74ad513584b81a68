import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/** Scripts written without spaces between words: their runs go through jieba (a regex character-class body). */
export const CJK_CHAR = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
const RUNS = new RegExp(`([${CJK_CHAR}]+)|((?:(?![${CJK_CHAR}])[\\p{L}\\p{N}\\p{M}])+)`, 'gu');
const CJK = new RegExp(`[${CJK_CHAR}]`, 'u');
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Longer tokens are noise (base64, hashes) and PostgreSQL refuses lexemes over 2 KB anyway. */
export const MAX_TOKEN_CHARS = 64;
/** Enough for any article; keeps the tsvector far below PostgreSQL's 1 MB limit. */
export const MAX_INDEXED_CHARS = 200_000;

/** A token of a search text: a lowercase word (`cjk` when it came out of jieba). */
export interface SearchToken {
  text: string;
  cjk: boolean;
}

let shared: Jieba | undefined;

/** jieba with the dictionary @node-rs/jieba ships; loaded once per process, on first use (~200 ms). */
function jieba(): Jieba {
  shared ??= Jieba.withDict(dict);
  return shared;
}

export function isCjk(text: string): boolean {
  return CJK.test(text);
}

/**
 * Turns text into the words full-text search indexes and queries: runs of letters and digits
 * (lowercased) and, inside Chinese/Japanese runs, jieba's words. The document side uses jieba's
 * search mode, which also yields the dictionary words inside a compound ("中国足球队" → 中国, 足球,
 * 球队, 足球队, 中国足球队), so a query for a part finds the whole; the query side uses the precise cut.
 * The words are fed to to_tsvector('simple', …) joined by spaces, so PostgreSQL's parser sees only
 * plain words and builds the same lexemes on both sides (on PGlite and on a server, whatever its locale).
 */
export class SearchSegmenter {
  tokens(text: string, side: 'document' | 'query'): SearchToken[] {
    const out: SearchToken[] = [];
    const input = text.length > MAX_INDEXED_CHARS ? text.slice(0, MAX_INDEXED_CHARS) : text;
    for (const match of input.matchAll(RUNS)) {
      if (match[1] !== undefined) {
        const words = side === 'document' ? jieba().cutForSearch(match[1], true) : jieba().cut(match[1], true);
        for (const word of words) {
          if (WORD_CHAR.test(word) && word.length <= MAX_TOKEN_CHARS) out.push({ text: word.toLowerCase(), cjk: true });
        }
      } else if (match[2].length <= MAX_TOKEN_CHARS) {
        out.push({ text: match[2].toLowerCase(), cjk: false });
      }
    }
    return out;
  }

  /** The text to_tsvector('simple', …) indexes: the document's words joined by spaces. */
  document(text: string): string {
    return this.tokens(text, 'document')
      .map((t) => t.text)
      .join(' ');
  }
}

export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

/**
 * Text whose query words are marked with the MARK_START / MARK_END sentinels (see
 * highlightExcerpt) as safe HTML: the text escaped, adjacent marks merged ("<mark>local
 * models</mark>"), sentinels turned into <mark>; a Chinese/Japanese mark that holds none of
 * `cjkWords` (the query's Chinese words) is dropped.
 */
export function marksToHtml(marked: string, cjkWords: string[] = []): string {
  const compact = marked
    .replace(new RegExp(`${MARK_END}(\\s*)${MARK_START}`, 'gu'), '$1')
    .replace(new RegExp(`${MARK_START}([^${MARK_END}]*)${MARK_END}`, 'gu'), (whole, inner: string) =>
      isCjk(inner) && !cjkWords.some((w) => inner.includes(w)) ? inner : whole,
    )
    .trim();
  return escapeHtml(compact).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>');
}

/**
 * The excerpt of a hit whose text the query's words do not match (a semantic hit): its first
 * maxWords words, or maxCjkChars characters of Chinese/Japanese text, HTML-escaped, "…" when cut.
 */
export function leadExcerpt(text: string, maxWords = 40, maxCjkChars = 80): string {
  const clean = text.replace(/[\uE000\uE001]/g, '').replace(/\s+/g, ' ').trim();
  let cut: string;
  if (isCjk(clean)) {
    const chars = [...clean];
    cut = chars.length > maxCjkChars ? `${chars.slice(0, maxCjkChars).join('')} …` : clean;
  } else {
    const words = clean.split(' ');
    cut = words.length > maxWords ? `${words.slice(0, maxWords).join(' ')} …` : clean;
  }
  return escapeHtml(cut);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
