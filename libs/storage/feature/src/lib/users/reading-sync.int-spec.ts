import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { toTimestamp } from '@autoglm/shared-grpc';
import { rejection, startStorageHarness, TEST_BACKENDS, testFeedItem, type StorageHarness } from '../testing/storage-harness';

const { MarkChange, ReadingListFilter, ReadingListOrder } = storage;

function listRequest(overrides: Partial<storage.ListUserArticlesRequest> = {}): storage.ListUserArticlesRequest {
  return {
    limit: 0,
    cursor: '',
    filter: ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED,
    sourceId: '',
    category: '',
    newerThan: undefined,
    olderThan: undefined,
    order: ReadingListOrder.READING_LIST_ORDER_UNSPECIFIED,
    itemNumbers: [],
    afterItemNumber: '0',
    beforeItemNumber: '0',
    withContent: false,
    withTotal: false,
    ...overrides,
  };
}

function newKey(): storage.NewApiKey {
  const key = `agl_${randomBytes(32).toString('base64url')}`;
  return { name: 'laptop', prefix: key.slice(0, 12), keyHash: createHash('sha256').update(key).digest('hex') };
}

const at = (iso: string) => toTimestamp(new Date(iso));

/** What feed-reader protocols (Google Reader, Fever) need from a reading list: numbers, time windows, orders, bulk marks. */
describe.each(TEST_BACKENDS)('reading-list sync on %s', (backend) => {
  let harness: StorageHarness;
  let carol: storage.User;
  let news: string;
  let blog: string;
  let other: string;
  let ids: string[];

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
    const admin = (await harness.sut.createUser({ name: 'root', apiKey: newKey() }, { actor: '' })).user as storage.User;
    carol = (await harness.sut.createUser({ name: 'carol', apiKey: newKey() }, { actor: admin.id })).user as storage.User;
    [news, blog, other] = [(await harness.createSource()).id, (await harness.createSource()).id, (await harness.createSource()).id];
    const upsert = async (sourceId: string, key: string, published: string) =>
      (await harness.sut.upsertArticles({ sourceId, items: [testFeedItem(key, { publishedAt: at(published) })] })).articleIds[0] as string;
    ids = [
      await upsert(news, 'n1', '2026-11-01T10:00:00Z'),
      await upsert(news, 'n2', '2026-11-03T10:00:00Z'),
      await upsert(blog, 'b1', '2026-11-02T10:00:00Z'),
      await upsert(other, 'o1', '2026-11-04T10:00:00Z'),
    ];
    await harness.sut.putSubscription({ sourceId: news, category: 'News' }, { actor: carol.id });
    await harness.sut.putSubscription({ sourceId: blog, category: '' }, { actor: carol.id });
  });

  afterAll(() => harness?.close());

  const list = async (overrides: Partial<storage.ListUserArticlesRequest>) => (await harness.sut.listUserArticles(listRequest(overrides), { actor: carol.id })).articles;

  it('numbers articles and sources with stable positive numbers that grow in storing order', async () => {
    const all = await list({ order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC });
    expect(all.map((a) => a.article?.id)).toEqual([ids[0], ids[1], ids[2]]);
    const numbers = all.map((a) => BigInt(a.itemNumber));
    expect(numbers.every((n) => n > 0n)).toBe(true);
    expect([...numbers].sort((x, y) => (x < y ? -1 : 1))).toEqual(numbers);
    expect(new Set(numbers).size).toBe(3);
    // The same numbers on a second read, and each article carries its source's feed number.
    expect((await list({ order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC })).map((a) => a.itemNumber)).toEqual(all.map((a) => a.itemNumber));
    const subscriptions = (await harness.sut.listSubscriptions({}, { actor: carol.id })).subscriptions;
    const feedOf = new Map(subscriptions.map((s) => [s.source?.id, s.feedNumber]));
    expect(all.map((a) => a.feedNumber)).toEqual([feedOf.get(news), feedOf.get(news), feedOf.get(blog)]);
    expect(new Set(subscriptions.map((s) => s.feedNumber)).size).toBe(2);
    expect(all[0]).toMatchObject({ author: '', contentHtml: '', sourceTitle: '' });
  });

  it('selects by item number (also outside the subscriptions), by number bounds and by feed-time window, in either order', async () => {
    const all = await list({ order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC });
    const [first, second, third] = all.map((a) => a.itemNumber);
    const outside = (await harness.sut.getArticle({ id: ids[3] as string })).article;
    expect(outside).toBeDefined();
    const picked = await list({ itemNumbers: [third as string, first as string, '999999999'], withContent: true });
    expect(picked.map((a) => a.article?.id)).toEqual([ids[2], ids[0]]);
    expect(picked[0]).toMatchObject({ author: 'Ada', contentHtml: '<p>b1</p>' });
    expect(picked[0]?.sourceTitle).toBe((await harness.sut.getSource({ id: blog })).source?.title);

    expect((await list({ afterItemNumber: first, order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC })).map((a) => a.itemNumber)).toEqual([second, third]);
    expect((await list({ beforeItemNumber: third, order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_DESC })).map((a) => a.itemNumber)).toEqual([second, first]);
    expect((await list({ newerThan: at('2026-11-01T10:00:00Z') })).map((a) => a.article?.id)).toEqual([ids[1], ids[2]]);
    expect((await list({ olderThan: at('2026-11-03T10:00:00Z'), order: ReadingListOrder.READING_LIST_ORDER_OLDEST_FIRST })).map((a) => a.article?.id)).toEqual([
      ids[0],
      ids[2],
    ]);
    // with_total counts the whole list, whatever the page's window; without it the total is 0.
    const counted = await harness.sut.listUserArticles(listRequest({ limit: 1, withTotal: true, newerThan: at('2026-11-02T12:00:00Z'), afterItemNumber: first }), { actor: carol.id });
    expect([counted.articles.length, counted.total]).toEqual([1, 3]);
    expect((await harness.sut.listUserArticles(listRequest({ withTotal: true, sourceId: news }), { actor: carol.id })).total).toBe(2);
    expect((await harness.sut.listUserArticles(listRequest({ limit: 1 }), { actor: carol.id })).total).toBe(0);
    const page1 = await harness.sut.listUserArticles(listRequest({ limit: 2, order: ReadingListOrder.READING_LIST_ORDER_OLDEST_FIRST }), { actor: carol.id });
    const page2 = await harness.sut.listUserArticles(listRequest({ limit: 2, order: ReadingListOrder.READING_LIST_ORDER_OLDEST_FIRST, cursor: page1.nextCursor }), { actor: carol.id });
    expect([...page1.articles, ...page2.articles].map((a) => a.article?.id)).toEqual([ids[0], ids[2], ids[1]]);
    expect(page2.nextCursor).toBe('');
  });

  it('refuses malformed numbers, oversized pages and cursors on number orders', async () => {
    // (Text that is no int64 at all never reaches storage: the gRPC encoding makes a number of it; the gateway checks first.)
    for (const bad of [listRequest({ itemNumbers: ['-3'] }), listRequest({ itemNumbers: ['0'] }), listRequest({ afterItemNumber: '-1' })]) {
      expect(await rejection(harness.sut.listUserArticles(bad, { actor: carol.id }))).toMatchObject({ code: ErrorCode.InvalidArgument });
    }
    expect(await rejection(harness.sut.listUserArticles(listRequest({ limit: 101, withContent: true }), { actor: carol.id }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'limit must be between 1 and 100',
    });
    expect(await rejection(harness.sut.listUserArticles(listRequest({ order: 9 as storage.ReadingListOrder }), { actor: carol.id }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    const page = await harness.sut.listUserArticles(listRequest({ limit: 1 }), { actor: carol.id });
    expect(
      await rejection(harness.sut.listUserArticles(listRequest({ cursor: page.nextCursor, order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC }), { actor: carol.id })),
    ).toMatchObject({ code: ErrorCode.InvalidArgument });
    expect((await list({ itemNumbers: Array.from({ length: 1000 }, (_, i) => String(i + 1)) })).length).toBe(4);
    expect(await rejection(harness.sut.listUserArticles(listRequest({ itemNumbers: Array.from({ length: 1001 }, (_, i) => String(i + 1)) }), { actor: carol.id }))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
  });

  it('sets and clears marks on many articles by item number, passing over unknown numbers', async () => {
    const numbers = (await list({ order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC })).map((a) => a.itemNumber);
    const [first, second] = numbers as [string, string];
    const set = { read: MarkChange.MARK_CHANGE_UNSPECIFIED, starred: MarkChange.MARK_CHANGE_SET };
    expect(await harness.sut.setArticleStates({ itemNumbers: [first, second, '999999999'], ...set }, { actor: carol.id })).toEqual({ changed: 2 });
    expect((await list({ filter: ReadingListFilter.READING_LIST_FILTER_STARRED, order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC })).map((a) => a.itemNumber)).toEqual([first, second]);
    const before = (await list({ itemNumbers: [first] }))[0]?.marks?.starredAt;
    // Set twice keeps the first time; clearing one leaves the other.
    await harness.sut.setArticleStates({ itemNumbers: [first], ...set }, { actor: carol.id });
    expect((await list({ itemNumbers: [first] }))[0]?.marks?.starredAt).toEqual(before);
    await harness.sut.setArticleStates({ itemNumbers: [second], read: MarkChange.MARK_CHANGE_UNSPECIFIED, starred: MarkChange.MARK_CHANGE_CLEAR }, { actor: carol.id });
    expect((await list({ filter: ReadingListFilter.READING_LIST_FILTER_STARRED })).map((a) => a.itemNumber)).toEqual([first]);
    await harness.sut.setArticleStates({ itemNumbers: [first], read: MarkChange.MARK_CHANGE_UNSPECIFIED, starred: MarkChange.MARK_CHANGE_CLEAR }, { actor: carol.id });
    for (const bad of [[], ['0'], Array.from({ length: 10_001 }, (_, i) => String(i + 1))]) {
      expect(await rejection(harness.sut.setArticleStates({ itemNumbers: bad, ...set }, { actor: carol.id }))).toMatchObject({ code: ErrorCode.InvalidArgument });
    }
  });

  it('marks all read by folder, by source and up to a time, counting only what was unread', async () => {
    const unread = async () => (await list({ filter: ReadingListFilter.READING_LIST_FILTER_UNREAD })).map((a) => a.article?.id);
    await harness.sut.setArticleState({ articleId: ids[0] as string, read: MarkChange.MARK_CHANGE_SET, starred: MarkChange.MARK_CHANGE_UNSPECIFIED }, { actor: carol.id });
    expect(await harness.sut.markAllRead({ sourceId: '', category: 'News', upTo: at('2026-11-02T00:00:00Z') }, { actor: carol.id })).toEqual({ marked: 0 });
    expect(await unread()).toEqual([ids[1], ids[2]]);
    expect(await harness.sut.markAllRead({ sourceId: blog, category: '', upTo: undefined }, { actor: carol.id })).toEqual({ marked: 1 });
    expect(await unread()).toEqual([ids[1]]);
    expect(await harness.sut.markAllRead({ sourceId: '', category: '', upTo: undefined }, { actor: carol.id })).toEqual({ marked: 1 });
    expect(await unread()).toEqual([]);
    // The article of a source carol does not follow was left alone.
    const outside = await list({ itemNumbers: (await list({ order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC })).map((a) => String(BigInt(a.itemNumber) + 1n)) });
    expect(outside.find((a) => a.article?.id === ids[3])?.marks?.read).toBe(false);
    expect(await rejection(harness.sut.markAllRead({ sourceId: 'not-a-uuid', category: '', upTo: undefined }, { actor: carol.id }))).toMatchObject({
      code: ErrorCode.NotFound,
    });
  });
});
