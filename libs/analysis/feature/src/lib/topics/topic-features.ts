import type { SparseVector } from './softmax-regression';

/** Per-dimension centring and scaling of sentence embeddings (the classifier's English features). */
export class EmbeddingStandardizer {
  constructor(
    readonly mean: readonly number[],
    readonly scale: readonly number[],
  ) {
    if (mean.length !== scale.length) throw new Error(`mean has ${mean.length} entries but scale ${scale.length}`);
  }

  get dimension(): number {
    return this.mean.length;
  }

  static fit(vectors: readonly ArrayLike<number>[]): EmbeddingStandardizer {
    if (vectors.length === 0) throw new Error('no vectors to standardise');
    const dim = (vectors[0] as ArrayLike<number>).length;
    const mean = new Array<number>(dim).fill(0);
    const scale = new Array<number>(dim).fill(0);
    for (const v of vectors) for (let d = 0; d < dim; d++) mean[d] += (v[d] as number) / vectors.length;
    for (const v of vectors) for (let d = 0; d < dim; d++) scale[d] += ((v[d] as number) - (mean[d] as number)) ** 2 / vectors.length;
    return new EmbeddingStandardizer(
      mean,
      scale.map((s) => Math.sqrt(s) || 1),
    );
  }

  /** The standardised embedding; undefined when its dimension differs from the fitted one. */
  features(embedding: ArrayLike<number>): SparseVector | undefined {
    if (embedding.length !== this.dimension) return undefined;
    const indices: number[] = [];
    const values: number[] = [];
    for (let d = 0; d < this.dimension; d++) {
      indices.push(d);
      values.push(((embedding[d] as number) - (this.mean[d] as number)) / (this.scale[d] as number));
    }
    return { indices, values };
  }
}

/**
 * TF-IDF over jieba words: sublinear term frequency (1 + ln tf) times the word's IDF (jieba's
 * table, not the training set's, so rare words keep a sensible weight), L2-normalised. Words
 * outside the vocabulary are ignored.
 */
export class WordTfIdf {
  private readonly index: ReadonlyMap<string, number>;

  constructor(
    readonly vocabulary: readonly string[],
    readonly idf: readonly number[],
  ) {
    if (vocabulary.length !== idf.length) throw new Error(`vocabulary has ${vocabulary.length} words but idf ${idf.length} values`);
    this.index = new Map(vocabulary.map((w, i) => [w, i]));
    if (this.index.size !== vocabulary.length) throw new Error('the vocabulary repeats a word');
  }

  get dimension(): number {
    return this.vocabulary.length;
  }

  /** Vocabulary: every word of the documents (sorted, so the result does not depend on their order). */
  static fit(documents: readonly (readonly string[])[], idfOf: (word: string) => number): WordTfIdf {
    const vocabulary = [...new Set(documents.flat())].sort();
    return new WordTfIdf(
      vocabulary,
      vocabulary.map((w) => idfOf(w)),
    );
  }

  features(words: readonly string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const w of words) {
      const i = this.index.get(w);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const indices = [...counts.keys()].sort((a, b) => a - b);
    const values = indices.map((i) => (1 + Math.log(counts.get(i) as number)) * (this.idf[i] as number));
    const norm = Math.sqrt(values.reduce((s, x) => s + x * x, 0)) || 1;
    return { indices, values: values.map((x) => x / norm) };
  }
}

/** What a Chinese text's terms are: its jieba words, bigrams of consecutive Han characters, or both. */
export type ChineseFeatureKind = 'words' | 'bigrams' | 'words+bigrams';
export const CHINESE_FEATURE_KINDS: readonly ChineseFeatureKind[] = ['words', 'bigrams', 'words+bigrams'];
/** Marks a character bigram among the terms, so it never collides with a two-character word. */
export const BIGRAM_MARK = '#';

const HAN = /\p{Script=Han}/u;

/**
 * Terms of a Chinese text from its jieba words. Bigrams run over the words joined (so across
 * word boundaries) and only pair Han characters: they soften jieba's segmentation choices
 * (球队 / 球员 share 球) at the cost of a larger vocabulary.
 */
export function chineseTerms(words: readonly string[], kind: ChineseFeatureKind): string[] {
  const terms = kind === 'bigrams' ? [] : [...words];
  if (kind === 'words') return terms;
  const chars = [...words.join('')];
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i] as string;
    const b = chars[i + 1] as string;
    if (HAN.test(a) && HAN.test(b)) terms.push(BIGRAM_MARK + a + b);
  }
  return terms;
}

export function isChineseFeatureKind(kind: unknown): kind is ChineseFeatureKind {
  return CHINESE_FEATURE_KINDS.includes(kind as ChineseFeatureKind);
}
