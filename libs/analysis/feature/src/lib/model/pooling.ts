/** How token vectors of last_hidden_state become one sentence vector. */
export type HiddenStatePooling = 'mean' | 'cls';

/**
 * Pools a [batch, sequence, hidden] tensor (row-major) into `batch` vectors: the mean of the
 * positions whose mask is 1 (sentence-transformers' mean pooling) or the first ([CLS]) position;
 * then L2-normalises each vector when asked.
 */
export function poolHiddenStates(
  data: Float32Array,
  dims: readonly number[],
  masks: readonly (readonly number[])[],
  pooling: HiddenStatePooling,
  normalize: boolean,
): Float32Array[] {
  const [batch, sequence, hidden] = dims as [number, number, number];
  if (dims.length !== 3 || data.length !== batch * sequence * hidden) {
    throw new RangeError(`expected a [batch, sequence, hidden] output, got dims [${dims.join(', ')}] with ${data.length} values`);
  }
  if (masks.length !== batch) throw new RangeError(`${masks.length} masks for a batch of ${batch}`);
  return masks.map((mask, row) => {
    const out = new Float32Array(hidden);
    const base = row * sequence * hidden;
    if (pooling === 'cls') {
      out.set(data.subarray(base, base + hidden));
    } else {
      let count = 0;
      for (let s = 0; s < sequence; s++) {
        if (!mask[s]) continue;
        count++;
        const offset = base + s * hidden;
        for (let h = 0; h < hidden; h++) out[h] = (out[h] as number) + (data[offset + h] as number);
      }
      const scale = 1 / Math.max(count, 1e-9);
      for (let h = 0; h < hidden; h++) out[h] = (out[h] as number) * scale;
    }
    return normalize ? l2Normalize(out) : out;
  });
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.max(Math.sqrt(sum), 1e-12);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}
