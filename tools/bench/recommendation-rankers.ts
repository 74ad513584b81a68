// The methods the offline evaluation compares: the production ranking (the real buildProfile and
// rankCandidates, with RankingOptions switching components off for ablations) and the usual
// non-personal baselines. Each sees only a RankRequest (content, this user's events, who opened what).
import { fromTimestamp } from '@autoglm/shared-grpc';
import {
  buildProfile,
  DEFAULT_RANKING_OPTIONS,
  rankCandidates,
  type ArticleFacts,
  type EmbeddedArticle,
  type RankingOptions,
} from '@autoglm/recommender-feature';
import { keyedUniform, type Ranker, type RankRequest } from './recommendation-simulation';

/** Hacker News' gravity: age in hours is raised to this power in popularity+recency. */
const GRAVITY = 1.8;

/** The production ranking, as RecommendationService calls it, with some components switched off. */
export function productionRanker(name: string, switches: Partial<RankingOptions> = DEFAULT_RANKING_OPTIONS): Ranker {
  return {
    name,
    rank({ now, candidates, events, articles }: RankRequest): string[] {
      const readIds = [...new Set(events.map((e) => e.articleId))];
      const embeddings = new Map<string, EmbeddedArticle>();
      const facts = new Map<string, ArticleFacts>();
      for (const id of readIds) {
        const known = articles.get(id);
        if (!known) continue;
        embeddings.set(id, { articleId: id, title: known.ref.title, vector: known.vector });
        facts.set(id, { topic: known.ref.topic, sourceId: known.ref.sourceId, title: known.ref.title });
      }
      const profile = buildProfile(events, embeddings, facts, now);
      return rankCandidates(candidates, profile, now, candidates.length, switches).map((item) => item.article.id);
    },
  };
}

function opensBefore(request: RankRequest, id: string): number {
  return (request.opens.get(id) ?? []).filter((t) => t < request.now).length;
}

function ageHours(request: RankRequest, publishedAt: Date | undefined): number {
  return publishedAt ? Math.max(0, request.now.getTime() - publishedAt.getTime()) / 3_600_000 : Number.POSITIVE_INFINITY;
}

function byScore(request: RankRequest, score: (id: string, publishedAt: Date | undefined) => number): string[] {
  return request.candidates
    .map((c) => ({ id: c.article.id, score: score(c.article.id, fromTimestamp(c.article.publishedAt)) }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .map((s) => s.id);
}

/** Opens so far, decayed by age as Hacker News ranks stories: (opens + 1) / (hours + 2)^1.8. */
export const popularityRecency: Ranker = {
  name: 'popularity+recency',
  rank: (request) => byScore(request, (id, publishedAt) => (opensBefore(request, id) + 1) / (ageHours(request, publishedAt) + 2) ** GRAVITY),
};

/** Most opened so far, newer first among equals. */
export const popularity: Ranker = {
  name: 'popularity',
  rank: (request) => byScore(request, (id, publishedAt) => opensBefore(request, id) + 1 / (2 + ageHours(request, publishedAt))),
};

/** Newest first. */
export const recency: Ranker = {
  name: 'recency',
  rank: (request) => byScore(request, (_id, publishedAt) => -ageHours(request, publishedAt)),
};

/** A seeded shuffle per user and moment. */
export function randomRanker(seed: number): Ranker {
  return {
    name: 'random',
    rank: (request) => byScore(request, (id) => keyedUniform(seed, `random:${request.userId}:${request.now.getTime()}:${id}`)),
  };
}

/** Ours with every component, then without each one in turn (`base` changes parameters of all of them). */
export function productionVariants(base: Partial<RankingOptions> = {}): Ranker[] {
  const components = ['profile', 'affinity', 'freshness', 'mmr', 'exploration'] as const;
  return [productionRanker('ours', base), ...components.map((c) => productionRanker(`ours − ${c === 'mmr' ? 'MMR' : c}`, { ...base, [c]: false }))];
}
