import { EventType } from '@autoglm/contracts';

/** Half-life of a reading event's influence on the profile. */
export const PROFILE_HALF_LIFE_DAYS = 7;

export interface ProfileEvent {
  articleId: string;
  type: EventType;
  dwellSeconds: number;
  occurredAt: Date;
}

export interface EmbeddedArticle {
  articleId: string;
  title: string;
  vector: number[];
}

export interface UserProfile {
  /** Unit vector of what the user likes (empty when nothing positive was read). */
  vector: number[];
  /** Articles with a positive signal and their weight, strongest first (used for explanations). */
  liked: Array<EmbeddedArticle & { weight: number }>;
  /** Articles the user hid (candidates close to them are demoted). */
  hidden: EmbeddedArticle[];
  /** Every article the user already interacted with (never recommended again). */
  seen: Set<string>;
  eventCount: number;
}

/** How much one event says about interest: likes and long reads count more, hides are negative. */
export function eventWeight(type: EventType, dwellSeconds: number): number {
  switch (type) {
    case EventType.EVENT_TYPE_OPEN:
      return 1;
    case EventType.EVENT_TYPE_DWELL:
      return Math.min(3, Math.max(0, dwellSeconds) / 30);
    case EventType.EVENT_TYPE_LIKE:
      return 3;
    case EventType.EVENT_TYPE_HIDE:
      return -2;
    default:
      return 0;
  }
}

export function recencyDecay(occurredAt: Date, now: Date, halfLifeDays = PROFILE_HALF_LIFE_DAYS): number {
  const ageDays = Math.max(0, now.getTime() - occurredAt.getTime()) / 86_400_000;
  return 0.5 ** (ageDays / halfLifeDays);
}

/**
 * Builds the long-term profile: the recency-decayed, event-weighted mean of the embeddings of
 * what the user read (positive weights only), normalised to unit length.
 */
export function buildProfile(events: ProfileEvent[], embeddings: Map<string, EmbeddedArticle>, now: Date): UserProfile {
  const weights = new Map<string, number>();
  const seen = new Set<string>();
  for (const e of events) {
    seen.add(e.articleId);
    const w = eventWeight(e.type, e.dwellSeconds) * recencyDecay(e.occurredAt, now);
    weights.set(e.articleId, (weights.get(e.articleId) ?? 0) + w);
  }
  let vector: number[] = [];
  const liked: UserProfile['liked'] = [];
  const hidden: EmbeddedArticle[] = [];
  for (const [articleId, weight] of weights) {
    const article = embeddings.get(articleId);
    if (!article || article.vector.length === 0) continue;
    if (weight < 0) {
      hidden.push(article);
      continue;
    }
    if (weight === 0) continue;
    liked.push({ ...article, weight });
    if (vector.length === 0) vector = new Array<number>(article.vector.length).fill(0);
    if (article.vector.length !== vector.length) continue;
    for (let i = 0; i < vector.length; i++) vector[i] += weight * article.vector[i];
  }
  liked.sort((a, b) => b.weight - a.weight);
  return { vector: normalize(vector), liked, hidden, seen, eventCount: events.length };
}

export function normalize(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : [];
}

export function cosine(a: number[], b: number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
