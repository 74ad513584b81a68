import { cosine, scoreStories, sharedKeywords, type ScoredCandidate } from './story-batch';

const c = (clusterId: string, articleId: string, shared: number, similarity: number | null): ScoredCandidate => ({ clusterId, articleId, shared, similarity });

describe(scoreStories.name, () => {
  it('scores only stories with an article sharing enough keywords, over all their articles', () => {
    const scores = scoreStories([c('s1', 'a', 0, 0.9), c('s1', 'b', 2, 0.8), c('s2', 'c', 1, 0.95)], 2, 0.5, 20);

    expect(scores).toEqual([{ clusterId: 's1', mean: expect.closeTo(0.85, 10), max: 0.9, closestArticleId: 'a', closestSharedKeywords: 0, maxSharedKeywords: 2 }]);
  });

  it('drops stories below the bar, skips articles without a cosine, and keeps the closest first up to the limit', () => {
    const scores = scoreStories(
      [c('low', 'a', 3, 0.4), c('s1', 'b', 3, null), c('s1', 'c', 3, Number.NaN), c('s1', 'd', 3, 0.7), c('s2', 'e', 3, 0.9), c('s3', 'f', 3, 0.8)],
      2,
      0.5,
      2,
    );

    expect(scores.map((s) => [s.clusterId, s.max, s.mean])).toEqual([
      ['s2', 0.9, 0.9],
      ['s3', 0.8, 0.8],
    ]);
  });

  it('breaks a tie for the closest article by the smaller id, and between stories by the smaller id', () => {
    const scores = scoreStories([c('s2', 'z', 2, 0.9), c('s2', 'y', 0, 0.9), c('s1', 'x', 2, 0.9)], 2, 0.5, 20);

    expect(scores.map((s) => [s.clusterId, s.closestArticleId, s.closestSharedKeywords])).toEqual([
      ['s1', 'x', 2],
      ['s2', 'y', 0],
    ]);
  });

  it('without a keyword condition scores every story', () => {
    expect(scoreStories([c('s1', 'a', 0, 0.6)], 0, 0.5, 20)).toHaveLength(1);
    expect(scoreStories([], 0, 0.5, 20)).toEqual([]);
  });
});

describe(cosine.name, () => {
  it('is the cosine of two vectors, and null without a direction or for different lengths', () => {
    expect(cosine([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(cosine([2, 0], [-3, 0])).toBe(-1);
    expect(cosine([0, 0], [1, 0])).toBeNull();
    expect(cosine([1], [1, 0])).toBeNull();
    expect(cosine([], [])).toBeNull();
  });
});

describe(sharedKeywords.name, () => {
  it('counts distinct keywords in common', () => {
    expect(sharedKeywords(['a', 'b', 'b', 'c'], ['b', 'c', 'c', 'd'])).toBe(2);
    expect(sharedKeywords([], ['a'])).toBe(0);
  });
});
