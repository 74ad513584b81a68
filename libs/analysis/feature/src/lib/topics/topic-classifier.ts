import type { TopicAssigner } from './topic-assigner';
import { GENERAL_TOPIC, TOPICS, type Topic } from './topic-taxonomy';

export interface TopicScore {
  topic: string;
  score: number;
}

/** Minimum (centred) cosine between an article and the best topic prototype; below it the topic is general. */
export const MIN_TOPIC_SIMILARITY = 0.35;
/** Minimum lexicon hits for a Chinese article to get a topic. */
export const MIN_LEXICON_HITS = 2;

/**
 * Assigns one topic of the taxonomy. English: cosine between the article embedding and each
 * topic's prototype (the normalised mean of its seed-word embeddings), both taken relative to
 * the centre of all prototypes: word-vector averages share a large common direction, which
 * would otherwise make every text look similar to every topic. Chinese: hits of the topic
 * lexicon among the article's jieba words.
 */
export class TopicClassifier implements TopicAssigner {
  private constructor(
    private readonly prototypes: ReadonlyMap<string, Float32Array>,
    private readonly centre: Float32Array,
    private readonly topics: readonly Topic[],
  ) {}

  /** Builds the prototypes with the embedding function (one vector per seed word; undefined if unknown). */
  static async create(
    embedWords: (words: string[]) => Promise<(Float32Array | undefined)[]>,
    topics: readonly Topic[] = TOPICS,
  ): Promise<TopicClassifier> {
    const prototypes = new Map<string, Float32Array>();
    for (const topic of topics) {
      const vectors = (await embedWords([...topic.seeds])).filter((v): v is Float32Array => v !== undefined);
      if (vectors.length === 0) throw new Error(`topic ${topic.id}: no seed word is known to the model`);
      prototypes.set(topic.id, normalize(mean(vectors)));
    }
    const centre = mean([...prototypes.values()]);
    for (const [id, p] of prototypes) prototypes.set(id, normalize(subtract(p, centre)));
    return new TopicClassifier(prototypes, centre, topics);
  }

  /** Every topic's cosine with the article embedding (both relative to the centre), best first. */
  scoreEmbedding(embedding: Float32Array): TopicScore[] {
    const article = normalize(subtract(embedding, this.centre));
    const scores = [...this.prototypes].map(([topic, p]) => {
      let dot = 0;
      for (let d = 0; d < p.length; d++) dot += (p[d] as number) * (article[d] as number);
      return { topic, score: dot };
    });
    return scores.sort((a, b) => b.score - a.score);
  }

  fromEmbedding(embedding: Float32Array | undefined): string {
    if (!embedding || embedding.length === 0) return GENERAL_TOPIC;
    const [best] = this.scoreEmbedding(embedding);
    return best && best.score >= MIN_TOPIC_SIMILARITY ? best.topic : GENERAL_TOPIC;
  }

  /** Chinese: the topic whose lexicon the words hit most (ties go to the earlier topic). */
  fromChineseWords(words: readonly string[]): string {
    let best: TopicScore = { topic: GENERAL_TOPIC, score: 0 };
    for (const topic of this.topics) {
      const lexicon = new Set(topic.lexicon);
      const hits = words.reduce((n, w) => n + (lexicon.has(w) ? 1 : 0), 0);
      if (hits > best.score) best = { topic: topic.id, score: hits };
    }
    return best.score >= MIN_LEXICON_HITS ? best.topic : GENERAL_TOPIC;
  }
}

function mean(vectors: readonly Float32Array[]): Float32Array {
  const m = new Float32Array((vectors[0] as Float32Array).length);
  for (const v of vectors) for (let d = 0; d < m.length; d++) m[d] += (v[d] as number) / vectors.length;
  return m;
}

function subtract(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((x, d) => x - (b[d] as number));
}

function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}
