import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode } from '@autoglm/shared-errors';
import { ManualClock } from '../testing/manual-clock';
import { rejection, startStorageHarness, TEST_BACKENDS, testAnalysis, testFeedItem, type StorageHarness } from '../testing/storage-harness';

const at = (iso: string) => ({ seconds: String(Math.floor(Date.parse(iso) / 1000)), nanos: 0 });

describe.each(TEST_BACKENDS)('the stories timeline (ListStories) on %s', (backend) => {
  const clock = new ManualClock();
  let harness: StorageHarness;
  /** Story ids by name, and each story's articles by publication time. */
  const stories = new Map<string, { id: string; articles: string[] }>();

  /** A story of near-duplicates (one SimHash) with an article per publication time, joined now. */
  const story = async (name: string, published: string[]) => {
    const source = await harness.createSource();
    const prefix = randomUUID();
    const { articleIds } = await harness.sut.upsertArticles({
      sourceId: source.id,
      items: published.map((iso, i) => testFeedItem(`${prefix}-${i}`, { publishedAt: at(iso) })),
    });
    const simhash = randomBytes(8).toString('hex');
    for (const id of articleIds) await harness.sut.saveAnalysis(testAnalysis(id, { simhash }));
    const storyId = (await harness.sut.getArticle({ id: articleIds[0] })).article!.storyId;
    stories.set(name, { id: storyId, articles: articleIds });
    clock.advance(60);
  };

  beforeAll(async () => {
    harness = await startStorageHarness(backend, clock);
    await story('old', ['2026-11-20T08:00:00Z', '2026-11-20T09:00:00Z']);
    await story('single', ['2026-11-21T08:00:00Z']);
    await story('big', ['2026-11-22T10:00:00Z', '2026-11-22T08:00:00Z', '2026-11-22T12:00:00Z', '2026-11-22T09:00:00Z']);
    await story('new', ['2026-11-23T08:00:00Z', '2026-11-23T07:00:00Z']);
  });

  afterAll(() => harness?.close());

  const id = (name: string) => stories.get(name)!.id;

  it('lists stories with at least two articles, most recently joined first, each with its newest articles oldest first', async () => {
    const { stories: listed, nextCursor } = await harness.sut.listStories({ limit: 0, cursor: '', minSize: 0, articles: 3 });

    expect(listed.map((s) => s.id)).toEqual([id('new'), id('big'), id('old')]);
    expect(listed.map((s) => s.size)).toEqual([2, 4, 2]);
    expect(nextCursor).toBe('');
    const [big1, big2, big3, big4] = stories.get('big')!.articles;
    // The big story's three newest by publication time (12:00, 10:00, 09:00), shown oldest first.
    expect(listed[1].timeline.map((entry) => entry.article!.id)).toEqual([big4, big1, big3]);
    expect(big2).toBeDefined();
  });

  it('pages through the timeline with the cursor, without repeats or gaps', async () => {
    const first = await harness.sut.listStories({ limit: 2, cursor: '', minSize: 1, articles: 0 });
    expect(first.stories.map((s) => s.id)).toEqual([id('new'), id('big')]);
    expect(first.stories.every((s) => s.timeline.length === 0)).toBe(true);
    expect(first.nextCursor).not.toBe('');

    const second = await harness.sut.listStories({ limit: 2, cursor: first.nextCursor, minSize: 1, articles: 0 });
    expect(second.stories.map((s) => s.id)).toEqual([id('single'), id('old')]);
    expect(second.nextCursor).toBe('');
  });

  it('keeps only stories of min_size articles or more', async () => {
    const { stories: listed } = await harness.sut.listStories({ limit: 10, cursor: '', minSize: 3, articles: 1 });
    expect(listed.map((s) => s.id)).toEqual([id('big')]);
    expect(listed[0].timeline).toHaveLength(1);
  });

  it.each([
    ['a limit above 100', { limit: 101 }, 'limit must be between 1 and 100'],
    ['a negative limit', { limit: -1 }, 'limit must be between 1 and 100'],
    ['min_size above 1000', { minSize: 1001 }, 'min_size must be between 1 and 1000'],
    ['more than 20 articles per story', { articles: 21 }, 'articles must be between 0 and 20'],
    ['a cursor it did not make', { cursor: 'not-a-cursor' }, 'invalid cursor'],
    ['a cursor of the wrong shape', { cursor: Buffer.from('{"k":1}').toString('base64url') }, 'invalid cursor'],
  ])('answers INVALID_ARGUMENT for %s', async (_label, request, message) => {
    expect(await rejection(harness.sut.listStories({ limit: 0, cursor: '', minSize: 0, articles: 0, ...request }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
      message,
    });
  });
});
