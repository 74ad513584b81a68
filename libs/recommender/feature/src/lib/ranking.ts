import type { ArticleRef } from '@autoglm/contracts';
import { fromTimestamp } from '@autoglm/shared-grpc';
import { cosine, type EmbeddedArticle, type UserProfile } from './user-profile';

export interface Candidate {
  article: ArticleRef;
  /** The candidate's embedding (empty if it has none yet). */
  vector: number[];
}

export interface RankedItem {
  article: ArticleRef;
  score: number;
  reason: string;
}

/** Half-life of freshness in the ranking score. */
export const FRESHNESS_HALF_LIFE_HOURS = 48;
const RELEVANCE_WEIGHT = 0.75;
const FRESHNESS_WEIGHT = 0.25;
const HIDE_PENALTY = 0.5;

export function freshness(article: ArticleRef, now: Date): number {
  const published = fromTimestamp(article.publishedAt);
  if (!published) return 0;
  const ageHours = Math.max(0, now.getTime() - published.getTime()) / 3_600_000;
  return 0.5 ** (ageHours / FRESHNESS_HALF_LIFE_HOURS);
}

/**
 * Ranks candidates for one user: relevance to the profile blended with freshness, demoted when
 * close to something the user hid. Each item explains itself with the read article it is
 * closest to ("similar to …"), or with its freshness on a cold start.
 */
export function rankCandidates(candidates: Candidate[], profile: UserProfile, now: Date, limit: number): RankedItem[] {
  const unique = new Map<string, Candidate>();
  for (const c of candidates) if (!profile.seen.has(c.article.id) && !unique.has(c.article.id)) unique.set(c.article.id, c);
  const ranked = [...unique.values()].map((c) => scoreCandidate(c, profile, now));
  ranked.sort((a, b) => b.score - a.score || a.article.id.localeCompare(b.article.id));
  return ranked.slice(0, limit);
}

function scoreCandidate(c: Candidate, profile: UserProfile, now: Date): RankedItem {
  const fresh = freshness(c.article, now);
  if (profile.vector.length === 0 || c.vector.length === 0) {
    return { article: c.article, score: FRESHNESS_WEIGHT * fresh, reason: freshReason(c.article) };
  }
  const relevance = cosine(profile.vector, c.vector);
  const hiddenPenalty = Math.max(0, ...profile.hidden.map((h) => cosine(h.vector, c.vector)));
  const score = RELEVANCE_WEIGHT * relevance + FRESHNESS_WEIGHT * fresh - HIDE_PENALTY * Math.max(0, hiddenPenalty);
  const closest = closestLiked(c.vector, profile.liked);
  const reason = closest ? `similar to "${closest.title}"` : freshReason(c.article);
  return { article: c.article, score, reason };
}

function closestLiked(vector: number[], liked: EmbeddedArticle[]): EmbeddedArticle | undefined {
  let best: EmbeddedArticle | undefined;
  let bestScore = -Infinity;
  for (const l of liked) {
    const s = cosine(l.vector, vector);
    if (s > bestScore) {
      bestScore = s;
      best = l;
    }
  }
  return best;
}

function freshReason(article: ArticleRef): string {
  return article.topic ? `fresh in ${article.topic}` : 'fresh';
}
