import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { EventType } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import {
  rejection,
  startStorageHarness,
  TEST_BACKENDS,
  testAnalysis,
  testFeedItem,
  type StorageHarness,
} from '../testing/storage-harness';

describe.each(TEST_BACKENDS)('deleting articles (tombstones) on %s', (backend) => {
  let harness: StorageHarness;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
  });

  afterAll(() => harness?.close());

  it('removes the article with its analyses, embeddings and events, and answers NOT_FOUND afterwards', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const { articleIds } = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('gone'), testFeedItem('kept')] });
    const [gone, kept] = articleIds;
    for (const id of articleIds) await sut.saveAnalysis(testAnalysis(id, { embedding: [1, 0.5, 0.25] }));
    const userId = `user-${randomUUID()}`;
    for (const articleId of articleIds) {
      await sut.recordEvent({ articleId, type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0, occurredAt: undefined }, { actor: userId });
    }
    // Cached before the delete: the delete must invalidate it.
    expect((await sut.getArticle({ id: gone })).article?.analyzed).toBe(true);

    expect(await sut.deleteArticle({ articleId: gone })).toEqual({});

    expect(await rejection(sut.getArticle({ id: gone }))).toMatchObject({ code: ErrorCode.NotFound });
    expect((await sut.getEmbeddings({ articleIds })).embeddings.map((e) => e.articleId)).toEqual([kept]);
    expect((await sut.listUserEvents({ limit: 10 }, { actor: userId })).events.map((e) => e.articleId)).toEqual([kept]);
    expect((await sut.getSource({ id: source.id })).source?.articleCount).toBe('1');
    expect(await rejection(sut.deleteArticle({ articleId: gone }))).toMatchObject({
      code: ErrorCode.NotFound,
      message: `article ${gone} not found`,
    });
  });

  it('does not bring a deleted article back when its feed still lists it, changed or not', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const first = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('t1'), testFeedItem('t2')] });
    await sut.deleteArticle({ articleId: first.articleIds[0] });

    const same = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('t1'), testFeedItem('t2')] });
    const changed = await sut.upsertArticles({
      sourceId: source.id,
      items: [testFeedItem('t1', { title: 'Edited', contentHash: 'hash-t1-2' }), testFeedItem('t3')],
    });

    expect(same).toEqual({ inserted: 0, updated: 0, unchanged: 1, skipped: 1, articleIds: ['', first.articleIds[1]], insertedIds: [] });
    expect(changed).toMatchObject({ inserted: 1, updated: 0, unchanged: 0, skipped: 1 });
    expect(changed.articleIds[0]).toBe('');
    const { articles } = await sut.listArticles({ limit: 10, cursor: '', sourceId: source.id, topic: '', language: '', withoutContent: false });
    expect(articles.map((a) => a.title).sort()).toEqual(['Title t2', 'Title t3']);
  });

  it('keeps the tombstone per source: the same item key of another source is not affected', async () => {
    const { sut } = harness;
    const [a, b] = [await harness.createSource(), await harness.createSource()];
    const { articleIds } = await sut.upsertArticles({ sourceId: a.id, items: [testFeedItem('shared')] });
    await sut.deleteArticle({ articleId: articleIds[0] });

    const other = await sut.upsertArticles({ sourceId: b.id, items: [testFeedItem('shared')] });

    expect(other).toMatchObject({ inserted: 1, skipped: 0 });
  });

  it('leaves the article deleted when the delete races with upserts of the same item', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const { articleIds } = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('race')] });
    const upsert = () => sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('race', { contentHash: randomUUID() })] });

    await Promise.all([
      ...Array.from({ length: 10 }, upsert),
      sut.deleteArticle({ articleId: articleIds[0] }),
      ...Array.from({ length: 10 }, upsert),
    ]);
    const after = await upsert();

    expect(after).toMatchObject({ inserted: 0, updated: 0, skipped: 1 });
    const { articles } = await sut.listArticles({ limit: 10, cursor: '', sourceId: source.id, topic: '', language: '', withoutContent: false });
    expect(articles).toEqual([]);
  });

  it.each([['an unknown id', randomUUID()], ['a malformed id', 'not-a-uuid'], ['an empty id', '']])(
    'answers NOT_FOUND for %s',
    async (_label, articleId) => {
      expect(await rejection(harness.sut.deleteArticle({ articleId }))).toMatchObject({
        code: ErrorCode.NotFound,
        message: `article ${articleId} not found`,
      });
    },
  );
});
