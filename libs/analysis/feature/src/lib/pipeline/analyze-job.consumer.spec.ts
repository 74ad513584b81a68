import { defaultConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, type StorageClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory, QUEUE_NAMES, type QueueFactory } from '@autoglm/shared-queue';
import type { storage } from '@autoglm/contracts';
import type { AnalysisService, ArticleAnalysis } from '../analysis.service';
import { AnalyzeJobConsumer } from './analyze-job.consumer';

function articleFixture(overrides: Partial<storage.Article> = {}): storage.Article {
  return {
    id: 'a1',
    sourceId: 's1',
    url: 'https://example.org/a1',
    title: 'Rates rise',
    author: '',
    publishedAt: undefined,
    fetchedAt: undefined,
    contentHtml: '',
    text: 'The central bank raised rates.',
    language: '',
    keywords: [],
    topic: '',
    summary: '',
    simhash: '',
    modelVersion: '',
    analyzed: false,
    sourceTitle: '',
    storyId: '',
    fullTextState: 0,
    fullTextFailure: '',
    llmSummary: '',
    llmSummaryLanguage: '',
    llmSummaryModel: '',
    llmSummaryInputHash: '',
    ...overrides,
  };
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

function setup(getArticle: jest.Mock) {
  const storageClient = { getArticle, saveAnalysis: jest.fn().mockResolvedValue({ saved: true }) };
  const analysis = { analyze: jest.fn().mockResolvedValue(analysisFixture) };
  const queues = { get: jest.fn(), close: jest.fn().mockResolvedValue(undefined) };
  const sut = new AnalyzeJobConsumer(
    analysis as unknown as AnalysisService,
    storageClient as unknown as StorageClient,
    queues as unknown as QueueFactory,
    defaultConfig(),
  );
  return { sut, storageClient, analysis, queues };
}

describe(AnalyzeJobConsumer.name, () => {
  it('loads the article, analyses it and saves the result with the model version', async () => {
    const { sut, storageClient, analysis } = setup(jest.fn().mockResolvedValue({ article: articleFixture() }));

    await sut.handle({ articleId: 'a1' });

    expect(storageClient.getArticle).toHaveBeenCalledWith({ id: 'a1' });
    expect(analysis.analyze).toHaveBeenCalledWith('Rates rise', 'The central bank raised rates.', { priority: 'bulk' });
    expect(storageClient.saveAnalysis).toHaveBeenCalledWith({
      articleId: 'a1',
      modelVersion: 'wink-sg100d@1.0.0',
      language: 'en',
      keywords: ['rates'],
      topic: 'economy',
      summary: 'The central bank raised rates.',
      embedding: [expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)],
      simhash: '0123456789abcdef',
    });
  });

  it('saves an empty embedding when the model knew no word', async () => {
    const { sut, storageClient, analysis } = setup(jest.fn().mockResolvedValue({ article: articleFixture() }));
    analysis.analyze.mockResolvedValue({ ...analysisFixture, embedding: { vector: new Float32Array(0), knownTokens: 0, truncated: false } });

    await sut.handle({ articleId: 'a1' });

    expect(storageClient.saveAnalysis).toHaveBeenCalledWith(expect.objectContaining({ embedding: [] }));
  });

  it('completes silently when the article was deleted (NOT_FOUND)', async () => {
    const notFound = new RemoteCallError(ErrorCode.NotFound, 'article a1 not found', 5, 'StorageService/GetArticle');
    const { sut, storageClient, analysis } = setup(jest.fn().mockRejectedValue(notFound));

    await expect(sut.handle({ articleId: 'a1' })).resolves.toBeUndefined();

    expect(analysis.analyze).not.toHaveBeenCalled();
    expect(storageClient.saveAnalysis).not.toHaveBeenCalled();
  });

  it('throws other storage errors so that the queue retries', async () => {
    const unavailable = new RemoteCallError(ErrorCode.Unavailable, 'service unavailable', 14, 'StorageService/GetArticle');
    const { sut } = setup(jest.fn().mockRejectedValue(unavailable));

    await expect(sut.handle({ articleId: 'a1' })).rejects.toBe(unavailable);
  });

  it('throws when saving fails so that the queue retries', async () => {
    const { sut, storageClient } = setup(jest.fn().mockResolvedValue({ article: articleFixture() }));
    storageClient.saveAnalysis.mockRejectedValue(DomainError.unavailable('storage down'));

    await expect(sut.handle({ articleId: 'a1' })).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('skips an article with neither title nor text instead of failing forever', async () => {
    const { sut, analysis, storageClient } = setup(jest.fn().mockResolvedValue({ article: articleFixture({ title: ' ', text: '' }) }));

    await sut.handle({ articleId: 'a1' });

    expect(analysis.analyze).not.toHaveBeenCalled();
    expect(storageClient.saveAnalysis).not.toHaveBeenCalled();
  });

  it('consumes the analyze queue with the configured concurrency once the application starts', async () => {
    const factory = new InProcessQueueFactory();
    const { storageClient, analysis } = setup(jest.fn().mockResolvedValue({ article: articleFixture() }));
    const sut = new AnalyzeJobConsumer(
      analysis as unknown as AnalysisService,
      storageClient as unknown as StorageClient,
      factory,
      defaultConfig(),
    );
    sut.onApplicationBootstrap();

    await factory.get(QUEUE_NAMES.analyze).add({ articleId: 'a1' }, { jobId: 'analyze:a1' });
    await new Promise((r) => setTimeout(r, 20));

    expect(storageClient.saveAnalysis).toHaveBeenCalledTimes(1);
    await factory.get(QUEUE_NAMES.analyze).close();
  });
});
