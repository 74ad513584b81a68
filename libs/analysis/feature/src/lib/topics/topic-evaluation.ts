import type { EmbeddingModel } from '../model/embedding-model';
import type { TopicAssigner } from './topic-assigner';
import type { LabelledText } from './topic-dataset';
import { evaluateTopics, type TopicEvaluation } from './topic-metrics';

/** Texts per session.run when embedding a labelled set. */
const BATCH = 32;

/**
 * Passage embeddings of texts through the model's own tokenizer and ONNX session (the path
 * EmbeddingService takes, without the batcher); undefined for a text with no known token.
 */
export async function embedTexts(model: Pick<EmbeddingModel, 'tokenize' | 'run'>, texts: readonly string[]): Promise<(Float32Array | undefined)[]> {
  const out: (Float32Array | undefined)[] = new Array(texts.length).fill(undefined);
  const known = texts.map((text, i) => ({ i, tokens: model.tokenize(text) })).filter((t) => t.tokens.knownTokens > 0);
  for (let start = 0; start < known.length; start += BATCH) {
    const batch = known.slice(start, start + BATCH);
    const vectors = await model.run(batch.map((b) => b.tokens));
    batch.forEach((b, k) => (out[b.i] = Float32Array.from(vectors[k] as Float32Array)));
  }
  return out;
}

export interface LanguageEvaluation {
  en: TopicEvaluation;
  zh: TopicEvaluation;
}

/** Accuracy, macro-F1 and confusions of a classifier on labelled texts, per language, as the analysis service calls it. */
export async function evaluateTopicAssigner(
  assigner: TopicAssigner,
  items: readonly LabelledText[],
  embed: (texts: string[]) => Promise<(Float32Array | undefined)[]>,
  chineseWords: (text: string) => string[],
): Promise<LanguageEvaluation> {
  const english = items.filter((t) => t.lang === 'en');
  const chinese = items.filter((t) => t.lang === 'zh');
  const vectors = await embed(english.map((t) => t.text));
  return {
    en: evaluateTopics(
      english.map((t) => t.topic),
      vectors.map((v) => assigner.fromEmbedding(v)),
    ),
    zh: evaluateTopics(
      chinese.map((t) => t.topic),
      chinese.map((t) => assigner.fromChineseWords(chineseWords(t.text))),
    ),
  };
}
