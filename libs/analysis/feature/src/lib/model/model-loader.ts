import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { EmbeddingModel } from './embedding-model';
import { BUILTIN_EXECUTION_PROVIDERS } from '../providers/builtin-execution-providers';
import { EXECUTION_PROVIDER_PREFERENCE, ExecutionProviderRegistry } from '../providers/execution-provider.registry';
import { OnnxSession } from './onnx-session';
import { openSessionPool } from './session-pool';
import { parseModelManifest, type ModelFile, type ModelManifest } from './model-manifest';
import { Vocabulary } from './vocabulary';
import { WordTokenizer } from './word-tokenizer';

/** The model Embed uses when the request names none. */
export const DEFAULT_MODEL_NAME = 'wink-sg100d';

const REBUILD_HINT = 'run `npm run models:build` to build it';

/** Names of the models installed in modelDir (folders holding a manifest.json). */
export function installedModelNames(modelDir: string): string[] {
  const dir = resolve(modelDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'manifest.json')))
    .map((e) => e.name)
    .sort();
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

/** Reads a model file and checks its sha256 against the manifest; fails naming the file. */
export function readVerifiedFile(modelDir: string, manifest: ModelManifest, role: ModelFile['role']): Buffer {
  const entry = manifest.files.find((f) => f.role === role) as ModelFile;
  const path = join(resolve(modelDir), entry.path);
  if (!existsSync(path)) {
    throw DomainError.failedPrecondition(`model file ${path} of ${manifest.name} is missing; ${REBUILD_HINT}`);
  }
  const bytes = readFileSync(path);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== entry.sha256) {
    throw DomainError.failedPrecondition(
      `model file ${path} of ${manifest.name} has sha256 ${actual} but its manifest expects ${entry.sha256} ` +
        `(corrupt or stale); ${REBUILD_HINT}`,
    );
  }
  return bytes;
}

export interface LoadModelOptions {
  name?: string;
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
  const manifest = readModelManifest(modelDir, options.name ?? DEFAULT_MODEL_NAME);
  const modelBytes = readVerifiedFile(modelDir, manifest, 'model');
  const vocabBytes = readVerifiedFile(modelDir, manifest, 'vocab');
  const vocabulary = Vocabulary.fromJson(JSON.parse(vocabBytes.toString('utf8')));
  const tokenizer = new WordTokenizer(manifest, vocabulary);
  const sessions = await openSessionPool(modelBytes, {
    registry: options.registry ?? new ExecutionProviderRegistry(BUILTIN_EXECUTION_PROVIDERS),
    preference: options.executionProviders ?? EXECUTION_PROVIDER_PREFERENCE,
    size: options.sessionPoolSize,
    spawn: () => new OnnxSession(),
    logger,
  });
  const sha256 = (manifest.files.find((f) => f.role === 'model') as ModelFile).sha256;
  const model = new EmbeddingModel(manifest, tokenizer, sessions, sha256);
  logger.log(`loaded ${model.version} (${vocabulary.size} words × ${manifest.dimension}) on ${model.executionProvider}, ${model.sessionPoolSize} session(s)`);
  return model;
}
