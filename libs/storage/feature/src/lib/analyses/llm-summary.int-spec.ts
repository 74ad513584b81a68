import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@autoglm/shared-errors';
import { rejection, startStorageHarness, testAnalysis, testFeedItem, TEST_BACKENDS, type StorageHarness } from '../testing/storage-harness';

describe.each(TEST_BACKENDS)('LLM summaries of articles on %s', (backend) => {
  let harness: StorageHarness;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
  });

  afterAll(() => harness?.close());

  const newArticle = async () => {
    const source = await harness.createSource();
    const { articleIds } = await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem(randomUUID())] });
    await harness.sut.saveAnalysis(testAnalysis(articleIds[0]!));
    return articleIds[0]!;
  };
  const summary = (articleId: string, text: string) => ({ articleId, summary: text, language: 'fr', model: 'tiny-1', tokens: 42, inputHash: `h-${text}` });

  it('keeps one LLM summary per article beside its extractive one, the newest replacing the last', async () => {
    const id = await newArticle();
    const before = (await harness.sut.getArticle({ id })).article;
    expect(before).toMatchObject({ llmSummary: '', llmSummaryLanguage: '', llmSummaryModel: '', llmSummaryInputHash: '' });

    await harness.sut.saveLlmSummary(summary(id, 'Premier résumé.'));
    await harness.sut.saveLlmSummary(summary(id, 'Second résumé.'));

    const { article } = await harness.sut.getArticle({ id });
    expect(article).toMatchObject({ llmSummary: 'Second résumé.', llmSummaryLanguage: 'fr', llmSummaryModel: 'tiny-1', llmSummaryInputHash: 'h-Second résumé.' });
    expect(article?.summary).toBe(before?.summary);
    const { articles } = await harness.sut.listArticles({ limit: 100, cursor: '', sourceId: article!.sourceId, topic: '', language: '', withoutContent: true });
    expect(articles.find((a) => a.id === id)?.llmSummary).toBe('Second résumé.');
  });

  it('goes with its article, and refuses an unknown article or an empty summary', async () => {
    const id = await newArticle();
    await harness.sut.saveLlmSummary(summary(id, 'Résumé.'));
    await harness.sut.deleteArticle({ articleId: id });

    expect((await rejection(harness.sut.saveLlmSummary(summary(id, 'Again.')))).code).toBe(ErrorCode.NotFound);
    expect((await rejection(harness.sut.saveLlmSummary(summary(randomUUID(), 'x')))).code).toBe(ErrorCode.NotFound);
    expect((await rejection(harness.sut.saveLlmSummary(summary(await newArticle(), '  ')))).code).toBe(ErrorCode.InvalidArgument);
  });
});
