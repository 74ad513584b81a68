// Simulated readers for the offline evaluation of the For-You ranking (tools/bench/recommendation-eval.ts).
//
// The generator, all seeded (one seed gives the same users, arrivals, drift and coin flips):
// - Articles arrive over `days` simulated days: the corpus is shuffled and spread evenly over the
//   days, each at a random hour. A session's candidates are the articles published in the last
//   `windowDays` that the user has not interacted with (every method sees the same pool).
// - Each user holds 1–3 hidden interests, labels of the hidden vocabulary (hand-labelled, never
//   shown to a ranker) drawn in proportion to √(label frequency) so niche labels get readers too;
//   the first weighs 1, the others U(0.4, 1). A user's interest in an article is the largest
//   weight among the article's labels (its first label counts fully, later ones × SECONDARY_LABEL).
// - Drift: at the start of each day after the first, each user with probability `driftPerDay`
//   swaps one interest for a label they did not hold (same weight).
// - Each user visits on a day with probability `visitProbability`, at their own hour (± 1 h), is
//   shown the top `listSize` and examines position r (0-based) with probability 1 / (r + 1)^bias
//   (position bias). An examined article is opened with probability
//   clickNoise + (1 − clickNoise) · maxClick · interest (noise: uninterested users still open
//   some). An open sends OPEN and DWELL events (seconds grow with interest), LIKE with
//   probability likeShare · interest; an examined, unopened article of no interest is hidden
//   with probability hideShare.
// - Rankers see a RankRequest only: the candidates' content (ArticleRef + embedding, as the
//   pipeline computed them), this user's events, and who opened what so far (the crowd, for
//   popularity baselines). Hidden labels and interests never enter it.
// - Each method runs its own world (its lists shape its users' events), with common random
//   numbers: the coin for a (user, day, article, purpose) is the same in every world.
//
// Metrics per session, before the user acts, against the user's hidden interests that day:
// nDCG@listSize (gain = interest), MRR and AUC over the full ranking (relevant = interest > 0),
// intra-list diversity and novelty of the shown list; coverage over the whole run; opens/session.
import type { ArticleRef } from '@autoglm/contracts';
import { EventType } from '@autoglm/contracts';
import { MAX_PROFILE_EVENTS, type Candidate, type ProfileEvent } from '@autoglm/recommender-feature';
import { toTimestamp } from '@autoglm/shared-grpc';
import { seededRandom } from './seeded-random';
import { coverage, intraListDiversity, meanDefined, ndcgAtK, novelty, rankingAuc, reciprocalRank } from './recommendation-metrics';

/** What the pipeline computed for an article: everything a ranker may see but its publish time. */
export interface ContentItem {
  id: string;
  sourceId: string;
  url: string;
  title: string;
  language: string;
  topic: string;
  summary: string;
  vector: number[];
}

/** What a ranker is given for one session. */
export interface RankRequest {
  userId: string;
  now: Date;
  candidates: Candidate[];
  /** This user's events, oldest first (at most MAX_PROFILE_EVENTS, as the service reads them). */
  events: ProfileEvent[];
  /** Article id → times anyone opened it, before now. */
  opens: ReadonlyMap<string, readonly Date[]>;
  /** Article id → its content and publish time, for every article published by now (read or candidate). */
  articles: ReadonlyMap<string, { ref: ArticleRef; vector: number[] }>;
}

export interface Ranker {
  name: string;
  /** Every candidate id, best first. */
  rank(request: RankRequest): string[];
}

export interface SimulationConfig {
  seed: number;
  users: number;
  days: number;
  listSize: number;
  windowDays: number;
  visitProbability: number;
  driftPerDay: number;
  positionBias: number;
  clickNoise: number;
  maxClick: number;
  likeShare: number;
  hideShare: number;
  start: Date;
}

export const DEFAULT_SIMULATION: Readonly<SimulationConfig> = {
  seed: 1,
  users: 80,
  days: 12,
  listSize: 10,
  windowDays: 3,
  visitProbability: 0.85,
  driftPerDay: 0.08,
  positionBias: 0.7,
  clickNoise: 0.04,
  maxClick: 0.85,
  likeShare: 0.4,
  hideShare: 0.05,
  start: new Date('2026-11-02T00:00:00Z'),
};

/** A later label of an article counts this much of the reader's weight for it. */
export const SECONDARY_LABEL = 0.6;

export interface MethodResult {
  name: string;
  sessions: number;
  ndcg: number;
  mrr: number;
  auc: number;
  coverage: number;
  diversity: number;
  novelty: number;
  opensPerSession: number;
}

// ---- seeded randomness -------------------------------------------------------------------------

/** 32-bit FNV-1a of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export { seededRandom };

/** A uniform in [0, 1) fixed by the seed and a key: the same coin in every method's world. */
export function keyedUniform(seed: number, key: string): number {
  return seededRandom(fnv1a(`${seed}:${key}`))();
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function weightedPick(options: ReadonlyMap<string, number>, random: () => number): string | undefined {
  const total = [...options.values()].reduce((s, w) => s + w, 0);
  let x = random() * total;
  for (const [key, weight] of options) {
    x -= weight;
    if (x < 0) return key;
  }
  return [...options.keys()].pop();
}

// ---- users ---------------------------------------------------------------------------------------

export interface SimulatedUser {
  id: string;
  /** Interests per day (index = day): label → weight. Hidden from every ranker. */
  interestsByDay: Map<string, number>[];
  /** Hour of the day the user usually reads. */
  hour: number;
}

/** Users with hidden interests drawn from the label vocabulary, and their drift over the days. */
export function generateUsers(config: SimulationConfig, labelFrequency: ReadonlyMap<string, number>): SimulatedUser[] {
  const random = seededRandom(fnv1a(`users:${config.seed}`));
  const labels = new Map([...labelFrequency].filter(([, n]) => n > 0).map(([label, n]) => [label, Math.sqrt(n)]));
  return Array.from({ length: config.users }, (_, u) => {
    const count = Math.min(labels.size, random() < 0.25 ? 1 : random() < 0.6 ? 2 : 3);
    const interests = new Map<string, number>();
    while (interests.size < count) {
      const free = new Map([...labels].filter(([l]) => !interests.has(l)));
      const label = weightedPick(free, random) as string;
      interests.set(label, interests.size === 0 ? 1 : 0.4 + 0.6 * random());
    }
    const interestsByDay = [new Map(interests)];
    for (let day = 1; day < config.days; day++) {
      const today = new Map(interestsByDay[day - 1]);
      if (random() < config.driftPerDay) {
        const held = [...today.keys()];
        const dropped = held[Math.floor(random() * held.length)] as string;
        const free = new Map([...labels].filter(([l]) => !today.has(l)));
        const added = free.size ? weightedPick(free, random) : undefined;
        if (added) {
          const weight = today.get(dropped) as number;
          today.delete(dropped);
          today.set(added, weight);
        }
      }
      interestsByDay.push(today);
    }
    return { id: `user-${u + 1}`, interestsByDay, hour: 7 + Math.floor(random() * 15) };
  });
}

/** A user's interest in an article with the given hidden labels (first label fully, later ones less). */
export function interestIn(interests: ReadonlyMap<string, number>, labels: readonly string[]): number {
  return Math.max(0, ...labels.map((label, i) => (interests.get(label) ?? 0) * (i === 0 ? 1 : SECONDARY_LABEL)));
}

// ---- the run -------------------------------------------------------------------------------------

/** Publish times: the corpus shuffled and spread evenly over the days, each at a random hour. */
export function assignPublishTimes(ids: readonly string[], config: SimulationConfig): Map<string, Date> {
  const random = seededRandom(fnv1a(`arrivals:${config.seed}`));
  const order = shuffled(ids, random);
  return new Map(
    order.map((id, i) => {
      const day = Math.floor((i * config.days) / order.length);
      return [id, new Date(config.start.getTime() + day * 86_400_000 + Math.floor(random() * 86_400_000))];
    }),
  );
}

/**
 * Runs one method's world over the simulated days and scores it. `hidden` (article id → hidden
 * labels, first = main) drives the users and the metrics only.
 */
export function simulate(ranker: Ranker, items: readonly ContentItem[], hidden: ReadonlyMap<string, readonly string[]>, config: SimulationConfig): MethodResult {
  const labelFrequency = new Map<string, number>();
  for (const item of items) for (const label of hidden.get(item.id) ?? []) labelFrequency.set(label, (labelFrequency.get(label) ?? 0) + 1);
  const users = generateUsers(config, labelFrequency);
  const published = assignPublishTimes(
    items.map((i) => i.id),
    config,
  );
  const articles = new Map(
    items.map((item) => {
      const ref: ArticleRef = {
        id: item.id,
        sourceId: item.sourceId,
        url: item.url,
        title: item.title,
        language: item.language,
        topic: item.topic,
        summary: item.summary,
        publishedAt: toTimestamp(published.get(item.id) as Date),
      };
      return [item.id, { ref, vector: item.vector, publishedAt: published.get(item.id) as Date }];
    }),
  );
  const events = new Map<string, ProfileEvent[]>(users.map((u) => [u.id, []]));
  const seen = new Map<string, Set<string>>(users.map((u) => [u.id, new Set()]));
  const opens = new Map<string, Date[]>();
  const openers = new Map<string, Set<string>>();
  const scores = { ndcg: [] as (number | undefined)[], mrr: [] as (number | undefined)[], auc: [] as (number | undefined)[], diversity: [] as (number | undefined)[], novelty: [] as (number | undefined)[] };
  const shownLists: string[][] = [];
  let sessions = 0;
  let opened = 0;

  for (let day = 0; day < config.days; day++) {
    const visits = users
      .filter((u) => keyedUniform(config.seed, `visit:${u.id}:${day}`) < config.visitProbability)
      .map((u) => ({ user: u, at: new Date(config.start.getTime() + day * 86_400_000 + (u.hour - 1 + 2 * keyedUniform(config.seed, `hour:${u.id}:${day}`)) * 3_600_000) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.user.id.localeCompare(b.user.id));
    for (const { user, at: now } of visits) {
      const interests = user.interestsByDay[day] as Map<string, number>;
      const userSeen = seen.get(user.id) as Set<string>;
      const pool = [...articles.values()].filter(
        (a) => a.publishedAt <= now && now.getTime() - a.publishedAt.getTime() <= config.windowDays * 86_400_000 && !userSeen.has(a.ref.id),
      );
      if (pool.length === 0) continue;
      const userEvents = events.get(user.id) as ProfileEvent[];
      const ranked = ranker.rank({
        userId: user.id,
        now,
        candidates: pool.map((a) => ({ article: a.ref, vector: a.vector })),
        events: userEvents.slice(-MAX_PROFILE_EVENTS),
        opens,
        // Only what exists by now: a ranker cannot peek at tomorrow's articles.
        articles: new Map([...articles].filter(([, a]) => a.publishedAt <= now).map(([id, a]) => [id, { ref: a.ref, vector: a.vector }])),
      });
      checkRanking(ranker.name, ranked, pool.map((a) => a.ref.id));
      const interest = (id: string) => interestIn(interests, hidden.get(id) ?? []);
      const shown = ranked.slice(0, config.listSize);
      sessions++;
      shownLists.push(shown);
      scores.ndcg.push(ndcgAtK(shown.map(interest), ranked.map(interest), config.listSize));
      scores.mrr.push(reciprocalRank(ranked.map((id) => interest(id) > 0)));
      scores.auc.push(rankingAuc(ranked.map((id) => interest(id) > 0)));
      scores.diversity.push(intraListDiversity(shown.map((id) => articles.get(id)?.vector ?? [])));
      scores.novelty.push(novelty(shown, new Map([...openers].map(([id, who]) => [id, who.size])), config.users));

      shown.forEach((id, rank) => {
        const coin = (purpose: string) => keyedUniform(config.seed, `${purpose}:${user.id}:${day}:${id}`);
        if (coin('examine') >= 1 / (rank + 1) ** config.positionBias) return;
        const want = interest(id);
        const at = new Date(now.getTime() + rank * 60_000);
        if (coin('open') < config.clickNoise + (1 - config.clickNoise) * config.maxClick * want) {
          opened++;
          userSeen.add(id);
          const dwell = want > 0 ? 20 + 150 * want * (0.5 + coin('dwell')) : 3 + 12 * coin('dwell');
          userEvents.push({ articleId: id, type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0, occurredAt: at });
          userEvents.push({ articleId: id, type: EventType.EVENT_TYPE_DWELL, dwellSeconds: Math.round(dwell), occurredAt: new Date(at.getTime() + 1000) });
          if (coin('like') < config.likeShare * want) userEvents.push({ articleId: id, type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0, occurredAt: new Date(at.getTime() + 2000) });
          opens.set(id, [...(opens.get(id) ?? []), at]);
          openers.set(id, (openers.get(id) ?? new Set()).add(user.id));
        } else if (want === 0 && coin('hide') < config.hideShare) {
          userSeen.add(id);
          userEvents.push({ articleId: id, type: EventType.EVENT_TYPE_HIDE, dwellSeconds: 0, occurredAt: at });
        }
      });
    }
  }
  return {
    name: ranker.name,
    sessions,
    ndcg: meanDefined(scores.ndcg),
    mrr: meanDefined(scores.mrr),
    auc: meanDefined(scores.auc),
    coverage: coverage(shownLists, items.length),
    diversity: meanDefined(scores.diversity),
    novelty: meanDefined(scores.novelty),
    opensPerSession: sessions ? opened / sessions : 0,
  };
}

/** A ranker must return every candidate exactly once (the metrics rank the whole pool). */
function checkRanking(name: string, ranked: readonly string[], pool: readonly string[]): void {
  const expected = new Set(pool);
  if (ranked.length !== expected.size || new Set(ranked).size !== ranked.length || ranked.some((id) => !expected.has(id))) {
    throw new Error(`${name} did not return a permutation of its ${expected.size} candidates (got ${ranked.length} ids)`);
  }
}
