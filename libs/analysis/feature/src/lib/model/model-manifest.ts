import { DomainError } from '@autoglm/shared-errors';

/** A model's manifest (models/<name>/manifest.json): what it is, its files and their checksums. */
export interface ModelManifest {
  name: string;
  version: string;
  task: string;
  description: string;
  dimension: number;
  maxTokens: number;
  pooling: string;
  normalization: string;
  tokenizer: {
    kind: string;
    normalizeForm: 'NFC' | 'NFD' | 'NFKC' | 'NFKD';
    lowercase: boolean;
    /** Regular expression (Unicode flag) of one token; the vocabulary holds only whole matches. */
    pattern: string;
    unknownWords: string;
    vocabSize: number;
  };
  weighting: { kind: string; a: number; zipfTopProbability: number };
  opset: number;
  files: ModelFile[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  license: { spdx: string; copyright: string; acknowledgement: string };
  source: { package: string; version: string; file: string; repository: string; selection: string };
}

export interface ModelFile {
  /** Relative to the model directory (config.analysis.modelDir). */
  path: string;
  role: 'model' | 'vocab';
  sha256: string;
}

export interface TensorSpec {
  name: string;
  type: string;
  shape: (string | number)[];
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
  if (!m.tokenizer || typeof m.tokenizer.pattern !== 'string') fail('"tokenizer.pattern" is missing');
  if (m.tokenizer?.kind !== 'unicode-words') fail(`tokenizer kind "${m.tokenizer?.kind}" is not supported`);
  if (m.weighting?.kind !== 'sif') fail(`weighting kind "${m.weighting?.kind}" is not supported`);
  if (!Array.isArray(m.files) || m.files.length === 0) fail('"files" is empty');
  for (const role of ['model', 'vocab'] as const) {
    const file = m.files?.find((f) => f.role === role);
    if (!file) fail(`no file with role "${role}"`);
    else if (!/^[0-9a-f]{64}$/.test(file.sha256)) fail(`file ${file.path} has no valid sha256`);
  }
  return m as ModelManifest;
}

/** The version string stored with every analysis result. */
export function modelVersionOf(manifest: Pick<ModelManifest, 'name' | 'version'>): string {
  return `${manifest.name}@${manifest.version}`;
}
