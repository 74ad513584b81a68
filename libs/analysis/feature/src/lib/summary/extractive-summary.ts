import { splitSentences } from '../text/sentence-splitter';

/** A sentence's vector: dense (model embedding) or sparse (TF-IDF); undefined when it has none. */
export type SentenceVector = Float32Array | Map<string, number> | undefined;

/** Vectors of several pieces of text (sentences, then the title), in order. */
export type SentenceEncoder = (pieces: readonly string[]) => Promise<SentenceVector[]>;

/** Sentences considered for a summary (the head of very long texts). */
export const MAX_SUMMARY_SENTENCES = 200;

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
    .map(({ v, i }) => ({ i, score: sentenceCosine(v as Float32Array | Map<string, number>, centroid) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, count)
    .map((x) => x.i);
  return ranked.sort((a, b) => a - b);
}

/**
 * The extractive summary of a text: its 2–3 sentences closest to the centroid of its sentences
 * (pulled towards the title, when given), in original order; short texts are their own summary.
 * The analysis service and the summary-quality bench both call this.
 */
export async function extractiveSummary(text: string, chinese: boolean, title: string, encode: SentenceEncoder): Promise<string> {
  const sentences = splitSentences(text).slice(0, MAX_SUMMARY_SENTENCES);
  if (sentences.length <= SHORT_TEXT_SENTENCES) return joinSentences(sentences, chinese);
  const vectors = await encode(title ? [...sentences, title] : sentences);
  const picked = centralSentences(vectors.slice(0, sentences.length), summaryLength(sentences.length), vectors.slice(sentences.length));
  return joinSentences(
    picked.map((i) => sentences[i] as string),
    chinese,
  );
}

/** The LEAD-n baseline: the first `count` sentences, split as extractiveSummary splits them. */
export function leadSummary(text: string, chinese: boolean, count = 3): string {
  return joinSentences(splitSentences(text).slice(0, count), chinese);
}

/** Sentence vectors from a dense embedder (a text without known tokens gets none). */
export function embeddingEncoder(embed: (texts: readonly string[]) => Promise<readonly { vector: Float32Array; knownTokens: number }[]>): SentenceEncoder {
  return async (pieces) => (await embed(pieces)).map((e) => (e.knownTokens > 0 ? e.vector : undefined));
}

/** Sparse TF-IDF sentence vectors from a word segmenter and its IDF table (Chinese). */
export function tfIdfEncoder(segmenter: { words(text: string): string[]; idfOf(word: string): number }): SentenceEncoder {
  return async (pieces) => pieces.map((s) => tfIdfVector(segmenter.words(s), (w) => segmenter.idfOf(w)));
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

export function centroidOf(vectors: readonly (Float32Array | Map<string, number>)[]): Float32Array | Map<string, number> {
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

/** Cosine of two sentence vectors of the same kind (dense with dense, sparse with sparse; else 0). */
export function sentenceCosine(a: Float32Array | Map<string, number>, b: Float32Array | Map<string, number>): number {
  if (a instanceof Map !== b instanceof Map) return 0;
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
