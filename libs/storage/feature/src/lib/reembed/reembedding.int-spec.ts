import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@autoglm/shared-errors';
import { rejection, startStorageHarness, TEST_BACKENDS, testAnalysis, testFeedItem, type StorageHarness } from '../testing/storage-harness';

const OLD = 'old-model@1';
const NEW = 'new-model@2';

describe.each(TEST_BACKENDS)('re-embedding RPCs on %s', (backend) => {
  let harness: StorageHarness;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
  });

  afterAll(() => harness?.close());

  it('pages (keyset on id) through articles analysed with another version only, and saving marks them done', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const prefix = randomUUID();
    const { articleIds } = await sut.upsertArticles({
      sourceId: source.id,
      items: Array.from({ length: 6 }, (_, i) => testFeedItem(`${prefix}-${i}`, { title: `Title ${i}`, text: `Text ${i}` })),
    });
    const [a, b, c, d, e, notAnalysed] = articleIds as [string, string, string, string, string, string];
    for (const id of [a, b, c, d]) await sut.saveAnalysis(testAnalysis(id, { modelVersion: OLD, embedding: [1, 0, 0], topic: 'science' }));
    // Already analysed with the new version by the pipeline (even without a vector): not listed.
    await sut.saveAnalysis(testAnalysis(e, { modelVersion: OLD, embedding: [0, 1, 0] }));
    await sut.saveAnalysis(testAnalysis(e, { modelVersion: NEW, embedding: [] }));
    const pending = [a, b, c, d].sort();

    const first = await sut.listArticlesWithoutEmbedding({ modelVersion: NEW, afterId: '', limit: 3 });
    expect(first.articles.map((x) => x.id)).toEqual(pending.slice(0, 3));
    expect(first.remaining).toBe('4');
    const byId = new Map(first.articles.map((x) => [x.id, x]));
    expect(byId.get(pending[0] as string)).toEqual({ id: pending[0], title: expect.stringMatching(/^Title \d$/), text: expect.stringMatching(/^Text \d$/) });
    const second = await sut.listArticlesWithoutEmbedding({ modelVersion: NEW, afterId: pending[2] as string, limit: 3 });
    expect(second.articles.map((x) => x.id)).toEqual(pending.slice(3));
    expect(second.remaining).toBe('1');
    expect(articleIds).toContain(notAnalysed);

    // a gets a vector, b's text gave none (marked done without one), an unknown id is skipped.
    const saved = await sut.saveEmbeddings({
      modelVersion: NEW,
      embeddings: [
        { articleId: a, vector: [0, 0, 1, 0] },
        { articleId: b, vector: [] },
        { articleId: randomUUID(), vector: [1, 1, 1, 1] },
      ],
    });
    expect(saved.saved).toBe(1);
    const after = await sut.listArticlesWithoutEmbedding({ modelVersion: NEW, afterId: '', limit: 10 });
    expect(after.articles.map((x) => x.id)).toEqual([c, d].sort());
    expect(after.remaining).toBe('2');

    // The new vector is the article's newest (its analysis row was copied to the new version); the old one stays.
    const { embeddings } = await sut.getEmbeddings({ articleIds: [a, b] });
    expect(embeddings).toEqual([expect.objectContaining({ articleId: a, modelVersion: NEW, vector: [0, 0, 1, 0] }), expect.objectContaining({ articleId: b, modelVersion: OLD })]);
    expect((await sut.getArticle({ id: a })).article).toMatchObject({ topic: 'science' });
    const nearOld = await sut.nearestArticles({ vector: [1, 0, 0], limit: 10, excludeIds: [], modelVersion: OLD });
    expect(nearOld.articles.map((x) => x.article?.id)).toEqual(expect.arrayContaining([a, b, c, d]));
    const nearNew = await sut.nearestArticles({ vector: [0, 0, 1, 0], limit: 10, excludeIds: [], modelVersion: NEW });
    expect(nearNew.articles.map((x) => x.article?.id)).toEqual([a]);

    // Saving the same pair again overwrites it: one row per (article, version).
    await sut.saveEmbeddings({ modelVersion: NEW, embeddings: [{ articleId: a, vector: [0, 0, 0, 1] }] });
    const again = await sut.nearestArticles({ vector: [0, 0, 0, 1], limit: 10, excludeIds: [], modelVersion: NEW });
    expect(again.articles.map((x) => [x.article?.id, Math.round((x.score ?? 0) * 1000) / 1000])).toEqual([[a, 1]]);
  });

  it.each([
    ['no model version', { modelVersion: ' ', afterId: '', limit: 0 }, /model_version is required/],
    ['a malformed after_id', { modelVersion: NEW, afterId: 'not-a-uuid', limit: 0 }, /after_id "not-a-uuid" is not an article id/],
    ['a limit above 500', { modelVersion: NEW, afterId: '', limit: 501 }, /limit must be between 1 and 500/],
    ['a negative limit', { modelVersion: NEW, afterId: '', limit: -1 }, /limit must be between 1 and 500/],
  ])('refuses a listing with %s', async (_case, request, message) => {
    const error = await rejection(harness.sut.listArticlesWithoutEmbedding(request));
    expect(error).toMatchObject({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(message) });
  });

  it.each([
    ['no model version', { modelVersion: '', embeddings: [] }, /model_version is required/],
    ['a malformed article id', { modelVersion: NEW, embeddings: [{ articleId: 'x', vector: [1] }] }, /embeddings\[0\]\.article_id "x" is not an article id/],
    ['a non-finite value', { modelVersion: NEW, embeddings: [{ articleId: randomUUID(), vector: [1, Number.NaN] }] }, /non-finite/],
    ['more than 500 vectors', { modelVersion: NEW, embeddings: Array.from({ length: 501 }, () => ({ articleId: randomUUID(), vector: [1] })) }, /at most 500/],
  ])('refuses a save with %s', async (_case, request, message) => {
    const error = await rejection(harness.sut.saveEmbeddings(request));
    expect(error).toMatchObject({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(message) });
  });
});
