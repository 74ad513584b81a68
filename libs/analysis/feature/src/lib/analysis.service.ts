import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { CHINESE_SEGMENTER, LANGUAGE_DETECTOR, TOPIC_CLASSIFIER } from './analysis.tokens';
import type { DynamicBatcherMetrics, DynamicBatcherSettings } from './batching/dynamic-batcher';
import { EmbeddingCatalog } from './embedding-catalog.service';
import { EmbeddingService, type InferenceOptions, type TextEmbedding } from './embedding.service';
import { installedModels, type InstalledModelSummary } from './hub/installed-models';
import { chineseKeywords, wordKeywords } from './keywords/keyword-extractor';
import { isChinese, type LanguageDetector } from './language/language-detector';
import { articleSimhash64 } from './simhash/simhash';
import { embeddingEncoder, extractiveSummary, tfIdfEncoder, type SentenceEncoder } from './summary/extractive-summary';
import type { ProviderAttempt, ProviderStatus } from './providers/execution-provider.registry';
import type { ChineseSegmenter } from './text/chinese-segmenter';
import { GENERAL_TOPIC } from './topics/topic-taxonomy';
import type { TopicAssigner } from './topics/topic-assigner';

/** Most texts one Embed call may carry. */
export const MAX_EMBED_TEXTS = 256;

/** The text of an article that gets its embedding: title and text, as the pipeline and re-embedding both take it. */
export function articleEmbeddingText(title: string, text: string): string {
  return [title.trim(), text.trim()].filter(Boolean).join('\n\n');
}

export interface ArticleAnalysis {
  language: string;
  keywords: string[];
  topic: string;
  summary: string;
  embedding: TextEmbedding;
  simhash: string;
  modelVersion: string;
}

export interface ModelDescription {
  name: string;
  version: string;
  dimension: number;
  sha256: string;
  license: string;
  source: string;
  executionProvider: string;
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** The start-up fallback trail that led to executionProvider. */
  providerAttempts: ProviderAttempt[];
  sessionPoolSize: number;
  batcher: DynamicBatcherSettings;
  metrics: DynamicBatcherMetrics;
  /** Every registered execution provider: available, bundled, chosen, and why. */
  providers: ProviderStatus[];
  pooling: string;
  tokenizer: string;
  maxTokens: number;
  isDefault: boolean;
  prefixes: { query: string; passage: string };
  /** Every model installed in the models directory. */
  installedModels: string[];
}

/** Runs the local models over texts: embeddings, language, keywords, topic, summary, SimHash. */
@Injectable()
export class AnalysisService implements OnApplicationShutdown {
  constructor(
    private readonly embeddings: EmbeddingService,
    private readonly catalog: EmbeddingCatalog,
    @Inject(LANGUAGE_DETECTOR) private readonly languages: LanguageDetector,
    @Inject(CHINESE_SEGMENTER) private readonly chinese: ChineseSegmenter,
    @Inject(TOPIC_CLASSIFIER) private readonly topics: TopicAssigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get modelVersion(): string {
    return this.embeddings.model.version;
  }

  /** Embeds texts with the named model ('' = the default one; a manifest name, name@version or hub repo id). */
  async embed(
    texts: readonly string[],
    modelName: string,
    options: InferenceOptions = {},
  ): Promise<{ embeddings: TextEmbedding[]; modelVersion: string }> {
    const service = await this.catalog.resolve(modelName);
    const model = service.model;
    if (texts.length === 0) throw DomainError.invalidArgument('texts must contain at least one text');
    if (texts.length > MAX_EMBED_TEXTS) {
      throw DomainError.invalidArgument(`at most ${MAX_EMBED_TEXTS} texts per call, got ${texts.length}`);
    }
    const empty = texts.findIndex((t) => t.trim() === '');
    if (empty >= 0) throw DomainError.invalidArgument(`texts[${empty}] is empty`);
    return { embeddings: await service.embed(texts, options), modelVersion: model.version };
  }

  /** Embeds one text (an item of EmbedStream): empty text is INVALID_ARGUMENT, an unknown model NOT_FOUND. */
  async embedText(text: string, modelName: string, options: InferenceOptions = {}): Promise<{ embedding: TextEmbedding; modelVersion: string }> {
    const service = await this.catalog.resolve(modelName);
    if (text.trim() === '') throw DomainError.invalidArgument('text is empty');
    return { embedding: await service.embedOne(text, options), modelVersion: service.model.version };
  }

  /** Analyses one article; `options` carry the priority lane (bulk for the pipeline), deadline and cancellation. */
  async analyze(title: string, text: string, options: InferenceOptions = {}): Promise<ArticleAnalysis> {
    if (title.trim() === '' && text.trim() === '') throw DomainError.invalidArgument('title and text are both empty');
    const full = articleEmbeddingText(title, text);
    const { language } = await this.languages.detect(full);
    const chinese = isChinese(language);
    // Words, keywords, SimHash and topics use the word model (wink-sg100d when installed), so they stay
    // the same whichever embedding model is the default.
    const wordService = await this.catalog.wordModel();
    const words = chinese ? this.chinese.words(full) : wordService.model.tokenizer.words(full);
    const english = language === 'en';
    const [embedding, summary, topicEmbedding] = await Promise.all([
      this.embeddings.embedOne(full, options),
      text.trim() ? this.summarize(text.trim(), chinese, title.trim(), options) : this.summarize(title.trim(), chinese, '', options),
      english && wordService !== this.embeddings ? wordService.embedOne(full, options) : Promise.resolve(undefined),
    ]);
    return {
      language,
      keywords: chinese ? chineseKeywords(full, this.chinese) : wordKeywords(words, wordService.model.tokenizer),
      topic: chinese
        ? this.topics.fromChineseWords(words)
        : english
          ? this.topics.fromEmbedding((topicEmbedding ?? embedding).vector)
          : GENERAL_TOPIC,
      summary,
      embedding,
      simhash: articleSimhash64(words),
      modelVersion: this.modelVersion,
    };
  }

  /**
   * Extractive summary: the 2–3 sentences closest to the centroid of the text's sentences (and
   * its title, if given), in their original order.
   */
  async summarize(text: string, chinese: boolean, title = '', options: InferenceOptions = {}): Promise<string> {
    return extractiveSummary(text, chinese, title, await this.sentenceEncoder(chinese, options));
  }

  /** Sentence vectors as summaries take them: Chinese TF-IDF over words, else the configured sentence model. */
  async sentenceEncoder(chinese: boolean, options: InferenceOptions = {}): Promise<SentenceEncoder> {
    if (chinese) return tfIdfEncoder(this.chinese);
    // A summary embeds every sentence: with the default model that was ~75% of an article's analysis.
    const sentences = this.config.analysis.summarySentenceVectors === 'word' ? await this.catalog.wordModel() : this.embeddings;
    return embeddingEncoder((pieces) => sentences.embed(pieces, options));
  }

  /** Describes the named model ('' = the default one), loading it if it is installed but not loaded yet. */
  async describeModel(modelName = ''): Promise<ModelDescription> {
    const service = await this.catalog.resolve(modelName);
    const model = service.model;
    const { license, source } = model.manifest;
    return {
      name: model.name,
      version: model.manifest.version,
      dimension: model.dimension,
      sha256: model.sha256,
      license: license.spdx,
      source: `${source.package}@${source.version} (${source.repository})`,
      executionProvider: model.executionProvider,
      maxBatchSize: this.config.analysis.maxBatchSize,
      maxQueueDelayMs: this.config.analysis.maxQueueDelayMs,
      providerAttempts: model.providerChoice.attempts,
      sessionPoolSize: model.sessionPoolSize,
      batcher: service.batcher.settings,
      metrics: service.batcher.metrics(),
      providers: model.providerChoice.providers,
      pooling: model.manifest.pooling,
      tokenizer: model.manifest.tokenizer.kind,
      maxTokens: model.manifest.maxTokens,
      isDefault: service === this.embeddings,
      prefixes: model.manifest.prefixes ?? { query: '', passage: '' },
      installedModels: this.catalog.installed(),
    };
  }

  /** Every model in the models directory with its manifest in brief (the admin API's list). */
  installedModels(): InstalledModelSummary[] {
    return installedModels(this.config.analysis.modelDir, this.config.analysis.embeddingModels);
  }

  /** After the analyze jobs drained (onModuleDestroy), so no running analysis loses its model. */
  async onApplicationShutdown(): Promise<void> {
    await this.languages.close();
  }
}
