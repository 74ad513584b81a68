import 'reflect-metadata';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestingModule } from '@nestjs/testing';
import { ErrorCode } from '@autoglm/shared-errors';
import { createAnalysisTestingModule } from '../analysis-test.fixture';
import { AnalysisService } from '../analysis.service';
import { ensureModelBuilt } from '../model/model-build';
import { defaultModelName } from '../model/model-loader';
import { HubClient } from './hub-client';
import { startFakeHub, tinyRepoFiles, tinyWeights, TINY_HIDDEN, TINY_VOCAB } from './hub-test.fixture';
import { pullHubModel } from './model-pull';

const id = (token: string) => TINY_VOCAB.indexOf(token as (typeof TINY_VOCAB)[number]);

/** The tiny model by hand: tanh((word[id] + type[0]) · W + b) per token, pooled, L2-normalised. */
function handEmbedding(tokens: string[], pooling: 'mean' | 'cls'): number[] {
  const hidden = tokens.map((t) => {
    const x = Array.from({ length: TINY_HIDDEN }, (_, h) => tinyWeights.word(id(t), h) + tinyWeights.type(0, h));
    return Array.from({ length: TINY_HIDDEN }, (_, k) => Math.tanh(x.reduce((s, xh, h) => s + xh * tinyWeights.dense(h, k), 0) + tinyWeights.bias(k)));
  });
  const pooled =
    pooling === 'cls' ? (hidden[0] as number[]) : Array.from({ length: TINY_HIDDEN }, (_, k) => hidden.reduce((s, v) => s + (v[k] as number), 0) / hidden.length);
  const norm = Math.sqrt(pooled.reduce((s, v) => s + v * v, 0));
  return pooled.map((v) => v / norm);
}

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 5));
}

describe('hub models through the analysis service', () => {
  let modelDir: string;
  let module: TestingModule;
  let sut: AnalysisService;

  beforeAll(async () => {
    const repoModels = ensureModelBuilt();
    modelDir = mkdtempSync(join(tmpdir(), 'autoglm-hub-models-'));
    // The shipped default (wink-sg100d) stays installed next to the pulled models.
    mkdirSync(join(modelDir, 'build'));
    symlinkSync(join(repoModels, 'wink-sg100d'), join(modelDir, 'wink-sg100d'));
    symlinkSync(join(repoModels, 'build', 'wink-sg100d'), join(modelDir, 'build', 'wink-sg100d'));
    for (const [repo, pooling] of [
      ['test-org/tiny-bert', 'mean'],
      ['test-org/tiny-bert-cls', 'cls'],
      ['test-org/e5-tiny', 'mean'],
    ] as const) {
      const hub = await startFakeHub({ repo, files: tinyRepoFiles(pooling) });
      try {
        await pullHubModel({ repo, modelDir, client: new HubClient({ endpoint: hub.endpoint, allowLoopbackRedirects: true }) });
      } finally {
        await hub.close();
      }
    }
    module = await createAnalysisTestingModule({ modelDir });
    sut = module.get(AnalysisService);
  });

  afterAll(async () => {
    await module?.close();
    rmSync(modelDir, { recursive: true, force: true });
  });

  it('keeps wink-sg100d as the default and embeds with a pulled model named by repo id or folder name', async () => {
    expect(defaultModelName(modelDir)).toBe('wink-sg100d');
    expect((await sut.embed(['the cat'], '')).modelVersion).toBe('wink-sg100d@1.0.0');

    const byRepo = await sut.embed(['The cats sat on the mat.'], 'test-org/tiny-bert');
    const byName = await sut.embed(['The cats sat on the mat.'], 'test-org--tiny-bert@c0ffee012345');

    expect(byRepo.modelVersion).toBe('test-org--tiny-bert@c0ffee012345');
    const [e] = byRepo.embeddings;
    // [CLS] the cat ##s sat on the mat . [SEP]: mean over every real position.
    expectClose(e?.vector ?? [], handEmbedding(['[CLS]', 'the', 'cat', '##s', 'sat', 'on', 'the', 'mat', '.', '[SEP]'], 'mean'));
    expect(e).toMatchObject({ knownTokens: 8, truncated: false });
    expect(Array.from(byName.embeddings[0]?.vector ?? [])).toEqual(Array.from(e?.vector ?? []));
  });

  it('pools only real tokens when a batch pads shorter texts', async () => {
    const { embeddings } = await sut.embed(['the cat', 'The cats sat on the mat, the dog running.'], 'test-org/tiny-bert');

    expectClose(embeddings[0]?.vector ?? [], handEmbedding(['[CLS]', 'the', 'cat', '[SEP]'], 'mean'));
    expectClose(
      embeddings[1]?.vector ?? [],
      handEmbedding(['[CLS]', 'the', 'cat', '##s', 'sat', 'on', 'the', 'mat', ',', 'the', 'dog', 'run', '##ning', '.', '[SEP]'], 'mean'),
    );
  });

  it('pools the [CLS] position when 1_Pooling says so', async () => {
    const [e] = (await sut.embed(['the dog sat'], 'test-org/tiny-bert-cls')).embeddings;
    expectClose(e?.vector ?? [], handEmbedding(['[CLS]'], 'cls'));
  });

  it('puts the e5 prefixes before queries and passages, without counting them as known tokens', async () => {
    const passage = (await sut.embed(['the cat'], 'test-org/e5-tiny')).embeddings[0];
    const query = (await sut.embed(['the cat'], 'test-org/e5-tiny', { role: 'query' })).embeddings[0];

    expectClose(passage?.vector ?? [], handEmbedding(['[CLS]', 'passage', ':', 'the', 'cat', '[SEP]'], 'mean'));
    expectClose(query?.vector ?? [], handEmbedding(['[CLS]', 'query', ':', 'the', 'cat', '[SEP]'], 'mean'));
    expect(passage?.knownTokens).toBe(2);
    expect(query?.knownTokens).toBe(2);
  });

  it('splits Chinese characters, drops texts of unknown words, and truncates at the model maximum', async () => {
    const { embeddings } = await sut.embed(['猫狗', 'zebra quagga', 'Café zebra', Array.from({ length: 30 }, () => 'cat').join(' ')], 'test-org/tiny-bert');

    expectClose(embeddings[0]?.vector ?? [], handEmbedding(['[CLS]', '猫', '狗', '[SEP]'], 'mean'));
    expect(embeddings[1]).toMatchObject({ knownTokens: 0, vector: new Float32Array(0) });
    // Accents are stripped (café → cafe); the unknown word is [UNK] and does not count.
    expectClose(embeddings[2]?.vector ?? [], handEmbedding(['[CLS]', 'cafe', '[UNK]', '[SEP]'], 'mean'));
    expect(embeddings[2]?.knownTokens).toBe(1);
    expect(embeddings[3]).toMatchObject({ knownTokens: 14, truncated: true });
    expectClose(embeddings[3]?.vector ?? [], handEmbedding(['[CLS]', ...Array.from({ length: 14 }, () => 'cat'), '[SEP]'], 'mean'));
  });

  it('describes a pulled model and lists every installed one', async () => {
    const sutDescription = await sut.describeModel('test-org/e5-tiny');

    expect(sutDescription).toMatchObject({
      name: 'test-org--e5-tiny',
      dimension: TINY_HIDDEN,
      pooling: 'mean',
      tokenizer: 'wordpiece',
      maxTokens: 16,
      isDefault: false,
      prefixes: { query: 'query: ', passage: 'passage: ' },
      license: 'apache-2.0',
      executionProvider: 'cpu',
    });
    expect(sutDescription.installedModels).toEqual(['test-org--e5-tiny', 'test-org--tiny-bert', 'test-org--tiny-bert-cls', 'wink-sg100d']);
    expect((await sut.describeModel('')).isDefault).toBe(true);
  });

  it('answers NOT_FOUND for a model that is not installed or a version that is not the installed one', async () => {
    await expect(sut.embed(['the cat'], 'test-org/absent')).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(sut.embed(['the cat'], 'test-org--tiny-bert@0000')).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      message: 'model test-org--tiny-bert@0000 is not installed (test-org--tiny-bert@c0ffee012345 is)',
    });
  });

  it('runs the whole service with a pulled model as the default (models/default)', async () => {
    writeFileSync(join(modelDir, 'default'), 'test-org--tiny-bert\n');
    let other: TestingModule | undefined;
    try {
      other = await createAnalysisTestingModule({ modelDir });
      const service = other.get(AnalysisService);

      expect((await service.embed(['the cat'], '')).modelVersion).toBe('test-org--tiny-bert@c0ffee012345');
      expect(await service.describeModel('')).toMatchObject({ name: 'test-org--tiny-bert', isDefault: true, pooling: 'mean' });
      const analysed = await service.analyze('The cat', 'The cats sat on the mat. The dog sat on the mat.');
      expect(analysed.modelVersion).toBe('test-org--tiny-bert@c0ffee012345');
      expect(analysed.embedding.vector).toHaveLength(TINY_HIDDEN);
      expect(analysed.keywords).toEqual(expect.arrayContaining(['cats', 'mat']));
      // The shipped default is still installed and can be named.
      expect((await service.embed(['the cat'], 'wink-sg100d')).modelVersion).toBe('wink-sg100d@1.0.0');
    } finally {
      await other?.close();
      rmSync(join(modelDir, 'default'));
    }
  });

  it('reads the default model from <models>/default, else from a manifest marked default', () => {
    writeFileSync(join(modelDir, 'default'), 'test-org--tiny-bert\n');
    try {
      expect(defaultModelName(modelDir)).toBe('test-org--tiny-bert');
      writeFileSync(join(modelDir, 'default'), '\n');
      expect(() => defaultModelName(modelDir)).toThrow(/default is empty/);
    } finally {
      rmSync(join(modelDir, 'default'));
    }
  });
});
