import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { BpeTokenizer } from './bpe-tokenizer';
import { EmbeddingModel } from './embedding-model';
import { BUILTIN_EXECUTION_PROVIDERS } from '../providers/builtin-execution-providers';
import { EXECUTION_PROVIDER_PREFERENCE, ExecutionProviderRegistry } from '../providers/execution-provider.registry';
import { OnnxSession } from './onnx-session';
import { openSessionPool } from './session-pool';
import { parseModelManifest, type ModelFile, type ModelManifest } from './model-manifest';
import { Vocabulary } from './vocabulary';
import type { TextTokenizer } from './text-tokenizer';
import { UnigramTokenizer } from './unigram-tokenizer';
import { WordTokenizer } from './word-tokenizer';
import { WordpieceTokenizer } from './wordpiece-tokenizer';

/** The shipped default embedding model (Universal Sentence Encoder lite; its manifest says "default": true). */
export const DEFAULT_MODEL_NAME = 'use-lite-en';
/**
 * The word-vector model: word-level analyses (keywords, SimHash words, topic prototypes) use it
 * whatever the default is, and it is the default where the shipped default is not installed.
 */
export const WORD_MODEL_NAME = 'wink-sg100d';
/** A file in the models directory holding the name of the default model (one line). */
export const DEFAULT_MODEL_FILE = 'default';

const REBUILD_HINT = 'run `npm run models:build` to build it';

/** Names of the models installed in modelDir (folders holding a manifest.json). */
export function installedModelNames(modelDir: string): string[] {
  const dir = resolve(modelDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && existsSync(join(dir, e.name, 'manifest.json')))
    .map((e) => e.name)
    .sort();
}

/**
 * The model Embed uses when a request names none: the name in <modelDir>/default, else the first
 * installed model of `preference` (analysis.embeddingModels: hub repo ids or local names), else
 * the first installed manifest (by name) with "default": true, else the shipped default
 * use-lite-en, or wink-sg100d when only that one is installed.
 */
export function defaultModelName(modelDir: string, preference: readonly string[] = []): string {
  const marker = join(resolve(modelDir), DEFAULT_MODEL_FILE);
  if (existsSync(marker)) {
    const name = readFileSync(marker, 'utf8').trim();
    if (!name) throw DomainError.failedPrecondition(`${marker} is empty; write the name of an installed model in it`);
    return name;
  }
  const installed = installedModelNames(modelDir);
  const preferred = preference.map(localName).find((name) => installed.includes(name));
  if (preferred) return preferred;
  for (const name of installed) {
    try {
      const json = JSON.parse(readFileSync(join(resolve(modelDir), name, 'manifest.json'), 'utf8')) as { default?: unknown };
      if (json.default === true) return name;
    } catch {
      // A broken manifest is reported when that model is loaded, not here.
    }
  }
  return !installed.includes(DEFAULT_MODEL_NAME) && installed.includes(WORD_MODEL_NAME) ? WORD_MODEL_NAME : DEFAULT_MODEL_NAME;
}

export function readModelManifest(modelDir: string, name: string): ModelManifest {
  const file = join(resolve(modelDir), name, 'manifest.json');
  if (!existsSync(file)) {
    throw DomainError.failedPrecondition(`model ${name} is not installed: ${file} does not exist (analysis.modelDir / MODEL_DIR)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw DomainError.failedPrecondition(`model manifest ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseModelManifest(json, file);
}

/** Models tools/scripts builds (wink-sg100d, use-lite-en), as opposed to models pulled from a hub. */
function isBuiltHere(manifest: ModelManifest): boolean {
  return manifest.tokenizer.kind === 'unicode-words' || manifest.tokenizer.kind === 'sentencepiece-unigram';
}

/** How to get a model's files back: rebuild the built-in one, pull a hub one again. */
function repairHint(manifest: ModelManifest): string {
  return isBuiltHere(manifest) ? REBUILD_HINT : `run \`npm run models -- pull ${manifest.source.package}\` to download it again`;
}

/** Reads a model file and checks its sha256 against the manifest; fails naming the file. */
export function readVerifiedFile(modelDir: string, manifest: ModelManifest, role: ModelFile['role']): Buffer {
  const entry = manifest.files.find((f) => f.role === role);
  if (!entry) throw DomainError.failedPrecondition(`model ${manifest.name} has no file with role "${role}"`);
  const path = join(resolve(modelDir), entry.path);
  const hint = repairHint(manifest);
  if (!existsSync(path)) {
    throw DomainError.failedPrecondition(`model file ${path} of ${manifest.name} is missing; ${hint}`);
  }
  const bytes = readFileSync(path);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== entry.sha256) {
    throw DomainError.failedPrecondition(
      `model file ${path} of ${manifest.name} has sha256 ${actual} but its manifest expects ${entry.sha256} ` +
        `(corrupt or stale); ${hint}`,
    );
  }
  return bytes;
}

/** The folder name of a model: a hub repo id owner/name is pulled into owner--name. */
function localName(model: string): string {
  return model.replace('/', '--');
}

/** The preferred models that are not installed and come before the one in use (worth a log line). */
export function missingPreferredModels(modelDir: string, preference: readonly string[], used: string): string[] {
  const installed = installedModelNames(modelDir);
  const missing: string[] = [];
  for (const model of preference) {
    if (localName(model) === used) break;
    if (!installed.includes(localName(model))) missing.push(model);
  }
  return missing;
}

export interface LoadModelOptions {
  name?: string;
  /** Embedding models in preference order (analysis.embeddingModels) when no name is given. */
  preference?: readonly string[];
  /** Execution providers in preference order (default EXECUTION_PROVIDER_PREFERENCE); cpu is always last. */
  executionProviders?: readonly string[];
  /** Registered providers (default: the built-in ones). */
  registry?: ExecutionProviderRegistry;
  /** Sessions in the model's pool (default min(2, cores)). */
  sessionPoolSize?: number;
  logger?: Logger;
}

/** Loads a model: manifest, checksums of every file, vocabulary, a pool of ONNX Runtime sessions. */
export async function loadEmbeddingModel(modelDir: string, options: LoadModelOptions = {}): Promise<EmbeddingModel> {
  const logger = options.logger ?? new Logger('ModelLoader');
  const name = options.name ?? defaultModelName(modelDir, options.preference);
  if (!options.name) {
    for (const missing of missingPreferredModels(modelDir, options.preference ?? [], name)) {
      const pull = missing.includes('/') ? ` (install it with \`npm run models -- pull ${missing}\` or POST /api/v1/admin/models/pull)` : '';
      logger.warn(`preferred embedding model ${missing} is not installed${pull}; using ${name}`);
    }
  }
  const manifest = readModelManifest(modelDir, name);
  const modelBytes = readVerifiedFile(modelDir, manifest, 'model');
  const tokenizer = createTokenizer(modelDir, manifest);
  const sessions = await openSessionPool(modelBytes, {
    registry: options.registry ?? new ExecutionProviderRegistry(BUILTIN_EXECUTION_PROVIDERS),
    preference: options.executionProviders ?? EXECUTION_PROVIDER_PREFERENCE,
    size: options.sessionPoolSize,
    spawn: () => new OnnxSession(),
    logger,
  });
  const sha256 = (manifest.files.find((f) => f.role === 'model') as ModelFile).sha256;
  const model = new EmbeddingModel(manifest, tokenizer, sessions, sha256);
  logger.log(`loaded ${model.version} (${tokenizer.vocabulary.size} tokens × ${manifest.dimension}, ${manifest.pooling} pooling) on ${model.executionProvider}, ${model.sessionPoolSize} session(s)`);
  return model;
}

/** The model's tokenizer, from its verified vocabulary (word vectors, SentencePiece pieces) or tokenizer.json (WordPiece, Unigram, BPE). */
export function createTokenizer(modelDir: string, manifest: ModelManifest): TextTokenizer {
  if (manifest.tokenizer.kind === 'sentencepiece-unigram') {
    const { tokenizer, maxTokens } = manifest;
    try {
      return UnigramTokenizer.fromPieceList(JSON.parse(readVerifiedFile(modelDir, manifest, 'vocab').toString('utf8')), {
        reservedIds: tokenizer.reservedIds as number,
        maxTokens,
        normalizeForm: tokenizer.normalizeForm,
        lowercase: tokenizer.lowercase,
      });
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const path = manifest.files.find((f) => f.role === 'vocab')?.path;
      throw DomainError.failedPrecondition(`vocabulary ${path} of ${manifest.name} cannot be used: ${(error as Error).message}`);
    }
  }
  if (manifest.tokenizer.kind === 'unicode-words') {
    const vocabulary = Vocabulary.fromJson(JSON.parse(readVerifiedFile(modelDir, manifest, 'vocab').toString('utf8')));
    const { tokenizer, weighting, maxTokens } = manifest;
    return new WordTokenizer(
      {
        tokenizer: { normalizeForm: tokenizer.normalizeForm ?? 'NFKC', lowercase: tokenizer.lowercase ?? true, pattern: tokenizer.pattern as string },
        weighting: weighting as NonNullable<ModelManifest['weighting']>,
        maxTokens,
      },
      vocabulary,
    );
  }
  const file = readVerifiedFile(modelDir, manifest, 'tokenizer');
  try {
    const json: unknown = JSON.parse(file.toString('utf8'));
    switch (manifest.tokenizer.kind) {
      case 'unigram':
        return UnigramTokenizer.fromTokenizerJson(json, manifest.maxTokens);
      case 'bpe':
        return BpeTokenizer.fromTokenizerJson(json, manifest.maxTokens);
      default:
        return WordpieceTokenizer.fromTokenizerJson(json, manifest.maxTokens);
    }
  } catch (error) {
    const path = manifest.files.find((f) => f.role === 'tokenizer')?.path;
    throw DomainError.failedPrecondition(`tokenizer ${path} of ${manifest.name} cannot be used: ${(error as Error).message}`);
  }
}
