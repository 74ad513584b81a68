/** Lexical similarity of Chinese texts: character bigrams and sparse TF-IDF vectors (word overlap, not meaning). */

const HAN_RUN_OR_WORD = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+)/gu;

/** Marks bigram terms so that a bigram and a jieba word with the same characters stay separate terms. */
const BIGRAM_MARK = '#';

/**
 * Terms of a text for overlap measures: each pair of adjacent Han characters (a lone character
 * stands for itself), and other runs of letters or digits (Latin words, numbers) whole, lowercased.
 * Punctuation and spaces separate runs.
 */
export function characterBigrams(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(HAN_RUN_OR_WORD)) {
    if (match[1] === undefined) {
      out.push((match[2] as string).toLowerCase());
      continue;
    }
    const chars = [...match[1]];
    if (chars.length === 1) out.push(chars[0] as string);
    for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  }
  return out;
}

/** Jaccard index of two term sets: shared terms over all terms; 0 when both are empty. */
export function jaccard(a: Iterable<string>, b: Iterable<string>): number {
  const left = new Set(a);
  const right = new Set(b);
  let shared = 0;
  for (const term of left) if (right.has(term)) shared++;
  const union = left.size + right.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * Sparse TF-IDF vector of a text: each word counts its IDF per occurrence; `bigrams` (optional)
 * are added as separate terms weighted by the IDF of the same characters read as a word.
 */
export function tfIdfTerms(words: readonly string[], bigrams: readonly string[], idfOf: (term: string) => number): Map<string, number> {
  const vector = new Map<string, number>();
  for (const word of words) vector.set(word, (vector.get(word) ?? 0) + idfOf(word));
  for (const bigram of bigrams) {
    const key = BIGRAM_MARK + bigram;
    vector.set(key, (vector.get(key) ?? 0) + idfOf(bigram));
  }
  return vector;
}

/** Cosine of two sparse vectors; 0 when either is empty or all zero. */
export function sparseCosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, x] of small) dot += x * (large.get(term) ?? 0);
  const norms = Math.sqrt(sumOfSquares(a) * sumOfSquares(b));
  return norms > 0 ? dot / norms : 0;
}

function sumOfSquares(v: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return s;
}
