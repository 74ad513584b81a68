import type { ArticleRef, FeedRule } from '@autoglm/contracts';
import { fromTimestamp } from '@autoglm/shared-grpc';
import { DEFAULT_BLEND, FOLLOW_BOOST, followedBy, followReason, mutedBy, NO_PREFERENCES, ruleName, type FeedPreferences } from './feed-preferences';
import { judgeNovelty, RETOLD_PENALTY, RETOLD_SIMILARITY, type NoveltyVerdict, type StoryFactsByArticle } from './novelty';
import { cosine, cosineOfNorms, squaredNorm, type EmbeddedArticle, type UserProfile } from './user-profile';

export interface Candidate {
  article: ArticleRef;
  /** The candidate's embedding (empty if it has none). */
  vector: number[];
  /**
   * Set when the candidate was found by word overlap with a liked article that has no
   * meaningful embedding (e.g. Chinese): that article and the overlap's relevance in [0, 1].
   */
  lexical?: { of: EmbeddedArticle; relevance: number };
}

export interface RankedItem {
  article: ArticleRef;
  score: number;
  reason: string;
  /** The user's controls that moved this item (see Recommendation.controls in the contract). */
  controls: string[];
}

/** Half-life of freshness in the ranking score. */
export const FRESHNESS_HALF_LIFE_HOURS = 48;
export const WEIGHTS = { relevance: DEFAULT_BLEND.relevance, topic: 0.15, source: 0.05, freshness: DEFAULT_BLEND.freshness, hidden: 0.5 } as const;
/** MMR trade-off: 1 = pure score, 0 = pure diversity. */
export const MMR_LAMBDA = 1 - DEFAULT_BLEND.diversity;
/** A candidate this close to a "less like this" article names that control (it was pushed down by it). */
const LESS_LIKE_NAMED = 0.5;
/** Penalty weight of closeness to a "less like this" article: an explicit ask about similar content, twice a hide's. */
const LESS_LIKE_PENALTY = 2 * WEIGHTS.hidden;
/** Candidates this similar to an item already picked are the same story told again: they go last. */
export const NEAR_DUPLICATE_SIMILARITY = RETOLD_SIMILARITY;
/** Every this many positions, one slot goes to a fresh article from a topic the user has not read. */
export const EXPLORATION_EVERY = 8;
/** Topic affinity above which an item is explained by its topic. */
const TOPIC_REASON_MIN = 0.5;

/**
 * Which components of the ranking are on. Production uses the defaults (all on); the offline
 * evaluation (tools/bench/recommendation-eval.ts) switches one off at a time to measure what it adds.
 */
export interface RankingOptions {
  /** Relevance to the profile: vector similarity (or word overlap) to what the user read. */
  profile: boolean;
  /** Topic and source affinity. */
  affinity: boolean;
  /** The freshness term of the score. */
  freshness: boolean;
  /** MMR re-ranking and near-duplicate demotion (off: pure score order). */
  mmr: boolean;
  /** MMR trade-off when MMR is on: 1 = pure score, 0 = pure diversity. */
  mmrLambda: number;
  /** The exploration slot every EXPLORATION_EVERY positions. */
  exploration: boolean;
  /** Novelty: items that retell an article the user read (near-duplicates) go after every item with news. */
  novelty: boolean;
}

export const DEFAULT_RANKING_OPTIONS: Readonly<RankingOptions> = {
  profile: true,
  affinity: true,
  freshness: true,
  mmr: true,
  mmrLambda: MMR_LAMBDA,
  exploration: true,
  novelty: true,
};

export function freshness(article: ArticleRef, now: Date): number {
  const published = fromTimestamp(article.publishedAt);
  if (!published) return 0;
  const ageHours = Math.max(0, now.getTime() - published.getTime()) / 3_600_000;
  return 0.5 ** (ageHours / FRESHNESS_HALF_LIFE_HOURS);
}

/** A candidate's score and what explains it; the reason and controls are worded only for the items returned. */
interface Scored {
  article: ArticleRef;
  score: number;
  candidate: Candidate;
  /** It retells an article the user read (never an exploration pick). */
  retold: boolean;
  novelty: NoveltyVerdict;
  follows: FeedRule[];
  /** The closest hidden or "less like this" article when it is close enough to name. */
  closestHidden: EmbeddedArticle | undefined;
  vectorRelevance: number;
  topicAffinity: number;
  /** Picked by the exploration slot. */
  explored: boolean;
}

/**
 * Ranks candidates for one user: relevance to the profile (vector similarity, or word overlap
 * for articles without embeddings) blended with topic and source affinity and freshness, demoted
 * near hidden articles; then MMR keeps the list diverse (near-duplicates of a picked item go
 * last) and a few slots explore unread topics.
 * The user's controls apply on top: muted articles never appear, followed ones are lifted, the blend
 * sets the relevance and freshness weights and the MMR trade-off ("more/less like this" is in the profile).
 * Novelty: an item that retells an article the user read (see judgeNovelty; `stories` holds storage's story
 * facts of the candidates and the read articles) loses RETOLD_PENALTY, so it comes after every item with news,
 * and says so; a follow-up in a story the user read says that instead.
 * Every item explains itself and names the controls that moved it.
 */
export function rankCandidates(
  candidates: Candidate[],
  profile: UserProfile,
  now: Date,
  limit: number,
  switches: Partial<RankingOptions> = {},
  preferences: FeedPreferences = NO_PREFERENCES,
  stories: StoryFactsByArticle = new Map(),
): RankedItem[] {
  const options: RankingOptions = {
    ...DEFAULT_RANKING_OPTIONS,
    ...switches,
    ...(preferences.blendCustomized ? { mmrLambda: 1 - preferences.blend.diversity } : {}),
  };
  const unique = new Map<string, Candidate>();
  for (const c of candidates) {
    if (profile.seen.has(c.article.id) || mutedBy(c.article, preferences)) continue;
    const known = unique.get(c.article.id);
    // Keep the richest form of a candidate found by several generators.
    if (!known || (!known.lexical && c.lexical) || (known.vector.length === 0 && c.vector.length > 0)) {
      unique.set(c.article.id, { ...c, lexical: c.lexical ?? known?.lexical, vector: c.vector.length ? c.vector : (known?.vector ?? []) });
    }
  }
  const scored = [...unique.values()].map((c) => scoreCandidate(c, profile, now, options, preferences, stories));
  scored.sort(byScore);
  const personal = profile.eventCount > 0 || profile.liked.length > 0 || profile.hidden.length > 0 || preferences.blendCustomized;
  const picked = personal ? diversify(scored, profile, now, limit, options) : scored.slice(0, limit);
  // Naming the closest liked article costs a cosine per liked article: done for the returned items only.
  const liked = profile.liked.filter((l) => l.vector.length > 0).map((l) => ({ article: l, squaredNorm: squaredNorm(l.vector) }));
  return picked.map((s) => explainItem(s, liked, preferences));
}

function scoreCandidate(
  c: Candidate,
  profile: UserProfile,
  now: Date,
  options: RankingOptions,
  preferences: FeedPreferences,
  stories: StoryFactsByArticle,
): Scored {
  const fresh = options.freshness ? freshness(c.article, now) : 0;
  const topic = options.affinity ? (profile.topicAffinity.get(c.article.topic) ?? 0) : 0;
  const source = options.affinity ? (profile.sourceAffinity.get(c.article.sourceId) ?? 0) : 0;
  const vectorRelevance = options.profile && profile.vector.length && c.vector.length ? cosine(profile.vector, c.vector) : 0;
  const relevance = options.profile ? Math.max(vectorRelevance, c.lexical?.relevance ?? 0) : 0;
  let hiddenPenalty = 0;
  let closestHidden: EmbeddedArticle | undefined;
  for (const h of profile.hidden) {
    const closeness = cosine(h.vector, c.vector);
    const penalty = closeness * (preferences.lessLike.has(h.articleId) ? LESS_LIKE_PENALTY : WEIGHTS.hidden);
    if (penalty > hiddenPenalty) {
      hiddenPenalty = penalty;
      closestHidden = closeness >= LESS_LIKE_NAMED ? h : undefined;
    }
  }
  const follows = followedBy(c.article, preferences);
  const novelty = options.novelty ? judgeNovelty(c.article.id, c.vector, profile.liked, stories) : undefined;
  const retold = novelty?.kind === 'retold';
  const score =
    preferences.blend.relevance * relevance +
    WEIGHTS.topic * topic +
    WEIGHTS.source * source +
    preferences.blend.freshness * fresh -
    hiddenPenalty +
    (follows.length > 0 ? FOLLOW_BOOST : 0) -
    (retold ? RETOLD_PENALTY : 0);
  return { article: c.article, score, candidate: c, retold, novelty, follows, closestHidden, vectorRelevance, topicAffinity: topic, explored: false };
}

/** The item as returned: its reason and the controls that moved it. */
function explainItem(s: Scored, liked: readonly NormedArticle[], preferences: FeedPreferences): RankedItem {
  const { candidate: c, follows, novelty, closestHidden, vectorRelevance } = s;
  const closest = c.vector.length ? closestLiked(c.vector, liked) : undefined;
  const controls = follows.map(ruleName);
  if (closest && preferences.moreLike.has(closest.articleId) && vectorRelevance > 0) controls.push(`more-like:${closest.articleId}`);
  if (closestHidden && preferences.lessLike.has(closestHidden.articleId)) controls.push(`less-like:${closestHidden.articleId}`);
  if (preferences.blendCustomized) controls.push('blend');
  if (novelty?.kind === 'retold') controls.push(`novelty:${novelty.read.articleId}`);
  let reason = follows[0] ? followReason(follows[0]) : explain(c, closest, preferences, vectorRelevance, s.topicAffinity);
  if (novelty?.kind === 'retold') reason = `retells "${novelty.read.title}", which you read`;
  else if (novelty?.kind === 'follow-up' && !follows[0]) reason = `new in the story of "${novelty.read.title}", which you read`;
  if (s.explored) reason = `exploring ${s.article.topic}`;
  return { article: s.article, score: s.score, reason, controls };
}

function explain(c: Candidate, closest: EmbeddedArticle | undefined, preferences: FeedPreferences, vectorRelevance: number, topicAffinity: number): string {
  if (closest && vectorRelevance >= (c.lexical?.relevance ?? 0)) {
    return preferences.moreLike.has(closest.articleId) ? `more like "${closest.title}", as you asked` : `similar to "${closest.title}"`;
  }
  if (c.lexical) return `similar to "${c.lexical.of.title}"`;
  if (topicAffinity >= TOPIC_REASON_MIN) return `more ${c.article.topic}, which you read`;
  return freshReason(c.article);
}

/** Greedy MMR over the scored list, with an exploration slot every EXPLORATION_EVERY positions. */
function diversify(scored: Scored[], profile: UserProfile, now: Date, limit: number, options: RankingOptions): Scored[] {
  const pool = [...scored];
  const picked: Scored[] = [];
  // Each pool item's highest similarity to a picked item, brought up to date with each new pick only.
  const redundancyOf = new Map<Scored, number>();
  let newest: Scored | undefined;
  while (picked.length < limit && pool.length > 0) {
    if (newest && options.mmr) for (const s of pool) redundancyOf.set(s, Math.max(redundancyOf.get(s) ?? 0, similarity(newest.candidate, s.candidate)));
    newest = undefined;
    if (options.exploration && (picked.length + 1) % EXPLORATION_EVERY === 0) {
      const explore = explorationPick(pool, profile, now);
      if (explore) {
        pool.splice(pool.indexOf(explore), 1);
        picked.push({ ...explore, explored: true });
        newest = explore;
        continue;
      }
    }
    if (!options.mmr) {
      picked.push(pool.shift() as Scored);
      continue;
    }
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      const redundancy = redundancyOf.get(pool[i] as Scored) ?? 0;
      const duplicate = redundancy >= NEAR_DUPLICATE_SIMILARITY ? 1 : 0;
      const value = options.mmrLambda * pool[i].score - (1 - options.mmrLambda) * redundancy - duplicate;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    newest = pool.splice(best, 1)[0] as Scored;
    picked.push(newest);
  }
  return picked;
}

/** The freshest candidate from a topic the user has no affinity with (not "general"). */
function explorationPick(pool: Scored[], profile: UserProfile, now: Date): Scored | undefined {
  let best: Scored | undefined;
  for (const s of pool) {
    const topic = s.article.topic;
    if (s.retold || !topic || topic === 'general' || profile.topicAffinity.has(topic)) continue;
    if (!best || freshness(s.article, now) > freshness(best.article, now)) best = s;
  }
  return best;
}

/** Similarity of two candidates: cosine of embeddings, else a same-topic proxy. */
function similarity(a: Candidate, b: Candidate): number {
  if (a.vector.length && b.vector.length) return cosine(a.vector, b.vector);
  return a.article.topic && a.article.topic === b.article.topic ? 0.5 : 0;
}

/** A liked article with its embedding's squared norm, computed once per ranking. */
interface NormedArticle {
  article: EmbeddedArticle;
  squaredNorm: number;
}

/** The liked article most similar to the vector (cosine; the first of equals), norms computed once. */
function closestLiked(vector: number[], liked: readonly NormedArticle[]): EmbeddedArticle | undefined {
  const own = squaredNorm(vector);
  let best: EmbeddedArticle | undefined;
  let bestScore = -Infinity;
  for (const l of liked) {
    const s = cosineOfNorms(l.article.vector, l.squaredNorm, vector, own);
    if (s > bestScore) {
      bestScore = s;
      best = l.article;
    }
  }
  return best;
}

function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || a.article.id.localeCompare(b.article.id);
}

function freshReason(article: ArticleRef): string {
  return article.topic && article.topic !== 'general' ? `fresh in ${article.topic}` : 'fresh';
}
