import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { EventType } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { fromTimestamp } from '@autoglm/shared-grpc';
import {
  rejection,
  startStorageHarness,
  TEST_BACKENDS,
  testAnalysis,
  testFeedItem,
  type StorageHarness,
} from '../testing/storage-harness';
import { NEAR_DUPLICATE_MAX_DISTANCE } from './simhash';

/** A random 64-bit fingerprint as 16 hex digits, and the same with some bits flipped. */
const randomSimhash = () => randomBytes(8).toString('hex');
const flip = (hex: string, bits: number[]) =>
  bits.reduce((value, bit) => value ^ (1n << BigInt(bit)), BigInt(`0x${hex}`)).toString(16).padStart(16, '0');

const at = (iso: string) => {
  const ms = Date.parse(iso);
  return { seconds: String(Math.floor(ms / 1000)), nanos: 0 };
};

/** A unit vector along `axis`, tilted towards axis+1 by `angle` radians (cosine with the pure axis = cos(angle)). */
const direction = (axis: number, angle = 0) => {
  const v = new Array<number>(8).fill(0);
  v[axis] = Math.cos(angle);
  v[(axis + 1) % 8] = Math.sin(angle);
  return v;
};

/** Keywords the embedding tests' articles share (an embedding match must share STORY_MIN_SHARED_KEYWORDS). */
const KEYWORDS = ['harbour', 'bridge', 'council'];

describe.each(TEST_BACKENDS)('story clusters on %s', (backend) => {
  let harness: StorageHarness;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
  });

  afterAll(() => harness?.close());

  /** Upserts items (key → published time) into a new source and returns their ids in order. */
  const articles = async (published: string[]) => {
    const source = await harness.createSource();
    const prefix = randomUUID();
    const { articleIds } = await harness.sut.upsertArticles({
      sourceId: source.id,
      items: published.map((iso, i) => testFeedItem(`${prefix}-${i}`, { publishedAt: at(iso) })),
    });
    return articleIds;
  };
  const storyOf = async (id: string) => (await harness.sut.getArticle({ id })).article!.storyId;

  it(`puts SimHash near-duplicates (Hamming distance ≤ ${NEAR_DUPLICATE_MAX_DISTANCE}) in one story with a timeline, oldest first`, async () => {
    const { sut } = harness;
    const [first, second, third] = await articles(['2026-11-20T10:00:00Z', '2026-11-20T08:00:00Z', '2026-11-21T09:00:00Z']);
    const simhash = randomSimhash();

    expect(await storyOf(first)).toBe('');
    await sut.saveAnalysis(testAnalysis(first, { simhash }));
    await sut.saveAnalysis(testAnalysis(second, { simhash: flip(simhash, [0, 17]) }));
    // Twelve bits, one in each band but the second (bits 54–58): the index's worst case, still found.
    await sut.saveAnalysis(testAnalysis(third, { simhash: flip(simhash, [1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 63]) }));

    const storyId = await storyOf(first);
    expect(storyId).not.toBe('');
    expect(await storyOf(second)).toBe(storyId);
    expect(await storyOf(third)).toBe(storyId);
    const { story } = await sut.getStory({ id: storyId });
    expect(story).toMatchObject({ id: storyId, title: (await sut.getArticle({ id: first })).article!.title, size: 3 });
    expect(story!.timeline.map((entry) => entry.article!.id)).toEqual([second, first, third]);
    expect(story!.timeline.map((entry) => entry.similarity)).toEqual([1 - 2 / 64, 1, 1 - 12 / 64]);
    expect(fromTimestamp(story!.timeline[0].joinedAt)).toBeInstanceOf(Date);
  });

  it(`keeps articles apart beyond Hamming distance ${NEAR_DUPLICATE_MAX_DISTANCE}, even when a band is equal`, async () => {
    const { sut } = harness;
    const [a, b] = await articles(['2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z']);
    const simhash = randomSimhash();

    await sut.saveAnalysis(testAnalysis(a, { simhash }));
    // Thirteen flipped bits, in the top three bands (bits 51–63): the ten other bands are equal (a candidate), the distance is 13.
    await sut.saveAnalysis(testAnalysis(b, { simhash: flip(simhash, [51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63]) }));

    expect(await storyOf(a)).not.toBe(await storyOf(b));
  });

  it('joins articles whose embeddings have cosine ≥ 0.98, and not below', async () => {
    const { sut } = harness;
    const [a, close, far] = await articles(['2026-11-20T10:00:00Z', '2026-11-20T12:00:00Z', '2026-11-20T13:00:00Z']);
    const model = `emb-${randomUUID()}`;
    const axis = 3;
    // `far` tilts the other way: cosine 0.96 (same topic, another story) with `a`, lower with `close`.

    await sut.saveAnalysis(testAnalysis(a, { modelVersion: model, keywords: KEYWORDS, embedding: direction(axis) }));
    await sut.saveAnalysis(testAnalysis(close, { modelVersion: model, keywords: KEYWORDS, embedding: direction(axis, Math.acos(0.985)) }));
    await sut.saveAnalysis(testAnalysis(far, { modelVersion: model, keywords: KEYWORDS, embedding: direction(axis, -Math.acos(0.96)) }));

    expect(await storyOf(close)).toBe(await storyOf(a));
    expect(await storyOf(far)).not.toBe(await storyOf(a));
    // As close, but sharing one keyword: another event of the same kind (or a text the model does not read).
    const [unrelated] = await articles(['2026-11-20T12:30:00Z']);
    await sut.saveAnalysis(testAnalysis(unrelated, { modelVersion: model, keywords: ['harbour', 'ferry'], embedding: direction(axis, Math.acos(0.99)) }));
    expect(await storyOf(unrelated)).not.toBe(await storyOf(a));
    const { story } = await sut.getStory({ id: await storyOf(a) });
    expect(story!.timeline[1].similarity).toBeCloseTo(0.985, 5);
  });

  it('records which article a near-duplicate copies, apart from the story, and no near-duplicate for a follow-up', async () => {
    const { sut } = harness;
    const [original, copy, followUp, embeddedCopy] = await articles([
      '2026-11-20T10:00:00Z',
      '2026-11-20T11:00:00Z',
      '2026-11-20T12:00:00Z',
      '2026-11-20T13:00:00Z',
    ]);
    const model = `emb-${randomUUID()}`;
    const simhash = randomSimhash();
    await sut.saveAnalysis(testAnalysis(original, { modelVersion: model, keywords: KEYWORDS, simhash, embedding: direction(2) }));
    await sut.saveAnalysis(testAnalysis(copy, { modelVersion: model, keywords: KEYWORDS, simhash: flip(simhash, [3, 40]), embedding: direction(2, 0.01) }));
    await sut.saveAnalysis(testAnalysis(followUp, { modelVersion: model, keywords: KEYWORDS, simhash: randomSimhash(), embedding: direction(2, Math.acos(0.985)) }));
    await sut.saveAnalysis(testAnalysis(embeddedCopy, { modelVersion: model, keywords: KEYWORDS, simhash: randomSimhash(), embedding: direction(2, -0.02) }));

    const detail = async (id: string) => (await sut.getArticle({ id })).article!;
    const originalTitle = (await detail(original)).title;
    expect(await detail(copy)).toMatchObject({
      storyId: await storyOf(original),
      nearDuplicateOf: { articleId: original, title: originalTitle, hammingDistance: 2, cosine: expect.closeTo(Math.cos(0.01), 5) },
    });
    const followUpDetail = await detail(followUp);
    expect(followUpDetail.storyId).toBe(await storyOf(original));
    expect(followUpDetail.nearDuplicateOf).toBeUndefined();
    expect((await detail(embeddedCopy)).nearDuplicateOf).toMatchObject({ articleId: original, hammingDistance: -1 });
    expect((await detail(original)).nearDuplicateOf).toBeUndefined();
  });

  it("answers articles' stories and near-duplicate links, and a story's reading for the actor (texts, reads, last read)", async () => {
    const { sut } = harness;
    const [original, copy, other] = await articles(['2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z', '2026-11-20T12:00:00Z']);
    const simhash = randomSimhash();
    await sut.saveAnalysis(testAnalysis(original, { simhash }));
    await sut.saveAnalysis(testAnalysis(copy, { simhash: flip(simhash, [7]) }));
    await sut.saveAnalysis(testAnalysis(other, { simhash: randomSimhash() }));
    const storyId = await storyOf(original);

    const { stories } = await sut.getArticleStories({ articleIds: [copy, 'not-an-id', original, randomUUID()] });
    expect(stories).toEqual([
      { articleId: copy, storyId, nearDuplicateOf: original },
      { articleId: original, storyId, nearDuplicateOf: '' },
    ]);

    const user = `reader-${randomUUID()}`;
    const unread = await sut.getStoryReading({ storyId, maxArticles: 0 }, { actor: user });
    expect(fromTimestamp(unread.lastReadAt)).toBeUndefined();
    expect(unread.articles.map((a) => [a.article!.id, a.read])).toEqual([
      [original, false],
      [copy, false],
    ]);
    expect(unread.articles[0].text.length).toBeGreaterThan(0);

    // A hide is no read; an open is; another user's reads are theirs.
    await sut.recordEvent({ articleId: copy, type: EventType.EVENT_TYPE_HIDE, dwellSeconds: 0, occurredAt: at('2026-11-21T08:00:00Z') }, { actor: user });
    await sut.recordEvent({ articleId: original, type: EventType.EVENT_TYPE_OPEN, dwellSeconds: 0, occurredAt: at('2026-11-21T09:00:00Z') }, { actor: user });
    await sut.recordEvent({ articleId: copy, type: EventType.EVENT_TYPE_LIKE, dwellSeconds: 0, occurredAt: at('2026-11-22T09:00:00Z') }, { actor: `someone-${randomUUID()}` });
    const read = await sut.getStoryReading({ storyId, maxArticles: 1 }, { actor: user });
    expect(fromTimestamp(read.lastReadAt)).toEqual(new Date('2026-11-21T09:00:00Z'));
    // max_articles keeps the newest.
    expect(read.articles.map((a) => [a.article!.id, a.read])).toEqual([[copy, false]]);
    expect((await sut.getStoryReading({ storyId, maxArticles: 5 }, { actor: user })).articles.map((a) => a.read)).toEqual([true, false]);

    expect(await rejection(sut.getStoryReading({ storyId: randomUUID(), maxArticles: 0 }, { actor: user }))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(sut.getStoryReading({ storyId, maxArticles: 101 }, { actor: user }))).toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(await rejection(sut.getStoryReading({ storyId, maxArticles: 0 }))).toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('looks only within 72 hours', async () => {
    const { sut } = harness;
    const [a, late] = await articles(['2026-11-01T10:00:00Z', '2026-11-04T10:00:01Z']);
    const simhash = randomSimhash();

    await sut.saveAnalysis(testAnalysis(a, { simhash }));
    await sut.saveAnalysis(testAnalysis(late, { simhash }));

    expect(await storyOf(late)).not.toBe(await storyOf(a));
  });

  it('is replay-safe: saving the same analysis again keeps the story and its size', async () => {
    const { sut } = harness;
    const [a, b] = await articles(['2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z']);
    const simhash = randomSimhash();
    await sut.saveAnalysis(testAnalysis(a, { simhash }));
    await sut.saveAnalysis(testAnalysis(b, { simhash }));
    const storyId = await storyOf(b);

    await Promise.all([sut.saveAnalysis(testAnalysis(b, { simhash })), sut.saveAnalysis(testAnalysis(a, { simhash }))]);
    await sut.saveAnalysis(testAnalysis(b, { simhash }));

    expect(await storyOf(a)).toBe(storyId);
    expect(await storyOf(b)).toBe(storyId);
    expect((await sut.getStory({ id: storyId })).story).toMatchObject({ size: 2 });
  });

  it('shrinks the story when an article is deleted, and removes it with its last article', async () => {
    const { sut } = harness;
    const [a, b] = await articles(['2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z']);
    const simhash = randomSimhash();
    await sut.saveAnalysis(testAnalysis(a, { simhash }));
    await sut.saveAnalysis(testAnalysis(b, { simhash }));
    const storyId = await storyOf(a);

    await sut.deleteArticle({ articleId: a });
    const shrunk = (await sut.getStory({ id: storyId })).story!;
    await sut.deleteArticle({ articleId: b });

    expect(shrunk.size).toBe(1);
    expect(shrunk.timeline.map((entry) => entry.article!.id)).toEqual([b]);
    expect(await rejection(sut.getStory({ id: storyId }))).toMatchObject({ code: ErrorCode.NotFound });
  });

  it.each([['an unknown id', randomUUID()], ['a malformed id', 'story-1'], ['an empty id', '']])(
    'answers NOT_FOUND for %s',
    async (_label, id) => {
      expect(await rejection(harness.sut.getStory({ id }))).toMatchObject({ code: ErrorCode.NotFound, message: `story ${id} not found` });
    },
  );

  it('rejects a SimHash that is not 16 hex digits, writing nothing', async () => {
    const [a] = await articles(['2026-11-20T10:00:00Z']);

    const error = await rejection(harness.sut.saveAnalysis(testAnalysis(a, { simhash: 'xyz' })));

    expect(error).toMatchObject({ code: ErrorCode.InvalidArgument, message: 'simhash must be 16 hexadecimal digits (64 bits)' });
    expect((await harness.sut.getArticle({ id: a })).article).toMatchObject({ analyzed: false, storyId: '' });
  });
});
