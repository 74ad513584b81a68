import type { StoryScore } from './story-choice';

/**
 * An article a new one is compared with: in a story, within the new article's window, of the same
 * embedding model; its similarity is the cosine of the two embeddings (null when either has no direction).
 */
export interface ScoredCandidate {
  clusterId: string;
  articleId: string;
  /** Keywords it shares with the new article. */
  shared: number;
  similarity: number | null;
}

/**
 * The stories a new article is scored against, as chooseStory reads them: only stories with an article
 * sharing at least `minShared` keywords with it; each with the mean and largest cosine of the new article
 * to its articles, the closest one (ties: the smaller id) and the keywords it shares, and the most keywords
 * any of them shares; only stories whose largest cosine reaches `bar`; the `limit` closest.
 */
export function scoreStories(candidates: readonly ScoredCandidate[], minShared: number, bar: number, limit: number): StoryScore[] {
  const eligible = new Set(candidates.filter((c) => c.shared >= minShared).map((c) => c.clusterId));
  const byStory = new Map<string, { sum: number; count: number; closest: ScoredCandidate & { similarity: number }; maxShared: number }>();
  for (const c of candidates) {
    if (!eligible.has(c.clusterId) || c.similarity === null || Number.isNaN(c.similarity)) continue;
    const scored = c as ScoredCandidate & { similarity: number };
    const story = byStory.get(c.clusterId);
    if (!story) {
      byStory.set(c.clusterId, { sum: scored.similarity, count: 1, closest: scored, maxShared: c.shared });
      continue;
    }
    story.sum += scored.similarity;
    story.count += 1;
    story.maxShared = Math.max(story.maxShared, c.shared);
    const closer = scored.similarity > story.closest.similarity || (scored.similarity === story.closest.similarity && c.articleId < story.closest.articleId);
    if (closer) story.closest = scored;
  }
  return [...byStory]
    .map(([clusterId, s]) => ({
      clusterId,
      mean: s.sum / s.count,
      max: s.closest.similarity,
      closestArticleId: s.closest.articleId,
      closestSharedKeywords: s.closest.shared,
      maxSharedKeywords: s.maxShared,
    }))
    .filter((s) => s.max >= bar)
    .sort((a, b) => b.max - a.max || (a.clusterId < b.clusterId ? -1 : a.clusterId > b.clusterId ? 1 : 0))
    .slice(0, limit);
}

/** Cosine of two vectors (null when either has no direction or their lengths differ), in double precision. */
export function cosine(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length || a.length === 0) return null;
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  const norm = Math.sqrt(aa) * Math.sqrt(bb);
  return norm === 0 ? null : dot / norm;
}

/** How many distinct keywords two lists have in common (as SQL's INTERSECT counts them). */
export function sharedKeywords(a: readonly string[], b: readonly string[]): number {
  const other = new Set(b);
  let shared = 0;
  for (const keyword of new Set(a)) if (other.has(keyword)) shared++;
  return shared;
}
