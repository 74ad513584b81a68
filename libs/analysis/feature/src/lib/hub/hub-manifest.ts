import type { EmbeddingPrefixes, ModelFile, ModelManifest, TokenizerKind } from '../model/model-manifest';

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** What `models pull` learnt about a repository, from which its manifest is written. */
export interface HubModelFacts {
  repo: string;
  revision: string;
  /** X-Repo-Commit of the downloads, when the hub sent one. */
  commit: string;
  endpoint: string;
  name: string;
  quantized: boolean;
  files: ModelFile[];
  /** Hub path of the ONNX graph. */
  modelPath: string;
  config: unknown;
  tokenizer: unknown;
  /** 1_Pooling/config.json, if the repository has one. */
  pooling?: unknown;
  /** The model card's YAML front matter `license:`, if any. */
  license?: string;
}

/** Query/passage prefixes of the families that need them; none for the others. */
export function familyPrefixes(repo: string): EmbeddingPrefixes | undefined {
  const id = repo.toLowerCase();
  const name = id.split('/').pop() ?? id;
  if (/(^|[-_])e5([-_]|$)/.test(name)) return { query: 'query: ', passage: 'passage: ' };
  if (/^bge-/.test(name) && !/^bge-m3/.test(name)) {
    const chinese = /(^|[-_])zh([-_]|$)/.test(name);
    return {
      query: chinese ? '为这个句子生成表示以用于检索相关文章：' : 'Represent this sentence for searching relevant passages: ',
      passage: '',
    };
  }
  return undefined;
}

/** mean or cls from sentence-transformers' 1_Pooling/config.json; without one, bge pools CLS and the others mean. */
export function poolingOf(pooling: unknown, repo: string): string {
  if (isObject(pooling)) {
    if (pooling['pooling_mode_cls_token'] === true) return 'cls';
    if (pooling['pooling_mode_mean_tokens'] === true) return 'mean';
    const mode = Object.entries(pooling).find(([k, v]) => k.startsWith('pooling_mode_') && v === true)?.[0];
    return mode ? mode.replace('pooling_mode_', '').replace(/_tokens?$/, '') : 'mean';
  }
  return /(^|\/)bge-/i.test(repo) ? 'cls' : 'mean';
}

export function tokenizerKindOf(tokenizer: unknown): TokenizerKind | string {
  const type = isObject(tokenizer) && isObject(tokenizer['model']) ? tokenizer['model']['type'] : undefined;
  switch (type) {
    case 'WordPiece':
      return 'wordpiece';
    case 'BPE':
      return 'bpe';
    case 'Unigram':
      return 'unigram';
    default:
      return String(type ?? 'unknown').toLowerCase();
  }
}

function vocabSizeOf(tokenizer: unknown): number {
  const vocab = isObject(tokenizer) && isObject(tokenizer['model']) ? tokenizer['model']['vocab'] : undefined;
  if (Array.isArray(vocab)) return vocab.length;
  return isObject(vocab) ? Object.keys(vocab).length : 0;
}

function integer(x: unknown): number | undefined {
  return Number.isInteger(x) && (x as number) > 0 ? (x as number) : undefined;
}

/** Most tokens per input: the tokenizer's truncation, else the position embeddings (RoBERTa-style models reserve 2). */
export function maxTokensOf(config: unknown, tokenizer: unknown): number {
  const truncation = isObject(tokenizer) && isObject(tokenizer['truncation']) ? integer(tokenizer['truncation']['max_length']) : undefined;
  const c = isObject(config) ? config : {};
  const positions = integer(c['max_position_embeddings']);
  const offset = ['roberta', 'xlm-roberta', 'camembert'].includes(String(c['model_type'])) ? 2 : 0;
  const fromPositions = positions !== undefined ? positions - offset : undefined;
  const candidates = [truncation, fromPositions].filter((x): x is number => x !== undefined);
  return candidates.length ? Math.min(...candidates) : 512;
}

export function dimensionOf(config: unknown, pooling: unknown): number {
  const p = isObject(pooling) ? integer(pooling['word_embedding_dimension']) : undefined;
  const c = isObject(config) ? config : {};
  return p ?? integer(c['hidden_size']) ?? integer(c['dim']) ?? integer(c['d_model']) ?? 0;
}

/** The manifest of a pulled model (same schema as models/wink-sg100d/manifest.json). */
export function buildHubManifest(facts: HubModelFacts): ModelManifest {
  const kind = tokenizerKindOf(facts.tokenizer);
  const pooling = poolingOf(facts.pooling, facts.repo);
  const dimension = dimensionOf(facts.config, facts.pooling);
  const maxTokens = maxTokensOf(facts.config, facts.tokenizer);
  const normalizer = isObject(facts.tokenizer) && isObject(facts.tokenizer['normalizer']) ? facts.tokenizer['normalizer'] : undefined;
  const prefixes = familyPrefixes(facts.repo);
  const version = facts.commit ? facts.commit.slice(0, 12) : facts.revision;
  const axes = ['batch', 'sequence'];
  return {
    name: facts.name,
    version,
    task: 'embedding',
    description:
      `${facts.repo} (${facts.quantized ? 'int8-quantized ' : ''}ONNX export), ${kind} tokenizer, ${pooling} pooling, L2-normalised; ` +
      `pulled from ${facts.endpoint} by \`npm run models -- pull\`.`,
    dimension,
    maxTokens,
    pooling,
    // Every vector the service stores is compared by cosine; unit length makes dot products cosines.
    normalization: 'l2',
    tokenizer: { kind: kind as TokenizerKind, lowercase: normalizer ? normalizer['lowercase'] !== false : false, vocabSize: vocabSizeOf(facts.tokenizer) },
    ...(prefixes ? { prefixes } : {}),
    files: facts.files,
    inputs: [
      { name: 'input_ids', type: 'int64', shape: axes },
      { name: 'attention_mask', type: 'int64', shape: axes },
      { name: 'token_type_ids', type: 'int64', shape: axes },
    ],
    outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', dimension] }],
    license: {
      spdx: facts.license ?? 'unknown',
      copyright: `see the model card of ${facts.repo}`,
      acknowledgement: `${facts.endpoint.replace(/\/+$/, '')}/${facts.repo}`,
    },
    source: {
      package: facts.repo,
      version: facts.commit || facts.revision,
      file: facts.modelPath,
      repository: `${facts.endpoint.replace(/\/+$/, '')}/${facts.repo}`,
      selection: facts.quantized ? 'onnx/model_quantized.onnx (int8)' : 'onnx/model.onnx (fp32)',
    },
  };
}

/** `license:` of a model card's YAML front matter. */
export function licenseOfModelCard(readme: string): string | undefined {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readme);
  const line = front?.[1]?.split(/\r?\n/).find((l) => /^license:\s*\S/.test(l));
  return line?.replace(/^license:\s*/, '').replace(/^["']|["']$/g, '').trim();
}
