import { DomainError } from '@autoglm/shared-errors';

/**
 * Tokenizer kinds a manifest may name. unigram and bpe are hub tokenizer.json files with a Unigram or BPE
 * model, sentencepiece-unigram a bare piece list (use-lite-en).
 */
export type TokenizerKind = 'unicode-words' | 'wordpiece' | 'sentencepiece-unigram' | 'bpe' | 'unigram';
export const SUPPORTED_TOKENIZER_KINDS: readonly TokenizerKind[] = ['unicode-words', 'wordpiece', 'unigram', 'bpe', 'sentencepiece-unigram'];

/**
 * How the model's tokens become text: the word pattern of the built-in word-vector model, or a
 * Hugging Face tokenizer.json (the file with role "tokenizer").
 */
export interface TokenizerSpec {
  kind: TokenizerKind;
  normalizeForm?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD';
  lowercase?: boolean;
  /** unicode-words: regular expression (Unicode flag) of one token; the vocabulary holds only whole matches. */
  pattern?: string;
  unknownWords?: string;
  /** sentencepiece-unigram: ids below it are control symbols (unknown, <s>, </s>, …), never matched in text. */
  reservedIds?: number;
  vocabSize: number;
}

/** Text put before a text to embed, by its role (e5: "query: " / "passage: "; bge: a query instruction). */
export interface EmbeddingPrefixes {
  query: string;
  passage: string;
}

/** A model's manifest (models/<name>/manifest.json): what it is, its files and their checksums. */
export interface ModelManifest {
  name: string;
  version: string;
  task: string;
  description: string;
  dimension: number;
  maxTokens: number;
  /** weighted-mean or mean-in-graph (pooled inside the graph), mean or cls (pooled by the service over last_hidden_state). */
  pooling: string;
  normalization: string;
  tokenizer: TokenizerSpec;
  /** unicode-words only: SIF weights of the tokens. */
  weighting?: { kind: string; a: number; zipfTopProbability: number };
  prefixes?: EmbeddingPrefixes;
  /** Marks the model Embed uses when a request names none (models/default wins over it). */
  default?: boolean;
  opset?: number;
  /**
   * Batching this model runs best with. maxBatchTokens: most padded tokens per batch; the service
   * uses the smaller of it and analysis.maxBatchTokens (use-lite-en's GEMMs are saturated by a few
   * hundred tokens, so bigger batches only add padding).
   */
  batching?: { maxBatchTokens?: number; note?: string };
  /** How the graph's weights are quantized (use-lite-en-int8); absent for a float32 graph. Informational for the service. */
  quantization?: { scheme: string; weights: string; activations: string; ops: string };
  files: ModelFile[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  license: { spdx: string; copyright: string; acknowledgement: string };
  source: { package: string; version: string; file: string; repository: string; selection: string };
}

export interface ModelFile {
  /** Relative to the model directory (config.analysis.modelDir). */
  path: string;
  role: 'model' | 'vocab' | 'tokenizer' | 'config' | 'pooling' | 'modules';
  sha256: string;
}

export interface TensorSpec {
  name: string;
  type: string;
  shape: (string | number)[];
}

/** The files a manifest must list, by tokenizer kind. */
function requiredRoles(kind: TokenizerKind): ModelFile['role'][] {
  return kind === 'unicode-words' || kind === 'sentencepiece-unigram' ? ['model', 'vocab'] : ['model', 'tokenizer'];
}

/** Checks the fields the service relies on; a broken manifest fails start-up with a precise message. */
export function parseModelManifest(json: unknown, where: string): ModelManifest {
  const m = json as Partial<ModelManifest> | null;
  const fail = (what: string): never => {
    throw DomainError.failedPrecondition(`model manifest ${where}: ${what}`);
  };
  if (!m || typeof m !== 'object') return fail('not a JSON object');
  if (typeof m.name !== 'string' || !m.name) fail('"name" is missing');
  if (typeof m.version !== 'string' || !m.version) fail('"version" is missing');
  if (!Number.isInteger(m.dimension) || (m.dimension as number) < 1) fail('"dimension" must be a positive integer');
  if (!Number.isInteger(m.maxTokens) || (m.maxTokens as number) < 1) fail('"maxTokens" must be a positive integer');
  const kind = m.tokenizer?.kind as TokenizerKind;
  if (!SUPPORTED_TOKENIZER_KINDS.includes(kind)) {
    fail(
      `tokenizer kind "${m.tokenizer?.kind}" is not supported (supported: ${SUPPORTED_TOKENIZER_KINDS.join(', ')}); ` +
        'use a WordPiece, Unigram (SentencePiece) or BPE export',
    );
  }
  if (kind === 'sentencepiece-unigram') {
    if (m.pooling !== 'mean-in-graph') fail(`pooling "${m.pooling}" is not supported for a SentencePiece model (mean-in-graph)`);
    if (m.normalization !== 'l2' && m.normalization !== 'none') fail(`normalization "${m.normalization}" is not supported (l2 or none)`);
    if (!Number.isInteger(m.tokenizer?.reservedIds) || (m.tokenizer?.reservedIds as number) < 1) fail('"tokenizer.reservedIds" must be a positive integer');
  } else if (kind === 'unicode-words') {
    if (typeof m.tokenizer?.pattern !== 'string') fail('"tokenizer.pattern" is missing');
    if (m.weighting?.kind !== 'sif') fail(`weighting kind "${m.weighting?.kind}" is not supported`);
  } else {
    if (m.pooling !== 'mean' && m.pooling !== 'cls') fail(`pooling "${m.pooling}" is not supported (mean or cls)`);
    if (m.normalization !== 'l2' && m.normalization !== 'none') fail(`normalization "${m.normalization}" is not supported (l2 or none)`);
    if (!Array.isArray(m.outputs) || typeof m.outputs[0]?.name !== 'string') fail('"outputs" must name the hidden-state output');
    if (m.prefixes && (typeof m.prefixes.query !== 'string' || typeof m.prefixes.passage !== 'string')) {
      fail('"prefixes" needs string "query" and "passage"');
    }
  }
  const budget = m.batching?.maxBatchTokens;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1)) fail(`"batching.maxBatchTokens" must be a positive integer, got ${JSON.stringify(budget)}`);
  if (!Array.isArray(m.files) || m.files.length === 0) fail('"files" is empty');
  for (const role of requiredRoles(kind)) {
    if (!m.files?.some((f) => f.role === role)) fail(`no file with role "${role}"`);
  }
  for (const file of m.files ?? []) {
    if (typeof file.path !== 'string' || !file.path || file.path.split(/[\\/]/).includes('..')) fail(`file path "${file.path}" is not valid`);
    if (!/^[0-9a-f]{64}$/.test(file.sha256)) fail(`file ${file.path} has no valid sha256`);
  }
  return m as ModelManifest;
}

/** The token budget of a model's batches: the configured one, lowered to the manifest's when that is smaller. */
export function batchTokenBudget(manifest: Pick<ModelManifest, 'batching'>, configured: number): number {
  return Math.min(configured, manifest.batching?.maxBatchTokens ?? Number.POSITIVE_INFINITY);
}

/** The version string stored with every analysis result. */
export function modelVersionOf(manifest: Pick<ModelManifest, 'name' | 'version'>): string {
  return `${manifest.name}@${manifest.version}`;
}
