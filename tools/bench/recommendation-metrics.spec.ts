import { coverage, dcgAtK, intraListDiversity, meanDefined, ndcgAtK, novelty, rankingAuc, reciprocalRank } from './recommendation-metrics';

describe('recommendation metrics', () => {
  describe(dcgAtK.name, () => {
    it('discounts the gain at rank r by log2(r + 1)', () => {
      // 3/1 + 2/log2(3) + 0/2 + 1/log2(5) = 3 + 1.26186 + 0 + 0.43068
      expect(dcgAtK([3, 2, 0, 1], 4)).toBeCloseTo(4.69254, 4);
      expect(dcgAtK([3, 2, 0, 1], 1)).toBe(3);
    });
  });

  describe(ndcgAtK.name, () => {
    it('is 1 for the ideal order and below for a worse one', () => {
      expect(ndcgAtK([1, 0], [0, 1], 2)).toBe(1);
      expect(ndcgAtK([0, 1], [1, 0], 2)).toBeCloseTo(1 / Math.log2(3), 6); // 0.63093
    });

    it('takes the ideal from the whole pool, not only the listed items', () => {
      // listed [1, 0] from a pool with two gains of 1: 1 / (1 + 1/log2(3)) = 0.61315
      expect(ndcgAtK([1, 0], [1, 0, 1], 2)).toBeCloseTo(0.61315, 4);
    });

    it('is undefined when nothing in the pool has a gain', () => {
      expect(ndcgAtK([0, 0], [0, 0, 0], 2)).toBeUndefined();
    });
  });

  describe(reciprocalRank.name, () => {
    it('is one over the position of the first relevant item', () => {
      expect(reciprocalRank([false, false, true, true])).toBeCloseTo(1 / 3, 10);
      expect(reciprocalRank([true])).toBe(1);
      expect(reciprocalRank([false, false])).toBe(0);
      expect(reciprocalRank([])).toBeUndefined();
    });
  });

  describe(rankingAuc.name, () => {
    it('is the share of relevant/irrelevant pairs ordered correctly', () => {
      // pairs (p1,n1) ok, (p1,n2) ok, (p2,n1) wrong, (p2,n2) ok → 3/4
      expect(rankingAuc([true, false, true, false])).toBe(0.75);
      expect(rankingAuc([true, true, false])).toBe(1);
      expect(rankingAuc([false, true])).toBe(0);
    });

    it('is undefined when one class is empty', () => {
      expect(rankingAuc([true, true])).toBeUndefined();
      expect(rankingAuc([false])).toBeUndefined();
    });
  });

  describe(intraListDiversity.name, () => {
    it('is the mean pairwise cosine distance, ignoring items without a vector', () => {
      // (a,b) 1, (a,c) 0, (b,c) 1 → 2/3
      expect(intraListDiversity([[1, 0], [0, 1], [], [2, 0]])).toBeCloseTo(2 / 3, 10);
      expect(intraListDiversity([[1, 0], [1, 0]])).toBe(0);
    });

    it('is undefined with fewer than two vectors', () => {
      expect(intraListDiversity([[1, 0], []])).toBeUndefined();
    });
  });

  describe(novelty.name, () => {
    it('is the mean add-one-smoothed self-information of the items', () => {
      // population 3: a read by all 3 → −log2(4/4) = 0; b by nobody → −log2(1/4) = 2
      expect(novelty(['a', 'b'], new Map([['a', 3]]), 3)).toBe(1);
      expect(novelty([], new Map(), 3)).toBeUndefined();
    });
  });

  describe(coverage.name, () => {
    it('is the share of the catalog shown at least once', () => {
      expect(coverage([['a', 'b'], ['b', 'c']], 4)).toBe(0.75);
      expect(coverage([], 0)).toBe(0);
    });
  });

  describe(meanDefined.name, () => {
    it('averages the defined values only', () => {
      expect(meanDefined([1, undefined, 0])).toBe(0.5);
      expect(meanDefined([undefined])).toBeNaN();
    });
  });
});
