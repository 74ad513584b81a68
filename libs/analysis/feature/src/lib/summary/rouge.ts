/**
 * ROUGE scores of a candidate summary against one reference (Lin, 2004), on our own tokens:
 * NFKC, lower-cased; every Han character is a token (Chinese is scored by characters, the usual
 * choice as it needs no segmenter), other text splits into runs of letters and digits (English
 * words; "4.5", "1,900" and "don't" stay whole). Punctuation is dropped; no stemming, no stop words.
 */

/** Precision, recall and their harmonic mean (F1); all 0 when either side has no tokens. */
export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

export interface RougeScores {
  rouge1: RougeScore;
  rouge2: RougeScore;
  rougeL: RougeScore;
}

const NON_HAN_WORD_CHAR = String.raw`(?:(?!\p{Script=Han})[\p{L}\p{M}\p{N}])`;
const TOKEN = new RegExp(String.raw`\p{Script=Han}|${NON_HAN_WORD_CHAR}+(?:['’.,]${NON_HAN_WORD_CHAR}+)*`, 'gu');

/** The tokens ROUGE compares (see the module comment). */
export function rougeTokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().replace(/’/g, "'").match(TOKEN) ?? [];
}

/** ROUGE-N: overlap of n-grams, each counted at most as often as it occurs in the other text (clipped). */
export function rougeN(candidate: readonly string[], reference: readonly string[], n: number): RougeScore {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`ROUGE-N needs a whole n ≥ 1, got ${n}`);
  const cand = ngramCounts(candidate, n);
  const ref = ngramCounts(reference, n);
  let overlap = 0;
  for (const [gram, count] of cand) overlap += Math.min(count, ref.get(gram) ?? 0);
  return score(overlap, Math.max(0, candidate.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** ROUGE-L: the longest common subsequence of the two token sequences over each side's length. */
export function rougeL(candidate: readonly string[], reference: readonly string[]): RougeScore {
  return score(longestCommonSubsequence(candidate, reference), candidate.length, reference.length);
}

/** ROUGE-1, ROUGE-2 and ROUGE-L of two texts. */
export function rougeScores(candidate: string, reference: string): RougeScores {
  const c = rougeTokens(candidate);
  const r = rougeTokens(reference);
  return { rouge1: rougeN(c, r, 1), rouge2: rougeN(c, r, 2), rougeL: rougeL(c, r) };
}

/** The mean of each score over several pairs (macro average, each pair weighs the same). */
export function meanRougeScores(scores: readonly RougeScores[]): RougeScores {
  if (scores.length === 0) throw new RangeError('no scores to average');
  const mean = (pick: (s: RougeScores) => RougeScore): RougeScore => ({
    precision: scores.reduce((sum, s) => sum + pick(s).precision, 0) / scores.length,
    recall: scores.reduce((sum, s) => sum + pick(s).recall, 0) / scores.length,
    f1: scores.reduce((sum, s) => sum + pick(s).f1, 0) / scores.length,
  });
  return { rouge1: mean((s) => s.rouge1), rouge2: mean((s) => s.rouge2), rougeL: mean((s) => s.rougeL) };
}

/** Length of the longest common subsequence (dynamic programming over two rows). */
export function longestCommonSubsequence(a: readonly string[], b: readonly string[]): number {
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? (previous[j - 1] as number) + 1 : Math.max(previous[j] as number, current[j - 1] as number);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] as number;
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    // U+0001 cannot occur inside a token, so joined n-grams never collide.
    const gram = tokens.slice(i, i + n).join('\u0001');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function score(overlap: number, candidateCount: number, referenceCount: number): RougeScore {
  if (candidateCount === 0 || referenceCount === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = overlap / candidateCount;
  const recall = overlap / referenceCount;
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}
