/** A feature vector as (index, value) pairs; dense vectors list every index. */
export interface SparseVector {
  indices: readonly number[];
  values: readonly number[];
}

export interface SoftmaxTrainingOptions {
  /** L2 penalty on the weights (not the biases), added to the mean cross-entropy as l2/2·‖W‖². */
  l2: number;
  /** Full-batch Adam steps. */
  iterations: number;
  learningRate?: number;
  /** Per-sample weights (default 1). */
  sampleWeights?: readonly number[];
}

/**
 * Weights of a multinomial logistic regression: one row per class, `dimension` weights and a
 * bias (last). Trained by full-batch Adam from zero, so the result is deterministic.
 */
export class SoftmaxRegression {
  constructor(
    readonly dimension: number,
    /** rows[c] has dimension + 1 entries: weights, then the bias. */
    readonly rows: readonly Float64Array[],
  ) {
    for (const row of rows) {
      if (row.length !== dimension + 1) throw new Error(`a weight row has ${row.length} entries, expected ${dimension + 1}`);
    }
  }

  get classes(): number {
    return this.rows.length;
  }

  /** Class probabilities of one vector (indices outside the dimension are ignored). */
  probabilities(x: SparseVector): number[] {
    const logits = this.rows.map((row) => {
      let z = row[this.dimension] as number;
      for (let k = 0; k < x.indices.length; k++) {
        const i = x.indices[k] as number;
        if (i >= 0 && i < this.dimension) z += (row[i] as number) * (x.values[k] as number);
      }
      return z;
    });
    return softmax(logits);
  }

  static train(samples: readonly SparseVector[], labels: readonly number[], classes: number, dimension: number, options: SoftmaxTrainingOptions): SoftmaxRegression {
    if (samples.length === 0) throw new Error('no training samples');
    if (samples.length !== labels.length) throw new Error(`${samples.length} samples but ${labels.length} labels`);
    for (const y of labels) if (!Number.isInteger(y) || y < 0 || y >= classes) throw new Error(`label ${y} outside 0..${classes - 1}`);
    const width = dimension + 1;
    const size = classes * width;
    const w = new Float64Array(size);
    const grad = new Float64Array(size);
    const m = new Float64Array(size);
    const v = new Float64Array(size);
    const decay = new Float64Array(size).fill(options.l2);
    for (let c = 0; c < classes; c++) decay[c * width + dimension] = 0; // biases are not penalised
    const packed = samples.map((x) => ({ indices: Int32Array.from(x.indices), values: Float64Array.from(x.values) }));
    for (const x of packed) {
      x.indices.forEach((i, k) => {
        if (i < 0 || i >= dimension) throw new Error(`feature index ${i} outside 0..${dimension - 1}`);
        if (x.indices.length === dimension && i !== k) throw new Error('a vector listing every index must list them in order');
      });
    }
    const raw = options.sampleWeights ?? samples.map(() => 1);
    const total = raw.reduce((s, x) => s + x, 0);
    const share = raw.map((x) => x / total);
    const lr = options.learningRate ?? 0.1;
    const beta1 = 0.9;
    const beta2 = 0.999;
    const p = new Float64Array(classes);
    for (let t = 1; t <= options.iterations; t++) {
      grad.fill(0);
      for (let n = 0; n < packed.length; n++) {
        const { indices, values } = packed[n] as { indices: Int32Array; values: Float64Array };
        let max = -Infinity;
        const dense = indices.length === dimension; // every index, in order (checked below)
        for (let c = 0; c < classes; c++) {
          const base = c * width;
          let z = w[base + dimension] as number;
          if (dense) for (let k = 0; k < dimension; k++) z += (w[base + k] as number) * (values[k] as number);
          else for (let k = 0; k < indices.length; k++) z += (w[base + (indices[k] as number)] as number) * (values[k] as number);
          p[c] = z;
          if (z > max) max = z;
        }
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += p[c] = Math.exp((p[c] as number) - max);
        const label = labels[n] as number;
        const sn = share[n] as number;
        for (let c = 0; c < classes; c++) {
          const g = ((p[c] as number) / sum - (c === label ? 1 : 0)) * sn;
          const base = c * width;
          if (dense) for (let k = 0; k < dimension; k++) grad[base + k] += g * (values[k] as number);
          else for (let k = 0; k < indices.length; k++) grad[base + (indices[k] as number)] += g * (values[k] as number);
          grad[base + dimension] += g;
        }
      }
      const step1 = lr / (1 - beta1 ** t);
      const correction2 = 1 - beta2 ** t;
      for (let j = 0; j < size; j++) {
        const g = (grad[j] as number) + (decay[j] as number) * (w[j] as number);
        const mj = (m[j] = beta1 * (m[j] as number) + (1 - beta1) * g);
        const vj = (v[j] = beta2 * (v[j] as number) + (1 - beta2) * g * g);
        w[j] -= (step1 * mj) / (Math.sqrt(vj / correction2) + 1e-8);
      }
    }
    return new SoftmaxRegression(
      dimension,
      Array.from({ length: classes }, (_, c) => w.slice(c * width, (c + 1) * width)),
    );
  }
}

/** One class's weights as stored: the bias and the non-zero feature weights. */
export interface SparseRow {
  bias: number;
  indices: number[];
  values: number[];
}

/**
 * Sparse rows of a model, for storage. Adding the same constant to every class's weight of a
 * feature leaves the probabilities unchanged, so each feature's weights are first centred on
 * their median across classes; weights then within `threshold` of zero are dropped (most of a
 * TF-IDF model's), and the others rounded by `round`.
 */
export function sparseRows(model: SoftmaxRegression, threshold: number, round: (x: number) => number): SparseRow[] {
  const rows = model.rows.map((row) => ({ bias: round(row[model.dimension] as number), indices: [] as number[], values: [] as number[] }));
  for (let d = 0; d < model.dimension; d++) {
    const column = model.rows.map((row) => row[d] as number).sort((a, b) => a - b);
    const mid = column.length >> 1;
    const median = column.length % 2 ? (column[mid] as number) : ((column[mid - 1] as number) + (column[mid] as number)) / 2;
    model.rows.forEach((row, c) => {
      const value = round((row[d] as number) - median);
      if (Math.abs(value) > threshold) {
        rows[c]?.indices.push(d);
        rows[c]?.values.push(value);
      }
    });
  }
  return rows;
}

/** The model of stored sparse rows (their bias and weights; absent weights are 0). */
export function fromSparseRows(dimension: number, rows: readonly SparseRow[]): SoftmaxRegression {
  return new SoftmaxRegression(
    dimension,
    rows.map((row) => {
      const dense = new Float64Array(dimension + 1);
      row.indices.forEach((i, k) => {
        if (!Number.isInteger(i) || i < 0 || i >= dimension) throw new Error(`weight index ${i} outside 0..${dimension - 1}`);
        dense[i] = row.values[k] as number;
      });
      dense[dimension] = row.bias;
      return dense;
    }),
  );
}

export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - max));
  const sum = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / sum);
}

/** A dense vector as a SparseVector over all its indices. */
export function denseVector(values: ArrayLike<number>): SparseVector {
  return { indices: Array.from({ length: values.length }, (_, i) => i), values: Array.from(values) };
}
