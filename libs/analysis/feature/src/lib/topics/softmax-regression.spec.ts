import { denseVector, fromSparseRows, softmax, SoftmaxRegression, sparseRows, type SparseVector } from './softmax-regression';

/** Three classes, each marked by its own feature (plus a shared noise feature), as sparse vectors over 4 features. */
function separable(): { samples: SparseVector[]; labels: number[] } {
  const samples: SparseVector[] = [];
  const labels: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let k = 0; k < 5; k++) {
      samples.push({ indices: [c, 3], values: [1, (k % 2) * 0.5] });
      labels.push(c);
    }
  }
  return { samples, labels };
}

describe(SoftmaxRegression.name, () => {
  const options = { l2: 0.001, iterations: 200 };

  it('learns separable classes from sparse vectors', () => {
    const { samples, labels } = separable();
    const sut = SoftmaxRegression.train(samples, labels, 3, 4, options);
    samples.forEach((x, i) => {
      const p = sut.probabilities(x);
      expect(p.indexOf(Math.max(...p))).toBe(labels[i]);
      expect(Math.max(...p)).toBeGreaterThan(0.8);
    });
  });

  it('learns from dense vectors the same way', () => {
    const samples = [denseVector([1, 0]), denseVector([0.9, 0.1]), denseVector([0, 1]), denseVector([0.1, 0.8])];
    const sut = SoftmaxRegression.train(samples, [0, 0, 1, 1], 2, 2, options);
    expect(sut.probabilities(denseVector([1, 0.2]))[0]).toBeGreaterThan(0.5);
    expect(sut.probabilities(denseVector([0.2, 1]))[1]).toBeGreaterThan(0.5);
  });

  it('is deterministic: the same data gives the same weights', () => {
    const { samples, labels } = separable();
    const a = SoftmaxRegression.train(samples, labels, 3, 4, options);
    const b = SoftmaxRegression.train(samples, labels, 3, 4, options);
    expect(a.rows).toEqual(b.rows);
  });

  it('shrinks weights as the L2 penalty grows', () => {
    const { samples, labels } = separable();
    const norm = (m: SoftmaxRegression) => m.rows.reduce((s, r) => s + r.slice(0, 4).reduce((t, x) => t + x * x, 0), 0);
    expect(norm(SoftmaxRegression.train(samples, labels, 3, 4, { ...options, l2: 0.1 }))).toBeLessThan(norm(SoftmaxRegression.train(samples, labels, 3, 4, options)));
  });

  it('honours sample weights', () => {
    // The same vector labelled 0 once and 1 three times: the heavier label wins, unless weighted down.
    const x = { indices: [0], values: [1] };
    const samples = [x, x, x, x];
    const plain = SoftmaxRegression.train(samples, [0, 1, 1, 1], 2, 1, options);
    expect(plain.probabilities(x)[1]).toBeGreaterThan(0.5);
    const weighted = SoftmaxRegression.train(samples, [0, 1, 1, 1], 2, 1, { ...options, sampleWeights: [6, 1, 1, 1] });
    expect(weighted.probabilities(x)[0]).toBeGreaterThan(0.5);
  });

  it('refuses bad input', () => {
    const { samples, labels } = separable();
    expect(() => SoftmaxRegression.train([], [], 3, 4, options)).toThrow('no training samples');
    expect(() => SoftmaxRegression.train(samples, labels.slice(1), 3, 4, options)).toThrow('15 samples but 14 labels');
    expect(() => SoftmaxRegression.train(samples, labels.map(() => 3), 3, 4, options)).toThrow('label 3 outside 0..2');
    expect(() => SoftmaxRegression.train([{ indices: [7], values: [1] }], [0], 3, 4, options)).toThrow('feature index 7 outside 0..3');
    expect(() => new SoftmaxRegression(2, [new Float64Array(2)])).toThrow('expected 3');
  });

  it('stores sparse rows that give the same probabilities (each feature centred across classes)', () => {
    const { samples, labels } = separable();
    const model = SoftmaxRegression.train(samples, labels, 3, 4, options);
    const sut = fromSparseRows(4, sparseRows(model, 0, (x) => x));
    for (const x of samples) {
      sut.probabilities(x).forEach((p, c) => expect(p).toBeCloseTo(model.probabilities(x)[c] as number, 10));
    }
    const pruned = sparseRows(model, 1e9, (x) => x);
    expect(pruned.every((r) => r.indices.length === 0)).toBe(true);
    expect(() => fromSparseRows(4, [{ bias: 0, indices: [4], values: [1] }])).toThrow('weight index 4 outside 0..3');
  });

  it('softmax is stable for large logits', () => {
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
    expect(softmax([0, -1000])[0]).toBeCloseTo(1, 10);
  });
});
