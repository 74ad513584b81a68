// Offline ranking metrics for tools/bench/recommendation-eval.ts. Each works on one ranked list
// (best first) and is averaged over lists by the caller. Definitions follow the usual ones in the
// recommender-systems literature (Järvelin & Kekäläinen for nDCG; MIND's evaluation for AUC/MRR
// per impression; intra-list diversity and novelty as in Castells et al.).
import { cosine } from './similarity-metrics';

/** Discounted cumulative gain of the first k gains, with the log2(rank + 1) discount. */
export function dcgAtK(gains: readonly number[], k: number): number {
  let sum = 0;
  for (let i = 0; i < Math.min(k, gains.length); i++) sum += (gains[i] ?? 0) / Math.log2(i + 2);
  return sum;
}

/**
 * nDCG@k: DCG of the ranked gains over the DCG of the ideal order of every candidate's gain
 * (`allGains`, the whole pool the list was drawn from). Undefined when no candidate has a gain.
 */
export function ndcgAtK(rankedGains: readonly number[], allGains: readonly number[], k: number): number | undefined {
  const ideal = dcgAtK([...allGains].sort((a, b) => b - a), k);
  return ideal > 0 ? dcgAtK(rankedGains, k) / ideal : undefined;
}

/** 1 / position of the first relevant item of a full ranking; 0 when none is; undefined for an empty list. */
export function reciprocalRank(rankedRelevant: readonly boolean[]): number | undefined {
  if (rankedRelevant.length === 0) return undefined;
  const first = rankedRelevant.indexOf(true);
  return first < 0 ? 0 : 1 / (first + 1);
}

/**
 * ROC AUC of a full ranking: the share of (relevant, not relevant) pairs in which the relevant
 * item is ranked higher. Undefined when either class is empty.
 */
export function rankingAuc(rankedRelevant: readonly boolean[]): number | undefined {
  let positivesAbove = 0;
  let correctPairs = 0;
  let positives = 0;
  for (const relevant of rankedRelevant) {
    if (relevant) {
      positives++;
      positivesAbove++;
    } else {
      correctPairs += positivesAbove;
    }
  }
  const negatives = rankedRelevant.length - positives;
  return positives > 0 && negatives > 0 ? correctPairs / (positives * negatives) : undefined;
}

/**
 * Intra-list diversity: the mean cosine distance (1 − cosine) over all pairs of the list's items
 * that have a vector. Undefined with fewer than two such items.
 */
export function intraListDiversity(vectors: readonly ArrayLike<number>[]): number | undefined {
  const present = vectors.filter((v) => v.length > 0);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < present.length; i++) {
    for (let j = i + 1; j < present.length; j++) {
      const a = present[i] as ArrayLike<number>;
      const b = present[j] as ArrayLike<number>;
      sum += a.length === b.length ? 1 - cosine(a, b) : 1;
      pairs++;
    }
  }
  return pairs > 0 ? sum / pairs : undefined;
}

/**
 * Novelty: the mean self-information −log2 p(i) of the listed items, where p(i) is the share of
 * the `population` who already consumed item i, add-one smoothed ((n_i + 1) / (population + 1))
 * so an item nobody read scores log2(population + 1). Undefined for an empty list.
 */
export function novelty(itemIds: readonly string[], consumers: ReadonlyMap<string, number>, population: number): number | undefined {
  if (itemIds.length === 0) return undefined;
  const info = itemIds.map((id) => -Math.log2(((consumers.get(id) ?? 0) + 1) / (population + 1)));
  return info.reduce((s, x) => s + x, 0) / info.length;
}

/** Catalog coverage: the share of the catalog that appeared in at least one list. */
export function coverage(lists: readonly (readonly string[])[], catalogSize: number): number {
  if (catalogSize <= 0) return 0;
  return new Set(lists.flat()).size / catalogSize;
}

/** Mean of the defined values (undefined ones are lists the metric does not apply to); NaN if none. */
export function meanDefined(values: readonly (number | undefined)[]): number {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? defined.reduce((s, x) => s + x, 0) / defined.length : Number.NaN;
}
