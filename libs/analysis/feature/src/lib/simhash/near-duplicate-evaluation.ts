import { hammingDistance64 } from './simhash';
import type { LabelledPair } from './near-duplicate-variants';

/** The SimHash of an article (title and text), as the analysis service computes it. */
export type ArticleFingerprint = (article: { title: string; text: string }, lang: 'en' | 'zh') => string;

export interface ScoredPair {
  pair: LabelledPair;
  distance: number;
}

export interface DetectionQuality {
  /** Largest Hamming distance counted as a near-duplicate. */
  maxDistance: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  /** 1 when nothing was predicted a near-duplicate (no false alarm was raised). */
  precision: number;
  recall: number;
  f1: number;
}

/** The Hamming distance between each pair's fingerprints. */
export function scorePairs(pairs: readonly LabelledPair[], fingerprint: ArticleFingerprint): ScoredPair[] {
  return pairs.map((pair) => ({ pair, distance: hammingDistance64(fingerprint(pair.a, pair.lang), fingerprint(pair.b, pair.lang)) }));
}

/** Precision, recall and F1 of "near-duplicate when the distance is at most maxDistance". */
export function detectionQuality(scored: readonly ScoredPair[], maxDistance: number): DetectionQuality {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const { pair, distance } of scored) {
    const predicted = distance <= maxDistance;
    if (predicted && pair.nearDuplicate) tp++;
    else if (predicted) fp++;
    else if (pair.nearDuplicate) fn++;
    else tn++;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { maxDistance, truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn, precision, recall, f1 };
}
