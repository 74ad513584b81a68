import { NEAR_DUPLICATE_MAX_DISTANCE, simhashSimilarity } from './simhash';

/**
 * Embedding cosine from which two articles are taken to tell the same story. Mean-of-word-vector
 * embeddings (the shipped model) put different articles of one topic close together: two different
 * football stories measured 0.955 and two recipes above 0.92, so the bar sits above that.
 */
export const STORY_MIN_COSINE = 0.98;
/**
 * The bar of models whose cosines spread otherwise, by model name. Universal Sentence Encoder lite
 * (use-lite-en): one event told by two outlets measured 0.87–0.94, two football stories 0.77 and
 * other topics below 0.57, so the bar sits between. Its int8 variant's vectors are within cosine
 * 0.999 of its own (tools/bench/int8-vs-fp32), so the same bar holds.
 */
export const STORY_MIN_COSINE_BY_MODEL: Readonly<Record<string, number>> = { 'use-lite-en': 0.83, 'use-lite-en-int8': 0.83 };
/**
 * Embedding cosine from which an article is a near-duplicate of another (the same text, retold with a
 * new title, a footer, a few words changed) when SimHash missed it; measured by tools/bench/story-quality.ts.
 */
export const NEAR_DUPLICATE_MIN_COSINE = 0.995;
export const NEAR_DUPLICATE_MIN_COSINE_BY_MODEL: Readonly<Record<string, number>> = { 'use-lite-en': 0.97, 'use-lite-en-int8': 0.97 };

function byModel(table: Readonly<Record<string, number>>, fallback: number, modelVersion: string): number {
  const at = modelVersion.lastIndexOf('@');
  const name = at > 0 ? modelVersion.slice(0, at) : modelVersion;
  return table[name] ?? fallback;
}

/** The story bar of the model that made an embedding (its version is name@version). */
export function storyMinCosine(modelVersion: string): number {
  return byModel(STORY_MIN_COSINE_BY_MODEL, STORY_MIN_COSINE, modelVersion);
}

/** The near-duplicate bar of the model that made an embedding. */
export function nearDuplicateMinCosine(modelVersion: string): number {
  return byModel(NEAR_DUPLICATE_MIN_COSINE_BY_MODEL, NEAR_DUPLICATE_MIN_COSINE, modelVersion);
}

/**
 * Keywords an article must share with an article of a story to join it, or to be its near-duplicate, by
 * embedding: articles of one event name the same people, places and things, while articles of one broad
 * topic (two central banks' decisions) or texts the embedding model does not read (Chinese with an
 * English model measured cosine 0.93 between unrelated articles) share few. Measured by
 * tools/bench/story-quality.ts: follow-ups shared 2–5 of their keywords, wrong merges 0–1.
 */
export const STORY_MIN_SHARED_KEYWORDS = 2;

/**
 * How an article joins a story by its embedding, measured side by side by tools/bench/story-quality.ts:
 * - `linked` (production): the story of its closest article (cosine ≥ the story bar, single link), among
 *   articles sharing STORY_MIN_SHARED_KEYWORDS keywords with it — held-out story precision 0.48 → 1.00;
 * - `average`: the same keyword condition, with the mean cosine to the story's articles in the window
 *   (average link) instead: no better precision on the labelled set, 2–5 points less recall;
 * - `earlier`: the rule before — the closest article's story, no keyword condition (single link chained
 *   unrelated articles of one broad topic, and texts the embedding model does not read, into one story).
 */
export type StoryLinkage = 'linked' | 'average' | 'earlier';

/** An earlier article whose SimHash is within NEAR_DUPLICATE_MAX_DISTANCE bits. */
export interface SimhashMatch {
  articleId: string;
  clusterId: string;
  distance: number;
}

/** A story with articles in the window, scored by the cosine of the new article to each of them. */
export interface StoryScore {
  clusterId: string;
  mean: number;
  max: number;
  /** The story's article closest to the new one. */
  closestArticleId: string;
  /** Keywords the closest article shares with the new one. */
  closestSharedKeywords: number;
  /** The most keywords any article of the story in the window shares with the new one. */
  maxSharedKeywords: number;
}

export interface NearDuplicate {
  articleId: string;
  /** Hamming distance of the SimHashes, when they are that close. */
  distance?: number;
  /** Embedding cosine, when it is above the near-duplicate bar. */
  cosine?: number;
}

export interface StoryChoice {
  clusterId: string;
  similarity: number;
  nearDuplicate?: NearDuplicate;
}

/**
 * Which story a new article joins (undefined: a new story of its own). A near-duplicate — the closest
 * SimHash within NEAR_DUPLICATE_MAX_DISTANCE, else an embedding above the near-duplicate bar with
 * STORY_MIN_SHARED_KEYWORDS in common — always joins the story of the article it copies. Otherwise the
 * story whose score (see StoryLinkage) is highest and reaches the story bar, among those with an
 * article sharing STORY_MIN_SHARED_KEYWORDS keywords (no keyword condition for `earlier`).
 */
export function chooseStory(simhash: SimhashMatch[], stories: StoryScore[], modelVersion: string, linkage: StoryLinkage): StoryChoice | undefined {
  const copied = [...simhash]
    .filter((m) => m.distance <= NEAR_DUPLICATE_MAX_DISTANCE)
    .sort((a, b) => a.distance - b.distance || a.articleId.localeCompare(b.articleId))[0];
  const nearBar = nearDuplicateMinCosine(modelVersion);
  const minShared = linkage === 'earlier' ? 0 : STORY_MIN_SHARED_KEYWORDS;
  const closeStory = [...stories].filter((s) => s.max >= nearBar && s.closestSharedKeywords >= minShared).sort((a, b) => b.max - a.max || a.clusterId.localeCompare(b.clusterId))[0];
  if (copied) {
    const cosine = closeStory && closeStory.closestArticleId === copied.articleId ? closeStory.max : undefined;
    return {
      clusterId: copied.clusterId,
      similarity: simhashSimilarity(copied.distance),
      nearDuplicate: { articleId: copied.articleId, distance: copied.distance, ...(cosine === undefined ? {} : { cosine }) },
    };
  }
  if (closeStory) return { clusterId: closeStory.clusterId, similarity: closeStory.max, nearDuplicate: { articleId: closeStory.closestArticleId, cosine: closeStory.max } };
  const bar = storyMinCosine(modelVersion);
  const score = (s: StoryScore) => (linkage === 'average' ? s.mean : s.max);
  const best = stories.filter((s) => score(s) >= bar && s.maxSharedKeywords >= minShared).sort((a, b) => score(b) - score(a) || a.clusterId.localeCompare(b.clusterId))[0];
  return best && { clusterId: best.clusterId, similarity: score(best) };
}
