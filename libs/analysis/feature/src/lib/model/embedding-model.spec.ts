import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@autoglm/shared-errors';
import type { EmbeddingModel } from './embedding-model';
import { ensureModelBuilt } from './model-build';
import { installedModelNames, loadEmbeddingModel } from './model-loader';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('EmbeddingModel (the real wink-sg100d model)', () => {
  let modelDir: string;
  let sut: EmbeddingModel;

  beforeAll(async () => {
    modelDir = ensureModelBuilt();
    sut = await loadEmbeddingModel(modelDir, { name: 'wink-sg100d' });
  }, 120_000);

  afterAll(async () => {
    await sut?.release();
  });

  const embed = async (text: string) => {
    const [vector] = await sut.run([sut.tokenizer.tokenize(text)]);
    return vector as Float32Array;
  };

  it('describes itself from the manifest and runs on the CPU provider', () => {
    expect(sut.version).toBe('wink-sg100d@1.0.0');
    expect(sut.dimension).toBe(100);
    expect(sut.executionProvider).toBe('cpu');
    expect(sut.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(installedModelNames(modelDir)).toContain('wink-sg100d');
  });

  it('places related words close together: cat ~ kitten, not revenue', async () => {
    const cat = await embed('cat');
    const kitten = await embed('kitten');
    const revenue = await embed('revenue');
    expect(cosine(cat, kitten)).toBeGreaterThan(cosine(cat, revenue) + 0.3);
  });

  it('places related sentences closer than unrelated ones', async () => {
    const a = await embed('The kitten slept on the rug.');
    const b = await embed('A cat was resting on the carpet.');
    const c = await embed('Quarterly revenue beat analyst expectations.');
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.15);
  });

  it('returns unit-length vectors', async () => {
    const v = await embed('Markets rallied after the announcement');
    expect(v).toHaveLength(100);
    expect(Math.sqrt(cosine(v, v))).toBeCloseTo(1, 5);
  });

  it('gives the same vector for a text alone and inside a padded batch', async () => {
    const texts = ['short', 'The government announced a new budget for schools and hospitals on Tuesday.', 'cat'];
    const batch = await sut.run(texts.map((t) => sut.tokenizer.tokenize(t)));
    for (const [i, text] of texts.entries()) {
      const single = await embed(text);
      const batched = batch[i] as Float32Array;
      for (let d = 0; d < 100; d++) expect(batched[d]).toBeCloseTo(single[d] as number, 6);
    }
  });

  it('fails naming the file when a model file does not match its sha256', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'autoglm-model-'));
    try {
      cpSync(join(modelDir, 'wink-sg100d'), join(copy, 'wink-sg100d'), { recursive: true });
      cpSync(join(modelDir, 'build', 'wink-sg100d'), join(copy, 'build', 'wink-sg100d'), { recursive: true });
      const vocab = join(copy, 'build', 'wink-sg100d', 'vocab.json');
      writeFileSync(vocab, readFileSync(vocab, 'utf8').replace('"the"', '"teh"'));

      const error = await loadEmbeddingModel(copy).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.FailedPrecondition });
      expect((error as Error).message).toContain(vocab);
      expect((error as Error).message).toContain('npm run models:build');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('fails clearly when the model files were never built', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'autoglm-model-'));
    try {
      cpSync(join(modelDir, 'wink-sg100d'), join(copy, 'wink-sg100d'), { recursive: true });
      await expect(loadEmbeddingModel(copy)).rejects.toThrow(/model\.onnx of wink-sg100d is missing; run `npm run models:build`/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('fails clearly when the model is not installed at all', async () => {
    await expect(loadEmbeddingModel(tmpdir(), { name: 'no-such-model' })).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringContaining('model no-such-model is not installed'),
    });
  });
});
