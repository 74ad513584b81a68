import { averageRanks, bestThreshold, rocAuc, spearman } from './similarity-metrics';

describe('similarity metrics', () => {
  it('averages the ranks of ties', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('computes Spearman over ranks: 1 for a monotone relation, -1 for a reversed one', () => {
    expect(spearman([1, 2, 3, 4], [10, 100, 1000, 10000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // Hand-computed: ranks x = [1,2,3,4,5], y = [2,1,4,3,5] → 1 - 6·Σd²/(n(n²-1)) = 1 - 6·4/120 = 0.8.
    expect(spearman([1, 2, 3, 4, 5], [0.2, 0.1, 0.4, 0.3, 0.5])).toBeCloseTo(0.8, 12);
    expect(() => spearman([1], [1])).toThrow(RangeError);
  });

  it('computes ROC AUC as the share of positive/negative pairs ranked right (ties half)', () => {
    expect(rocAuc([0.9, 0.8, 0.1, 0.2], [true, true, false, false])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.9, 0.8], [true, true, false, false])).toBe(0);
    // Positives 0.9 and 0.5, negatives 0.6 and 0.5: (1 + 1) + (0 + 0.5) of 4 pairs.
    expect(rocAuc([0.9, 0.5, 0.6, 0.5], [true, true, false, false])).toBeCloseTo(2.5 / 4, 12);
    expect(() => rocAuc([0.1, 0.2], [true, true])).toThrow(RangeError);
  });

  it('finds the threshold with the best accuracy', () => {
    expect(bestThreshold([0.9, 0.7, 0.6, 0.2], [true, true, false, false])).toEqual({ threshold: 0.7, accuracy: 1 });
    expect(bestThreshold([0.9, 0.2, 0.6, 0.1], [true, false, true, false]).accuracy).toBe(1);
    expect(bestThreshold([0.5, 0.5], [true, false]).accuracy).toBe(0.5);
  });
});
