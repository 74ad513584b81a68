import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Ranking metrics of a similarity score against gold labels (used by the embedding-quality bench). */

/** Ranks (1-based) with ties given their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && (order[end + 1] as { v: number }).v === (order[start] as { v: number }).v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[(order[k] as { i: number }).i] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Spearman's rank correlation (Pearson over average ranks); NaN when either side is constant. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) throw new RangeError('spearman needs two equally long series of at least 2 values');
  const rx = averageRanks(xs);
  const ry = averageRanks(ys);
  const mean = (r: number[]) => r.reduce((s, x) => s + x, 0) / r.length;
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  rx.forEach((x, i) => {
    const dx = x - mx;
    const dy = (ry[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/** ROC AUC: the probability that a positive scores above a negative (ties count half). */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number {
  const ranks = averageRanks(scores);
  const positives = positive.filter(Boolean).length;
  const negatives = positive.length - positives;
  if (positives === 0 || negatives === 0) throw new RangeError('ROC AUC needs both positive and negative examples');
  const rankSum = ranks.reduce((s, r, i) => (positive[i] ? s + r : s), 0);
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** The threshold (score ≥ threshold ⇒ positive) with the highest accuracy, and that accuracy. */
export function bestThreshold(scores: readonly number[], positive: readonly boolean[]): { threshold: number; accuracy: number } {
  const candidates = [...new Set(scores)].sort((a, b) => a - b);
  let best = { threshold: Infinity, accuracy: positive.filter((p) => !p).length / positive.length };
  for (const threshold of candidates) {
    const correct = scores.reduce((n, s, i) => n + ((s >= threshold) === positive[i] ? 1 : 0), 0);
    const accuracy = correct / scores.length;
    if (accuracy > best.accuracy) best = { threshold, accuracy };
  }
  return best;
}

/** A labelled pair set of tools/bench/data (similarity-en.json, similarity-zh.json): [text, text, grade 0–4]. */
export interface PairSet {
  name?: string;
  version?: string;
  pairs: [string, string, number][];
}

/** Reads tools/bench/data/<file> from the compiled bench (dist/tools/bench) or from the sources. */
export function readPairSet(file: string): PairSet {
  // dist/tools/bench → the repository's tools/bench/data (the data is not copied into dist/).
  for (const dir of [join(__dirname, 'data'), join(__dirname, '..', '..', '..', 'tools', 'bench', 'data')]) {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as PairSet;
    } catch {
      // try the next place
    }
  }
  throw new Error(`tools/bench/data/${file} not found`);
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
