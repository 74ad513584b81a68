// Evaluation on MIND-format impression logs (real users' clicks): every labelled impression, in
// time order, is ranked by each method and scored as MIND's own evaluation does — AUC, MRR,
// nDCG@5 and nDCG@10 of the shown news, clicked = relevant — plus intra-list diversity of the top 10.
// The ranker sees the user's history as OPEN events just before the impression (MIND gives no
// history times), the news' content features (computed by the pipeline from title + abstract;
// MIND's categories are not given to it), a publish time = the first time the news was shown in
// the log, and the clicks of earlier impressions (for the popularity baselines).
import type { ArticleRef } from '@autoglm/contracts';
import { EventType } from '@autoglm/contracts';
import { MAX_PROFILE_EVENTS, type ProfileEvent } from '@autoglm/recommender-feature';
import { toTimestamp } from '@autoglm/shared-grpc';
import type { MindDataset } from './mind-reader';
import { intraListDiversity, meanDefined, ndcgAtK, rankingAuc, reciprocalRank } from './recommendation-metrics';
import type { ContentItem, Ranker } from './recommendation-simulation';

export interface MindResult {
  name: string;
  impressions: number;
  auc: number;
  mrr: number;
  ndcg5: number;
  ndcg10: number;
  diversity: number;
}

/** The labelled impressions in time order (at most `limit`), the ones an evaluation scores. */
export function labelledImpressions(dataset: MindDataset, limit = Number.POSITIVE_INFINITY): MindDataset['impressions'] {
  return dataset.impressions
    .filter((i) => i.shown.every((s) => s.clicked !== undefined))
    .sort((a, b) => a.time.getTime() - b.time.getTime())
    .slice(0, limit);
}

export function evaluateMind(ranker: Ranker, dataset: MindDataset, features: ReadonlyMap<string, ContentItem>, limit?: number): MindResult {
  const impressions = labelledImpressions(dataset, limit);
  const firstShown = new Map<string, Date>();
  for (const impression of impressions) {
    for (const { newsId } of impression.shown) if (!firstShown.has(newsId)) firstShown.set(newsId, impression.time);
  }
  const articles = new Map<string, { ref: ArticleRef; vector: number[] }>();
  for (const [id, item] of features) {
    const shownAt = firstShown.get(id);
    articles.set(id, {
      ref: { id, sourceId: item.sourceId, url: item.url, title: item.title, language: item.language, topic: item.topic, summary: item.summary, publishedAt: shownAt ? toTimestamp(shownAt) : undefined },
      vector: item.vector,
    });
  }
  const opens = new Map<string, Date[]>();
  const scores = { auc: [] as (number | undefined)[], mrr: [] as (number | undefined)[], ndcg5: [] as (number | undefined)[], ndcg10: [] as (number | undefined)[], diversity: [] as (number | undefined)[] };
  for (const impression of impressions) {
    const now = impression.time;
    const history = impression.history.slice(-MAX_PROFILE_EVENTS);
    const events: ProfileEvent[] = history.map((articleId, i) => ({
      articleId,
      type: EventType.EVENT_TYPE_OPEN,
      dwellSeconds: 0,
      occurredAt: new Date(now.getTime() - (history.length - i) * 60_000),
    }));
    const read = new Set(impression.history);
    const clicked = new Map<string, boolean>();
    for (const s of impression.shown) if (!read.has(s.newsId)) clicked.set(s.newsId, (clicked.get(s.newsId) ?? false) || s.clicked === true);
    const candidates = [...clicked.keys()].flatMap((id) => {
      const known = articles.get(id);
      return known ? [{ article: known.ref, vector: known.vector }] : [];
    });
    if (candidates.length > 0) {
      const ranked = ranker.rank({ userId: impression.userId, now, candidates, events, opens, articles });
      const relevant = ranked.map((id) => clicked.get(id) === true);
      const gains = relevant.map((r) => (r ? 1 : 0));
      scores.auc.push(rankingAuc(relevant));
      scores.mrr.push(reciprocalRank(relevant));
      scores.ndcg5.push(ndcgAtK(gains, gains, 5));
      scores.ndcg10.push(ndcgAtK(gains, gains, 10));
      scores.diversity.push(intraListDiversity(ranked.slice(0, 10).map((id) => articles.get(id)?.vector ?? [])));
    }
    for (const [id, wasClicked] of clicked) if (wasClicked) opens.set(id, [...(opens.get(id) ?? []), now]);
  }
  return {
    name: ranker.name,
    impressions: scores.auc.length,
    auc: meanDefined(scores.auc),
    mrr: meanDefined(scores.mrr),
    ndcg5: meanDefined(scores.ndcg5),
    ndcg10: meanDefined(scores.ndcg10),
    diversity: meanDefined(scores.diversity),
  };
}
