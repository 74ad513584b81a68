import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { startStorageHarness, TEST_BACKENDS, testFeedItem, type StorageHarness } from '../testing/storage-harness';

/** An item re-published under a new GUID: a new key, the same URL as the original `key`. */
const republished = (key: string, newKey: string, overrides = {}) =>
  testFeedItem(newKey, { url: `https://example.org/${key}`, ...overrides });

describe.each(TEST_BACKENDS)('re-published items (new GUID, same URL) on %s', (backend) => {
  let harness: StorageHarness;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
  });

  afterAll(() => harness?.close());

  const listTitles = async (sourceId: string) =>
    (await harness.sut.listArticles({ limit: 50, cursor: '', sourceId, topic: '', language: '', withoutContent: false })).articles.map((a) => a.title).sort();

  it('updates the one article instead of adding a second, and finds it by the new key afterwards', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const first = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('r1')] });

    const again = await sut.upsertArticles({ sourceId: source.id, items: [republished('r1', 'r1-v2', { title: 'Corrected title' })] });
    const repeat = await sut.upsertArticles({ sourceId: source.id, items: [republished('r1', 'r1-v2', { title: 'Corrected title' })] });

    expect(again).toEqual({ inserted: 0, updated: 1, unchanged: 0, skipped: 0, articleIds: first.articleIds, insertedIds: [] });
    expect(repeat).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, articleIds: first.articleIds });
    expect(await listTitles(source.id)).toEqual(['Corrected title']);
    expect((await sut.getArticle({ id: first.articleIds[0] })).article).toMatchObject({ title: 'Corrected title' });
  });

  it('re-keys without rewriting when the re-published content is the same', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const first = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('same')] });

    const again = await sut.upsertArticles({ sourceId: source.id, items: [republished('same', 'same-v2', { contentHash: 'hash-same' })] });

    const byNewKey = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('same-v2', { contentHash: 'hash-same' })] });

    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, articleIds: first.articleIds });
    // Found by its new key even with another URL now: the key moved to the article.
    expect(byNewKey).toMatchObject({ inserted: 0, unchanged: 1, articleIds: first.articleIds });
    expect(await listTitles(source.id)).toEqual(['Title same']);
  });

  it('keeps a deleted article deleted when it is re-published with a new GUID', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const { articleIds } = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('gone'), testFeedItem('kept')] });
    await sut.deleteArticle({ articleId: articleIds[0] });

    const again = await sut.upsertArticles({ sourceId: source.id, items: [republished('gone', 'gone-v2'), testFeedItem('kept')] });

    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, skipped: 1, articleIds: ['', articleIds[1]] });
    expect(await listTitles(source.id)).toEqual(['Title kept']);
  });

  it('keeps items with different URLs apart, and an item of another source apart', async () => {
    const { sut } = harness;
    const [source, other] = [await harness.createSource(), await harness.createSource()];
    await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('d1')] });

    const next = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('d2')] });
    const elsewhere = await sut.upsertArticles({ sourceId: other.id, items: [republished('d1', 'd1-v2')] });

    expect(next).toMatchObject({ inserted: 1 });
    expect(elsewhere).toMatchObject({ inserted: 1 });
    expect(await listTitles(source.id)).toEqual(['Title d1', 'Title d2']);
  });

  it('does not merge items that share a URL in the feed itself (e.g. all linking to the home page)', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const home = { url: 'https://example.org/' };
    await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('h1', home), testFeedItem('h2', home)] });

    // The old items are still listed, or several articles hold the URL: no re-publish either way.
    const listed = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('h1', home), testFeedItem('h3', home)] });
    const later = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('h4', home)] });

    expect(listed).toMatchObject({ inserted: 1, unchanged: 1 });
    expect(later).toMatchObject({ inserted: 1 });
    expect(await listTitles(source.id)).toEqual(['Title h1', 'Title h2', 'Title h3', 'Title h4']);
  });

  it('does not tombstone a URL that other articles of the source share', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const home = { url: 'https://example.org/home' };
    const { articleIds } = await sut.upsertArticles({
      sourceId: source.id,
      items: [testFeedItem('s1', home), testFeedItem('s2', home), testFeedItem('s5', home)],
    });
    await sut.deleteArticle({ articleId: articleIds[0] });

    // s3 is neither the deleted s1 (its URL identified nothing) nor s2 or s5 (two articles hold the URL).
    const next = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('s3', home)] });

    expect(next).toMatchObject({ inserted: 1, skipped: 0 });
    expect(await listTitles(source.id)).toEqual(['Title s2', 'Title s3', 'Title s5']);
  });

  it('keeps exactly one article when 50 identical re-publishes race', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const first = await sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('race')] });
    const hash = randomUUID();

    const results = await Promise.all(
      Array.from({ length: 50 }, () => sut.upsertArticles({ sourceId: source.id, items: [republished('race', 'race-v2', { contentHash: hash })] })),
    );

    expect(new Set(results.map((r) => r.articleIds[0]))).toEqual(new Set(first.articleIds));
    expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(0);
    expect(await listTitles(source.id)).toEqual(['Title race-v2']);
  });
});
