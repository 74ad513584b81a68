/** The k of reciprocal-rank fusion (Cormack, Clarke & Büttcher, 2009): damps the weight of top ranks. */
export const RRF_K = 60;

export interface Ranked {
  id: string;
}

export interface Fused {
  id: string;
  score: number;
}

/**
 * Reciprocal-rank fusion: each list adds 1 / (k + rank) for every id it ranks (rank from 1);
 * best fused score first, ties broken by id so pages are stable.
 */
export function fuseRankings(lists: Ranked[][], k = RRF_K): Fused[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((item, index) => scores.set(item.id, (scores.get(item.id) ?? 0) + 1 / (k + index + 1)));
  }
  return [...scores]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
