import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { buildHubManifest } from '../hub/hub-manifest';
import { pulledModelPaths } from '../hub/model-pull';
import { BpeTokenizer } from './bpe-tokenizer';
import { createTokenizer, readModelManifest } from './model-loader';
import type { ModelFile } from './model-manifest';

const REPO = 'test-org/tiny-roberta';
const TOKENS = ['<s>', '<pad>', '</s>', '<unk>', 'Ġ', 't', 'h', 'e', 'c', 'a', 'Ġt', 'Ġth', 'Ġthe', 'Ġc', 'Ġca', 'Ġcat', '<mask>'];
const tokenizerJson = (model: Record<string, unknown> = {}) => ({
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [{ id: 16, content: '<mask>', special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
  model: {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: '',
    end_of_word_suffix: '',
    fuse_unk: false,
    vocab: Object.fromEntries(TOKENS.map((t, i) => [t, i])),
    merges: ['Ġ t', 'Ġt h', 'Ġth e', 'Ġ c', 'Ġc a', 'Ġca t'],
    ...model,
  },
});

/** Lays out a pulled RoBERTa-style model as `models pull` does (files under build/<owner--name>, manifest beside) and returns its name. */
function installPulledModel(modelDir: string, tokenizer: unknown): string {
  const { name, manifestPath, filesDir } = pulledModelPaths(modelDir, REPO);
  const config = { model_type: 'roberta', hidden_size: 4, max_position_embeddings: 514, vocab_size: TOKENS.length };
  const contents: [string, ModelFile['role'], Buffer][] = [
    ['config.json', 'config', Buffer.from(JSON.stringify(config))],
    ['tokenizer.json', 'tokenizer', Buffer.from(JSON.stringify(tokenizer))],
    ['onnx/model.onnx', 'model', Buffer.from('not read by createTokenizer')],
  ];
  const files: ModelFile[] = contents.map(([hubPath, role, bytes]) => {
    const path = join(filesDir, hubPath);
    mkdirSync(dirname(join(modelDir, path)), { recursive: true });
    writeFileSync(join(modelDir, path), bytes);
    return { path, role, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  const manifest = buildHubManifest({
    repo: REPO,
    revision: 'main',
    commit: 'c0ffee0123456789',
    endpoint: 'http://127.0.0.1:9/',
    name,
    quantized: false,
    files,
    modelPath: 'onnx/model.onnx',
    config,
    tokenizer,
  });
  mkdirSync(dirname(manifestPath), { recursive: true });
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return name;
}

describe('createTokenizer with a pulled BPE model', () => {
  let modelDir: string;

  beforeEach(() => {
    modelDir = mkdtempSync(join(tmpdir(), 'autoglm-bpe-model-'));
  });

  afterEach(() => rmSync(modelDir, { recursive: true, force: true }));

  it('loads the BPE tokenizer.json a hub manifest names and tokenizes with it', () => {
    const name = installPulledModel(modelDir, tokenizerJson());
    const manifest = readModelManifest(modelDir, name);
    expect(manifest.tokenizer).toMatchObject({ kind: 'bpe', vocabSize: TOKENS.length });
    expect(manifest.maxTokens).toBe(512);

    const sut = createTokenizer(modelDir, manifest);

    expect(sut).toBeInstanceOf(BpeTokenizer);
    expect(sut.vocabulary.size).toBe(TOKENS.length);
    // "the cat" without a prefix space: t h e stay apart (no merge), " cat" → Ġcat.
    expect(sut.tokenize('the cat')).toEqual({ ids: [0, 5, 6, 7, 15, 2], weights: [1, 1, 1, 1, 1, 1], knownTokens: 4, truncated: false });
    expect(sut.tokenize(' the cat').ids).toEqual([0, 12, 15, 2]);
  });

  it('fails with a message naming the file when the BPE tokenizer.json cannot run', () => {
    const name = installPulledModel(modelDir, tokenizerJson({ dropout: 0.1 }));
    const manifest = readModelManifest(modelDir, name);

    const thrown = (() => {
      try {
        createTokenizer(modelDir, manifest);
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message:
        `tokenizer build/${name}/tokenizer.json of ${name} cannot be used: BPE dropout 0.1 is not supported: ` +
        'it samples random segmentations (a training aid); inference needs "dropout": null',
    });
  });
});
