/** A sentence's vector: dense (model embedding) or sparse (TF-IDF); undefined when it has none. */
export type SentenceVector = Float32Array | Map<string, number> | undefined;

/** Texts of at most this many sentences are their own summary. */
export const SHORT_TEXT_SENTENCES = 3;

/** How many sentences a summary keeps: 2, or 3 for longer texts. */
export function summaryLength(sentenceCount: number): number {
  return sentenceCount >= 8 ? 3 : 2;
}

/**
 * Picks the sentences closest to the centroid of all sentence vectors (the text's "centre of
 * meaning") and returns their indices in original order. `context` vectors (the title) pull the
 * centroid but are never picked. Sentences without a vector are never picked unless nothing
 * else is available.
 */
export function centralSentences(vectors: readonly SentenceVector[], count: number, context: readonly SentenceVector[] = []): number[] {
  const usable = vectors.map((v, i) => ({ v, i })).filter((x) => x.v !== undefined && norm(x.v) > 0);
  if (usable.length === 0) return [...vectors.keys()].slice(0, count);
  const extra = context.filter((v): v is Float32Array | Map<string, number> => v !== undefined && norm(v) > 0);
  const centroid = centroidOf([...usable.map((x) => x.v as Float32Array | Map<string, number>), ...extra]);
  const ranked = usable
    .map(({ v, i }) => ({ i, score: cosine(v as Float32Array | Map<string, number>, centroid) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, count)
    .map((x) => x.i);
  return ranked.sort((a, b) => a - b);
}

/** Joins picked sentences the way the language writes them. */
export function joinSentences(sentences: readonly string[], chinese: boolean): string {
  return sentences.join(chinese ? '' : ' ');
}

/** TF-IDF vector of one sentence's words. */
export function tfIdfVector(words: readonly string[], idfOf: (word: string) => number): Map<string, number> {
  const v = new Map<string, number>();
  for (const w of words) v.set(w, (v.get(w) ?? 0) + idfOf(w));
  return v;
}

function norm(v: Float32Array | Map<string, number>): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}

function centroidOf(vectors: readonly (Float32Array | Map<string, number>)[]): Float32Array | Map<string, number> {
  if (vectors[0] instanceof Map) {
    const c = new Map<string, number>();
    for (const v of vectors as Map<string, number>[]) {
      const n = norm(v);
      for (const [k, x] of v) c.set(k, (c.get(k) ?? 0) + x / n);
    }
    return c;
  }
  const dense = vectors as Float32Array[];
  const c = new Float32Array((dense[0] as Float32Array).length);
  for (const v of dense) {
    const n = norm(v);
    for (let d = 0; d < c.length; d++) c[d] += (v[d] as number) / n;
  }
  return c;
}

function cosine(a: Float32Array | Map<string, number>, b: Float32Array | Map<string, number>): number {
  let dot = 0;
  if (a instanceof Map && b instanceof Map) {
    for (const [k, x] of a) dot += x * (b.get(k) ?? 0);
  } else {
    const da = a as Float32Array;
    const db = b as Float32Array;
    for (let d = 0; d < da.length; d++) dot += (da[d] as number) * (db[d] as number);
  }
  return dot / (norm(a) * norm(b) || 1);
}
