import { cosine, cosineOfNorms, squaredNorm } from './user-profile';

describe(cosineOfNorms.name, () => {
  it('equals cosine() bit for bit', () => {
    let seed = 3;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    for (let trial = 0; trial < 200; trial++) {
      const a = Array.from({ length: 1 + (trial % 130) }, next);
      const b = a.map(() => next());
      expect(cosineOfNorms(a, squaredNorm(a), b, squaredNorm(b))).toBe(cosine(a, b));
    }
  });

  it('is 0 for an empty, zero or mismatched vector, like cosine()', () => {
    const cases: Array<[number[], number[]]> = [
      [[], []],
      [[0, 0], [1, 0]],
      [[1, 0], [1, 0, 0]],
    ];
    for (const [a, b] of cases) {
      expect(cosineOfNorms(a, squaredNorm(a), b, squaredNorm(b))).toBe(0);
      expect(cosine(a, b)).toBe(0);
    }
  });
});
