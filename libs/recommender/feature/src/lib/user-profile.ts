import { EventType } from '@autoglm/contracts';

/** Half-life of a reading event's influence on the long-term profile. */
export const LONG_TERM_HALF_LIFE_DAYS = 7;
/** Half-life of the short-term profile (what the user reads today). */
export const SHORT_TERM_HALF_LIFE_DAYS = 1;
/** How many of the most recent events shape the short-term profile. */
export const SHORT_TERM_EVENTS = 20;
/** Weight of the short-term vector in the query vector. */
export const SHORT_TERM_SHARE = 0.4;

export interface ProfileEvent {
  articleId: string;
  type: EventType;
  dwellSeconds: number;
  occurredAt: Date;
}

export interface EmbeddedArticle {
  articleId: string;
  title: string;
  /** Empty when the article has no meaningful embedding (e.g. Chinese with the English model). */
  vector: number[];
}

export interface ArticleFacts {
  topic: string;
  sourceId: string;
  title: string;
}

/** "More/less like this" on an article, as the profile takes it. */
export interface ProfileFeedback {
  articleId: string;
  more: boolean;
}

/** Weight of a "more like this" in the profile (a like is 3); "less like this" counts as its negative. */
export const FEEDBACK_PROFILE_WEIGHT = 4;

export interface LikedArticle extends EmbeddedArticle {
  weight: number;
}

export interface UserProfile {
  /** Unit query vector: long-term interests blended with today's (empty when nothing embedded was liked). */
  vector: number[];
  /** Articles with a positive signal, strongest first (used for explanations and lexical candidates). */
  liked: LikedArticle[];
  /** Articles the user hid (candidates close to them are demoted). */
  hidden: EmbeddedArticle[];
  /** Every article the user already interacted with (never recommended again). */
  seen: Set<string>;
  /** Topic → affinity in [-1, 1] (1 = the user's favourite topic). */
  topicAffinity: Map<string, number>;
  /** Source → affinity in [-1, 1]. */
  sourceAffinity: Map<string, number>;
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

export function recencyDecay(occurredAt: Date, now: Date, halfLifeDays: number): number {
  const ageDays = Math.max(0, now.getTime() - occurredAt.getTime()) / 86_400_000;
  return 0.5 ** (ageDays / halfLifeDays);
}

/**
 * Builds the profile from reading events: a long-term and a short-term vector (recency-decayed,
 * event-weighted means of the embeddings of what was read, positive weights only) blended into
 * one query vector, plus topic and source affinities from the same weights. "More/less like this"
 * feedback counts as a strong undecayed positive/negative event in both vectors.
 */
export function buildProfile(
  events: ProfileEvent[],
  embeddings: Map<string, EmbeddedArticle>,
  facts: Map<string, ArticleFacts>,
  now: Date,
  feedback: ProfileFeedback[] = [],
): UserProfile {
  const newestFirst = [...events].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime());
  const recent = new Set(newestFirst.slice(0, SHORT_TERM_EVENTS));
  const longWeights = new Map<string, number>();
  const shortWeights = new Map<string, number>();
  const seen = new Set<string>();
  for (const e of newestFirst) {
    seen.add(e.articleId);
    const base = eventWeight(e.type, e.dwellSeconds);
    longWeights.set(e.articleId, (longWeights.get(e.articleId) ?? 0) + base * recencyDecay(e.occurredAt, now, LONG_TERM_HALF_LIFE_DAYS));
    if (recent.has(e)) {
      shortWeights.set(e.articleId, (shortWeights.get(e.articleId) ?? 0) + base * recencyDecay(e.occurredAt, now, SHORT_TERM_HALF_LIFE_DAYS));
    }
  }
  for (const f of feedback) {
    seen.add(f.articleId);
    const weight = f.more ? FEEDBACK_PROFILE_WEIGHT : -FEEDBACK_PROFILE_WEIGHT;
    longWeights.set(f.articleId, (longWeights.get(f.articleId) ?? 0) + weight);
    shortWeights.set(f.articleId, (shortWeights.get(f.articleId) ?? 0) + weight);
  }

  const liked: LikedArticle[] = [];
  const hidden: EmbeddedArticle[] = [];
  const topicWeights = new Map<string, number>();
  const sourceWeights = new Map<string, number>();
  for (const [articleId, weight] of longWeights) {
    const fact = facts.get(articleId);
    if (fact?.topic && fact.topic !== 'general') topicWeights.set(fact.topic, (topicWeights.get(fact.topic) ?? 0) + weight);
    if (fact?.sourceId) sourceWeights.set(fact.sourceId, (sourceWeights.get(fact.sourceId) ?? 0) + weight);
    const article = embeddings.get(articleId) ?? { articleId, title: fact?.title ?? '', vector: [] };
    if (weight < 0) hidden.push(article);
    else if (weight > 0) liked.push({ ...article, weight });
  }
  liked.sort((a, b) => b.weight - a.weight || a.articleId.localeCompare(b.articleId));

  const longVector = weightedMean(longWeights, embeddings);
  const shortVector = weightedMean(shortWeights, embeddings);
  let vector = longVector;
  if (longVector.length && shortVector.length === longVector.length) {
    vector = normalize(longVector.map((x, i) => (1 - SHORT_TERM_SHARE) * x + SHORT_TERM_SHARE * shortVector[i]));
  }
  return {
    vector,
    liked,
    hidden,
    seen,
    topicAffinity: scaleToUnit(topicWeights),
    sourceAffinity: scaleToUnit(sourceWeights),
    eventCount: events.length,
  };
}

function weightedMean(weights: Map<string, number>, embeddings: Map<string, EmbeddedArticle>): number[] {
  let sum: number[] = [];
  for (const [articleId, weight] of weights) {
    const vector = embeddings.get(articleId)?.vector ?? [];
    if (weight <= 0 || vector.length === 0) continue;
    if (sum.length === 0) sum = new Array<number>(vector.length).fill(0);
    if (vector.length !== sum.length) continue;
    for (let i = 0; i < sum.length; i++) sum[i] += weight * vector[i];
  }
  return normalize(sum);
}

/** Divides by the largest absolute weight, so the favourite gets 1 and hidden ones go negative. */
function scaleToUnit(weights: Map<string, number>): Map<string, number> {
  const max = Math.max(0, ...[...weights.values()].map(Math.abs));
  return new Map([...weights].map(([k, v]) => [k, max > 0 ? v / max : 0]));
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

/** The sum of squares of a vector's components (what cosine() sums as a norm, in the same order). */
export function squaredNorm(v: number[]): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return sum;
}

/**
 * cosine(a, b) given both squared norms (see squaredNorm): the same value, bit for bit, with one sum
 * per pair instead of three when one vector is compared with many.
 */
export function cosineOfNorms(a: number[], squaredNormA: number, b: number[], squaredNormB: number): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return squaredNormA > 0 && squaredNormB > 0 ? dot / Math.sqrt(squaredNormA * squaredNormB) : 0;
}
