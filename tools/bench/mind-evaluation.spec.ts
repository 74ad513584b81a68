import { join } from 'node:path';
import { evaluateMind, labelledImpressions } from './mind-evaluation';
import { readMindDataset } from './mind-reader';
import { popularity } from './recommendation-rankers';
import type { ContentItem, Ranker } from './recommendation-simulation';

const dataset = readMindDataset(join(__dirname, 'data', 'mind-sample'));
const features = new Map<string, ContentItem>(
  [...dataset.news.values()].map((n, i) => [
    n.newsId,
    { id: n.newsId, sourceId: 'msn', url: n.url, title: n.title, language: 'en', topic: 'general', summary: n.abstract, vector: [1, i] },
  ]),
);
const byId: Ranker = { name: 'by id', rank: ({ candidates }) => candidates.map((c) => c.article.id).sort() };

describe(evaluateMind.name, () => {
  it('scores each labelled impression as MIND does (hand-computed for a fixed order)', () => {
    // 1: N3 N5* N6 → AUC 1/2, RR 1/2, nDCG 1/log2(3) = 0.63093
    // 2: N4* N5 N7* → AUC 1/2, RR 1, nDCG (1 + 1/2) / (1 + 1/log2(3)) = 0.91972
    const sut = evaluateMind(byId, dataset, features, 2);
    expect(sut.impressions).toBe(2);
    expect(sut.auc).toBeCloseTo(0.5, 10);
    expect(sut.mrr).toBeCloseTo(0.75, 10);
    expect(sut.ndcg5).toBeCloseTo((0.63093 + 0.91972) / 2, 4);
    expect(sut.ndcg10).toBeCloseTo(sut.ndcg5, 10);
  });

  it('gives popularity only the clicks of earlier impressions', () => {
    // 1: no clicks yet, all new → N3 N5* N6 (RR 1/2); 2: N5 clicked before → N5 N4* N7* (RR 1/2);
    // 3: N4 and N7 clicked once, then the newest (N8*, first shown now) → N4 N7 N8* N6 (RR 1/3).
    expect(evaluateMind(popularity, dataset, features, 3).mrr).toBeCloseTo((1 / 2 + 1 / 2 + 1 / 3) / 3, 10);
  });

  it('sees the history as the user’s events, just before the impression', () => {
    const seen: Array<{ ids: string[]; beforeNow: boolean }> = [];
    const spy: Ranker = {
      name: 'spy',
      rank: (request) => {
        seen.push({ ids: request.events.map((e) => e.articleId), beforeNow: request.events.every((e) => e.occurredAt < request.now) });
        return byId.rank(request);
      },
    };
    evaluateMind(spy, dataset, features);
    expect(seen.map((s) => s.ids)).toEqual([['N1', 'N2'], ['N3'], ['N1', 'N2', 'N5'], [], ['N3', 'N7']]);
    expect(seen.every((s) => s.beforeNow)).toBe(true);
  });

  it('leaves out unlabelled impressions', () => {
    const unlabelled = { ...dataset, impressions: [{ ...dataset.impressions[0]!, shown: [{ newsId: 'N5', clicked: undefined }] }, dataset.impressions[1]!] };
    expect(labelledImpressions(unlabelled)).toHaveLength(1);
    expect(evaluateMind(byId, unlabelled, features).impressions).toBe(1);
  });
});
