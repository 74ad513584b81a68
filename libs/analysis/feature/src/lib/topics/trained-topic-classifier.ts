import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { TopicAssigner } from './topic-assigner';
import type { TopicScore } from './topic-classifier';
import { topicDataFile } from './topic-dataset';
import { CHINESE_FEATURE_KINDS, chineseTerms, EmbeddingStandardizer, isChineseFeatureKind, WordTfIdf, type ChineseFeatureKind } from './topic-features';
import { fromSparseRows, type SoftmaxRegression, type SparseRow } from './softmax-regression';
import { GENERAL_TOPIC } from './topic-taxonomy';

/** The weights file tools/scripts/train-topic-classifier.js writes into the topics' data/ folder. */
export const TOPIC_CLASSIFIER_FILE = 'topic-classifier.json';
export const TOPIC_CLASSIFIER_FORMAT = 1;

/** The embedding model whose vectors the English weights were trained on. */
export interface EmbeddingModelIdentity {
  version: string;
  sha256: string;
}

export interface SoftmaxWeights {
  /** Below this top probability the topic is 'general'. */
  minConfidence: number;
  /** One row per topic (in `topics` order): the bias and the non-zero weights. */
  rows: SparseRow[];
}

/** Contents of topic-classifier.json. `sha256` covers the JSON of every other field, in this order. */
export interface TopicClassifierFile {
  format: number;
  topics: string[];
  embeddingModel: EmbeddingModelIdentity;
  english: SoftmaxWeights & { mean: number[]; scale: number[] };
  chinese: SoftmaxWeights & { features: ChineseFeatureKind; segmenter: string; vocabulary: string[]; idf: number[] };
  training: Record<string, unknown>;
  sha256: string;
}

/** sha256 of the file's fields other than sha256 itself. */
export function topicClassifierSha256(file: Omit<TopicClassifierFile, 'sha256'> & { sha256?: string }): string {
  const { sha256: _ignored, ...body } = file;
  return createHash('sha256').update(JSON.stringify(body), 'utf8').digest('hex');
}

/** Parses and verifies a weights file; a malformed or altered file fails with a message naming it. */
export function parseTopicClassifierFile(json: string, origin: string): TopicClassifierFile {
  let file: TopicClassifierFile;
  try {
    file = JSON.parse(json) as TopicClassifierFile;
  } catch {
    throw new Error(`${origin}: not JSON`);
  }
  const fail = (why: string): never => {
    throw new Error(`${origin}: ${why} (re-run node tools/scripts/train-topic-classifier.js)`);
  };
  if (typeof file !== 'object' || file === null) fail('not an object');
  if (file.format !== TOPIC_CLASSIFIER_FORMAT) fail(`format ${String(file.format)}, expected ${TOPIC_CLASSIFIER_FORMAT}`);
  if (!Array.isArray(file.topics) || file.topics.length < 2) fail('needs at least two topics');
  if (typeof file.sha256 !== 'string' || topicClassifierSha256(file) !== file.sha256) fail('sha256 does not match its contents');
  const checkPart = (part: 'english' | 'chinese', dimension: number) => {
    const weights = file[part] as SoftmaxWeights | undefined;
    const min = weights?.minConfidence;
    if (typeof min !== 'number' || !(min >= 0 && min < 1)) fail(`${part}.minConfidence must be in [0, 1)`);
    if (!Array.isArray(weights?.rows) || weights.rows.length !== file.topics.length) fail(`${part}.rows must have one row per topic`);
    for (const row of (weights as SoftmaxWeights).rows) {
      const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
      const valid =
        finite(row?.bias) &&
        Array.isArray(row.indices) &&
        Array.isArray(row.values) &&
        row.indices.length === row.values.length &&
        row.indices.every((i) => Number.isInteger(i) && i >= 0 && i < dimension) &&
        row.values.every(finite);
      if (!valid) fail(`${part}.rows must hold a bias and weights of features 0..${dimension - 1}`);
    }
  };
  const { english, chinese } = file;
  if (!Array.isArray(english?.mean) || !Array.isArray(english.scale) || english.mean.length !== english.scale.length) fail('english.mean and english.scale must have one value per dimension');
  checkPart('english', english.mean.length);
  if (!isChineseFeatureKind(chinese?.features)) fail(`chinese.features must be one of ${CHINESE_FEATURE_KINDS.join(', ')}`);
  if (!Array.isArray(chinese.vocabulary) || !Array.isArray(chinese.idf) || chinese.vocabulary.length !== chinese.idf.length) fail('chinese.vocabulary and chinese.idf must have the same length');
  checkPart('chinese', chinese.vocabulary.length);
  return file;
}

/**
 * The topic classifier trained by tools/scripts/train-topic-classifier.js: multinomial logistic
 * regression over the standardised sentence embedding (English) and over TF-IDF of terms from
 * the jieba words (Chinese: words and/or Han character bigrams, as trained). A topic is given when its probability reaches the language's minConfidence, else 'general'. The
 * English weights only fit the embedding model they were trained on: with another model the
 * fallback (the prototype classifier) answers for English.
 */
export class TrainedTopicClassifier implements TopicAssigner {
  private constructor(
    readonly file: TopicClassifierFile,
    private readonly english: { features: EmbeddingStandardizer; model: SoftmaxRegression } | undefined,
    private readonly chinese: { features: WordTfIdf; model: SoftmaxRegression },
    private readonly fallback: TopicAssigner | undefined,
  ) {}

  /** `embeddingModel` is the loaded model: the English weights are used only if it is the one they were trained on. */
  static fromFile(file: TopicClassifierFile, embeddingModel: EmbeddingModelIdentity, fallback?: TopicAssigner): TrainedTopicClassifier {
    const sameModel = file.embeddingModel.version === embeddingModel.version && file.embeddingModel.sha256 === embeddingModel.sha256;
    const features = new EmbeddingStandardizer(file.english.mean, file.english.scale);
    const tfIdf = new WordTfIdf(file.chinese.vocabulary, file.chinese.idf);
    return new TrainedTopicClassifier(
      file,
      sameModel ? { features, model: fromSparseRows(features.dimension, file.english.rows) } : undefined,
      { features: tfIdf, model: fromSparseRows(tfIdf.dimension, file.chinese.rows) },
      fallback,
    );
  }

  /** Which classifier answers for English text. */
  get englishSource(): 'trained' | 'fallback' | 'none' {
    return this.english ? 'trained' : this.fallback ? 'fallback' : 'none';
  }


  /** Topic probabilities of an English embedding, best first; undefined when the trained weights do not apply. */
  scoreEmbedding(embedding: Float32Array): TopicScore[] | undefined {
    const x = this.english?.features.features(embedding);
    return x && this.english ? this.ranked(this.english.model.probabilities(x)) : undefined;
  }

  /** Topic probabilities of Chinese words, best first; undefined when none of the words is in the vocabulary. */
  scoreChineseWords(words: readonly string[]): TopicScore[] | undefined {
    const x = this.chinese.features.features(chineseTerms(words, this.file.chinese.features));
    return x.indices.length ? this.ranked(this.chinese.model.probabilities(x)) : undefined;
  }

  fromEmbedding(embedding: Float32Array | undefined): string {
    if (!embedding || embedding.length === 0) return GENERAL_TOPIC;
    if (!this.english) return this.fallback?.fromEmbedding(embedding) ?? GENERAL_TOPIC;
    return this.decide(this.scoreEmbedding(embedding), this.file.english.minConfidence);
  }

  fromChineseWords(words: readonly string[]): string {
    return this.decide(this.scoreChineseWords(words), this.file.chinese.minConfidence);
  }

  private decide(scores: TopicScore[] | undefined, minConfidence: number): string {
    const best = scores?.[0];
    return best && best.score >= minConfidence ? best.topic : GENERAL_TOPIC;
  }

  private ranked(probabilities: number[]): TopicScore[] {
    return probabilities.map((score, c) => ({ topic: this.file.topics[c] as string, score })).sort((a, b) => b.score - a.score);
  }
}

/**
 * The trained classifier when its weights file exists (a damaged file fails loudly), else the
 * fallback (the prototype/lexicon classifier), with a log line saying which one answers.
 */
export function loadTopicClassifier(
  fallback: TopicAssigner,
  embeddingModel: EmbeddingModelIdentity,
  file: string | undefined = topicDataFile(TOPIC_CLASSIFIER_FILE),
  logger: Pick<Logger, 'log' | 'warn'> = new Logger('TopicClassifier'),
): TopicAssigner {
  if (!file || !existsSync(file)) {
    logger.warn(`${file ?? TOPIC_CLASSIFIER_FILE} not found: topics come from the embedding prototypes and the Chinese lexicon`);
    return fallback;
  }
  const trained = TrainedTopicClassifier.fromFile(parseTopicClassifierFile(readFileSync(file, 'utf8'), file), embeddingModel, fallback);
  if (trained.englishSource !== 'trained') {
    logger.warn(
      `${file} was trained on ${trained.file.embeddingModel.version} (${trained.file.embeddingModel.sha256.slice(0, 12)}), not ${embeddingModel.version}: English topics come from the prototypes`,
    );
  }
  logger.log(`trained topic classifier ${trained.file.sha256.slice(0, 12)} (English: ${trained.englishSource}, Chinese: trained)`);
  return trained;
}
