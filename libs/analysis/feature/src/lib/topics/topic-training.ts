import type { LabelledText } from './topic-dataset';
import { BIGRAM_MARK, CHINESE_FEATURE_KINDS, chineseTerms, EmbeddingStandardizer, WordTfIdf, type ChineseFeatureKind } from './topic-features';
import { SoftmaxRegression, sparseRows, type SparseVector } from './softmax-regression';
import { TOPICS, type Topic } from './topic-taxonomy';
import { TOPIC_CLASSIFIER_FORMAT, topicClassifierSha256, type EmbeddingModelIdentity, type TopicClassifierFile } from './trained-topic-classifier';

/**
 * L2 penalties tried by cross-validation on the training split, per language: the dense
 * standardised embedding needs a stronger penalty than sparse, L2-normalised TF-IDF.
 */
export const ENGLISH_L2_GRID: readonly number[] = [0.003, 0.01, 0.03];
export const CHINESE_L2_GRID: readonly number[] = [0.00003, 0.0001, 0.0003];
/** Chinese features are chosen first (by CV at this penalty), then the penalty. */
const CHINESE_FEATURE_L2 = 0.0001;
export const CV_FOLDS = 5;
export const TRAINING_ITERATIONS = 150;
/** Weight of each taxonomy seed word / lexicon word, added as a one-word training document. */
export const TAXONOMY_WORD_WEIGHT = 0.5;
/**
 * The 'general' threshold: this quantile of the top probability of the correctly classified
 * out-of-fold texts (so about 95% of the topical texts the model gets right keep their topic),
 * but never below MIN_TOPIC_CONFIDENCE.
 */
export const CONFIDENCE_QUANTILE = 0.05;
/** Lowest 'general' threshold (20 topics: a uniform guess would be 0.05). */
export const MIN_TOPIC_CONFIDENCE = 0.2;
/** Stored weights (after centring each feature across topics) within this of zero are dropped. */
export const PRUNE_BELOW = 0.02;
/** Significant digits kept in the weights file (the held-out numbers are measured on the file as written). */
const DIGITS = 5;

const round = (x: number) => Number(x.toPrecision(DIGITS));

export interface TopicTrainingInput {
  /** The training split, both languages. */
  train: readonly LabelledText[];
  /** The real embedding path (model tokenizer + ONNX session); undefined for a text with no known word. */
  embed: (texts: string[]) => Promise<(Float32Array | undefined)[]>;
  chineseWords: (text: string) => string[];
  /** IDF of a Chinese word (jieba's table); bigrams get a smoothed IDF from the training texts. */
  idfOf: (word: string) => number;
  embeddingModel: EmbeddingModelIdentity;
  /** Names the segmenter and its version, recorded in the file. */
  segmenter: string;
  topics?: readonly Topic[];
}

/** Training samples: the labelled texts first, then the taxonomy words (never held out in CV). */
interface Examples {
  samples: SparseVector[];
  labels: number[];
  weights: number[];
  texts: number;
}

export interface CrossValidation {
  l2: number;
  accuracy: number;
  /** Top probability of each correctly classified out-of-fold text, ascending. */
  confidences: number[];
}

function crossValidate(examples: Examples, classes: number, dimension: number, l2: number): CrossValidation {
  const confidences: number[] = [];
  for (let fold = 0; fold < CV_FOLDS; fold++) {
    const inFold = (i: number) => i < examples.texts && i % CV_FOLDS === fold;
    const keep = (_: unknown, i: number) => !inFold(i);
    const model = SoftmaxRegression.train(examples.samples.filter(keep), examples.labels.filter(keep), classes, dimension, {
      l2,
      iterations: TRAINING_ITERATIONS,
      sampleWeights: examples.weights.filter(keep),
    });
    examples.samples.forEach((x, i) => {
      if (!inFold(i)) return;
      const p = model.probabilities(x);
      const top = Math.max(...p);
      if (p.indexOf(top) === examples.labels[i]) confidences.push(top);
    });
  }
  return { l2, accuracy: confidences.length / examples.texts, confidences: confidences.sort((a, b) => a - b) };
}

/** Picks the L2 penalty by k-fold cross-validation over the labelled texts (fold = index mod k), then fits on all of them. */
export function fitWithCrossValidation(
  examples: Examples,
  classes: number,
  dimension: number,
  grid: readonly number[],
  known: readonly CrossValidation[] = [],
): { model: SoftmaxRegression; l2: number; cv: CrossValidation[]; minConfidence: number } {
  const cv = grid.map((l2) => known.find((k) => k.l2 === l2) ?? crossValidate(examples, classes, dimension, l2));
  const best = cv.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const model = SoftmaxRegression.train(examples.samples, examples.labels, classes, dimension, {
    l2: best.l2,
    iterations: TRAINING_ITERATIONS,
    sampleWeights: examples.weights,
  });
  const quantile = best.confidences[Math.floor(CONFIDENCE_QUANTILE * best.confidences.length)] ?? MIN_TOPIC_CONFIDENCE;
  return { model, l2: best.l2, cv, minConfidence: Math.max(MIN_TOPIC_CONFIDENCE, round(quantile)) };
}

function addExample(ex: Examples, x: SparseVector | undefined, label: number, weight: number): void {
  if (!x || x.indices.length === 0) return;
  ex.samples.push(x);
  ex.labels.push(label);
  ex.weights.push(weight);
}

/** TF-IDF space and examples of the Chinese texts (and lexicon words) for one kind of terms. */
function chineseExamples(documents: readonly string[][], labels: readonly number[], lexicon: readonly { word: string; label: number }[], kind: ChineseFeatureKind, idfOf: (word: string) => number) {
  const docs = documents.map((words) => chineseTerms(words, kind));
  const lexiconDocs = lexicon.map((l) => chineseTerms([l.word], kind));
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (term: string) => (term.startsWith(BIGRAM_MARK) ? Math.log((docs.length + 1) / ((df.get(term) ?? 0) + 1)) + 1 : idfOf(term));
  const space = WordTfIdf.fit([...docs, ...lexiconDocs], (t) => round(idf(t)));
  const examples: Examples = { samples: [], labels: [], weights: [], texts: 0 };
  docs.forEach((d, i) => addExample(examples, space.features(d), labels[i] as number, 1));
  examples.texts = examples.samples.length;
  lexiconDocs.forEach((d, i) => addExample(examples, space.features(d), (lexicon[i] as { label: number }).label, TAXONOMY_WORD_WEIGHT));
  return { space, examples };
}

/** Trains both languages' weights; seal the result with sealTopicClassifierFile. */
export async function trainTopicClassifier(input: TopicTrainingInput): Promise<Omit<TopicClassifierFile, 'sha256'>> {
  const topics = input.topics ?? TOPICS;
  const ids = topics.map((t) => t.id);
  const label = (topic: string) => {
    const i = ids.indexOf(topic);
    if (i < 0) throw new Error(`unknown topic ${topic}`);
    return i;
  };

  // English: standardised embeddings of the texts, plus each topic's seed words.
  const english = input.train.filter((t) => t.lang === 'en');
  const seeds = topics.flatMap((t) => t.seeds.map((word) => ({ word, label: label(t.id) })));
  const vectors = await input.embed([...english.map((t) => t.text), ...seeds.map((s) => s.word)]);
  const textVectors = vectors.slice(0, english.length).filter((v): v is Float32Array => v !== undefined);
  if (textVectors.length === 0) throw new Error('no English training text has a known word');
  const fitted = EmbeddingStandardizer.fit(textVectors);
  const standardizer = new EmbeddingStandardizer(fitted.mean.map(round), fitted.scale.map(round));
  const en: Examples = { samples: [], labels: [], weights: [], texts: 0 };
  const featuresOf = (v: Float32Array | undefined) => (v ? standardizer.features(v) : undefined);
  english.forEach((t, i) => addExample(en, featuresOf(vectors[i]), label(t.topic), 1));
  en.texts = en.samples.length;
  seeds.forEach((s, i) => addExample(en, featuresOf(vectors[english.length + i]), s.label, TAXONOMY_WORD_WEIGHT));
  const enFit = fitWithCrossValidation(en, ids.length, standardizer.dimension, ENGLISH_L2_GRID);

  // Chinese: TF-IDF of terms from the jieba words (the kind chosen by CV), plus each topic's lexicon words.
  const chinese = input.train.filter((t) => t.lang === 'zh');
  const documents = chinese.map((t) => input.chineseWords(t.text));
  const labels = chinese.map((t) => label(t.topic));
  const lexicon = topics.flatMap((t) => t.lexicon.map((word) => ({ word, label: label(t.id) })));
  const kinds = CHINESE_FEATURE_KINDS.map((kind) => {
    const { space, examples } = chineseExamples(documents, labels, lexicon, kind, input.idfOf);
    return { kind, space, examples, cv: crossValidate(examples, ids.length, space.dimension, CHINESE_FEATURE_L2) };
  });
  const chosen = kinds.reduce((a, b) => (b.cv.accuracy > a.cv.accuracy ? b : a));
  const zhFit = fitWithCrossValidation(chosen.examples, ids.length, chosen.space.dimension, CHINESE_L2_GRID, [chosen.cv]);

  const summary = ({ l2, accuracy }: CrossValidation) => ({ l2, accuracy: round(accuracy) });
  return {
    format: TOPIC_CLASSIFIER_FORMAT,
    topics: ids,
    embeddingModel: { version: input.embeddingModel.version, sha256: input.embeddingModel.sha256 },
    english: {
      minConfidence: enFit.minConfidence,
      mean: [...standardizer.mean],
      scale: [...standardizer.scale],
      rows: sparseRows(enFit.model, 0, round),
    },
    chinese: {
      minConfidence: zhFit.minConfidence,
      features: chosen.kind,
      segmenter: input.segmenter,
      vocabulary: [...chosen.space.vocabulary],
      idf: [...chosen.space.idf],
      rows: sparseRows(zhFit.model, PRUNE_BELOW, round),
    },
    training: {
      method: 'multinomial logistic regression (softmax, L2), full-batch Adam from zero',
      iterations: TRAINING_ITERATIONS,
      taxonomyWordWeight: TAXONOMY_WORD_WEIGHT,
      english: { texts: en.texts, seedWords: en.samples.length - en.texts, l2: enFit.l2, crossValidation: enFit.cv.map(summary) },
      chinese: {
        texts: chosen.examples.texts,
        lexiconWords: chosen.examples.samples.length - chosen.examples.texts,
        features: kinds.map((k) => ({ kind: k.kind, vocabulary: k.space.dimension, ...summary(k.cv) })),
        l2: zhFit.l2,
        crossValidation: zhFit.cv.map(summary),
      },
    },
  };
}

/** Adds `extra` to the training record and the sha256 over everything. */
export function sealTopicClassifierFile(body: Omit<TopicClassifierFile, 'sha256'>, extra: Record<string, unknown> = {}): TopicClassifierFile {
  const file = { ...body, training: { ...body.training, ...extra }, sha256: '' };
  file.sha256 = topicClassifierSha256(file);
  return file;
}
