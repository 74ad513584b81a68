import { defaultConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, type StorageClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory, QUEUE_NAMES, type QueueFactory } from '@autoglm/shared-queue';
import { waitFor } from '@autoglm/shared-testing';
import type { storage } from '@autoglm/contracts';
import type { AnalysisService, ArticleAnalysis } from '../analysis.service';
import type { LlmArticleSummaries } from '../llm/llm-article-summaries';
import { AnalyzeJobConsumer } from './analyze-job.consumer';

function inputFixture(overrides: Partial<storage.AnalysisInput> = {}): storage.AnalysisInput {
  return { articleId: 'a1', title: 'Rates rise', text: 'The central bank raised rates.', llmSummaryInputHash: '', ...overrides };
}

const analysisFixture: ArticleAnalysis = {
  language: 'en',
  keywords: ['rates'],
  topic: 'economy',
  summary: 'The central bank raised rates.',
  embedding: { vector: Float32Array.from([0.6, 0.8]), knownTokens: 5, truncated: false },
  simhash: '0123456789abcdef',
  modelVersion: 'wink-sg100d@1.0.0',
};

/** A storage double whose GetAnalysisInputs answers the given articles (by id). */
function setup(articles: storage.AnalysisInput[] = [inputFixture()], llmSummaries?: { summarize: jest.Mock }) {
  const storageClient = {
    getAnalysisInputs: jest.fn(async ({ articleIds }: storage.GetAnalysisInputsRequest) => ({
      inputs: articles.filter((a) => articleIds.includes(a.articleId)),
    })),
    saveAnalyses: jest.fn(async (_: storage.SaveAnalysesRequest) => ({ missingArticleIds: [] as string[] })),
  };
  const analysis = { analyze: jest.fn().mockResolvedValue(analysisFixture) };
  const queues = { get: jest.fn(), close: jest.fn().mockResolvedValue(undefined) };
  const sut = new AnalyzeJobConsumer(
    analysis as unknown as AnalysisService,
    storageClient as unknown as StorageClient,
    queues as unknown as QueueFactory,
    defaultConfig(),
    llmSummaries as unknown as LlmArticleSummaries | undefined,
  );
  return { sut, storageClient, analysis, queues };
}

describe(AnalyzeJobConsumer.name, () => {
  it('loads the article, analyses it and saves the result with the model version', async () => {
    const { sut, storageClient, analysis } = setup();

    await sut.handle({ articleId: 'a1' });

    expect(storageClient.getAnalysisInputs).toHaveBeenCalledWith({ articleIds: ['a1'] });
    expect(analysis.analyze).toHaveBeenCalledWith('Rates rise', 'The central bank raised rates.', { priority: 'bulk' });
    expect(storageClient.saveAnalyses).toHaveBeenCalledWith({
      analyses: [
        {
          articleId: 'a1',
          modelVersion: 'wink-sg100d@1.0.0',
          language: 'en',
          keywords: ['rates'],
          topic: 'economy',
          summary: 'The central bank raised rates.',
          embedding: [expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)],
          simhash: '0123456789abcdef',
        },
      ],
    });
  });

  it('reads and saves the jobs running together in one call each', async () => {
    const { sut, storageClient } = setup([inputFixture({ articleId: 'a1' }), inputFixture({ articleId: 'a2' }), inputFixture({ articleId: 'a3' })]);

    await Promise.all(['a1', 'a2', 'a3'].map((articleId) => sut.handle({ articleId })));

    expect(storageClient.getAnalysisInputs).toHaveBeenCalledTimes(1);
    expect(storageClient.getAnalysisInputs).toHaveBeenCalledWith({ articleIds: ['a1', 'a2', 'a3'] });
    expect(storageClient.saveAnalyses).toHaveBeenCalledTimes(1);
    expect(storageClient.saveAnalyses.mock.calls[0][0].analyses.map((a) => a.articleId)).toEqual(['a1', 'a2', 'a3']);
  });

  it('sends one save at a time: the jobs finishing while a save runs go together in the next one', async () => {
    const { sut, storageClient } = setup(['a1', 'a2', 'a3'].map((articleId) => inputFixture({ articleId })));
    let endFirstSave = () => undefined as void;
    storageClient.saveAnalyses.mockImplementationOnce(
      () => new Promise((resolve) => (endFirstSave = () => resolve({ missingArticleIds: [] }))),
    );

    const first = sut.handle({ articleId: 'a1' });
    await waitFor('the first save sent', async () => (storageClient.saveAnalyses.mock.calls.length === 1 ? true : undefined), { timeoutMs: 2000, intervalMs: 5 });
    const later = [sut.handle({ articleId: 'a2' }), sut.handle({ articleId: 'a3' })];
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(storageClient.saveAnalyses).toHaveBeenCalledTimes(1);
    endFirstSave();
    await Promise.all([first, ...later]);

    expect(storageClient.saveAnalyses.mock.calls.map((call) => call[0].analyses.map((a) => a.articleId))).toEqual([['a1'], ['a2', 'a3']]);
  });

  it('sends the next save after a failed one', async () => {
    const { sut, storageClient } = setup([inputFixture({ articleId: 'a1' }), inputFixture({ articleId: 'a2' })]);
    storageClient.saveAnalyses.mockRejectedValueOnce(DomainError.unavailable('storage down'));

    await expect(sut.handle({ articleId: 'a1' })).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    await sut.handle({ articleId: 'a2' });

    expect(storageClient.saveAnalyses).toHaveBeenCalledTimes(2);
  });

  it('saves an empty embedding when the model knew no word', async () => {
    const { sut, storageClient, analysis } = setup();
    analysis.analyze.mockResolvedValue({ ...analysisFixture, embedding: { vector: new Float32Array(0), knownTokens: 0, truncated: false } });

    await sut.handle({ articleId: 'a1' });

    expect(storageClient.saveAnalyses.mock.calls[0][0].analyses[0].embedding).toEqual([]);
  });

  it('completes silently when the article was deleted before it was read', async () => {
    const { sut, storageClient, analysis } = setup([]);

    await expect(sut.handle({ articleId: 'a1' })).resolves.toBeUndefined();

    expect(analysis.analyze).not.toHaveBeenCalled();
    expect(storageClient.saveAnalyses).not.toHaveBeenCalled();
  });

  it('completes silently when the article was deleted while it was analysed', async () => {
    const { sut, storageClient } = setup();
    storageClient.saveAnalyses.mockResolvedValue({ missingArticleIds: ['a1'] });

    await expect(sut.handle({ articleId: 'a1' })).resolves.toBeUndefined();
  });

  it('throws storage errors of the read so that the queue retries', async () => {
    const unavailable = new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'StorageService/GetAnalysisInputs');
    const { sut, storageClient } = setup();
    storageClient.getAnalysisInputs.mockRejectedValue(unavailable);

    await expect(sut.handle({ articleId: 'a1' })).rejects.toBe(unavailable);
  });

  it('throws when saving fails so that the queue retries every job of the batch', async () => {
    const { sut, storageClient } = setup([inputFixture({ articleId: 'a1' }), inputFixture({ articleId: 'a2' })]);
    storageClient.saveAnalyses.mockRejectedValue(DomainError.unavailable('storage down'));

    const outcomes = await Promise.allSettled([sut.handle({ articleId: 'a1' }), sut.handle({ articleId: 'a2' })]);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(outcomes[0]).toMatchObject({ reason: { code: ErrorCode.Unavailable } });
  });

  it('asks for the optional LLM summary once the analysis is saved, not for an article deleted meanwhile', async () => {
    const llm = { summarize: jest.fn().mockResolvedValue(undefined) };
    const { sut, storageClient } = setup([inputFixture({ llmSummaryInputHash: 'h1' }), inputFixture({ articleId: 'a2' })], llm);
    storageClient.saveAnalyses.mockResolvedValue({ missingArticleIds: ['a2'] });

    await Promise.all([sut.handle({ articleId: 'a1' }), sut.handle({ articleId: 'a2' })]);

    expect(llm.summarize).toHaveBeenCalledTimes(1);
    expect(llm.summarize).toHaveBeenCalledWith(inputFixture({ llmSummaryInputHash: 'h1' }));
  });

  it('skips an article with neither title nor text instead of failing forever', async () => {
    const { sut, analysis, storageClient } = setup([inputFixture({ title: ' ', text: '' })]);

    await sut.handle({ articleId: 'a1' });

    expect(analysis.analyze).not.toHaveBeenCalled();
    expect(storageClient.saveAnalyses).not.toHaveBeenCalled();
  });

  it('consumes the analyze queue with the configured concurrency once the application starts', async () => {
    const factory = new InProcessQueueFactory();
    const { storageClient, analysis } = setup();
    const sut = new AnalyzeJobConsumer(
      analysis as unknown as AnalysisService,
      storageClient as unknown as StorageClient,
      factory,
      defaultConfig(),
    );
    sut.onApplicationBootstrap();

    await factory.get(QUEUE_NAMES.analyze).add({ articleId: 'a1' }, { jobId: 'analyze:a1' });
    await waitFor('the analysis saved', async () => (storageClient.saveAnalyses.mock.calls.length === 1 ? true : undefined), { timeoutMs: 2000, intervalMs: 5 });

    expect(storageClient.saveAnalyses).toHaveBeenCalledTimes(1);
    await factory.get(QUEUE_NAMES.analyze).close();
  });
});
