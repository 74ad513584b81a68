import 'reflect-metadata';
import { FeedbackDirection, FeedRuleAction, FeedRuleKind, type Source } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { rejection, startStorageHarness, TEST_BACKENDS, testFeedItem, type StorageHarness } from '../testing/storage-harness';

const ALICE = { actor: 'alice-id' };
const BOB = { actor: 'bob-id' };
const FOLLOW = FeedRuleAction.FEED_RULE_ACTION_FOLLOW;
const MUTE = FeedRuleAction.FEED_RULE_ACTION_MUTE;

describe.each(TEST_BACKENDS)('feed controls on %s', (backend) => {
  let harness: StorageHarness;
  let source: Source;
  let articleId: string;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
    source = await harness.createSource();
    [articleId] = (await harness.sut.upsertArticles({ sourceId: source.id, items: [testFeedItem('fc1', { title: 'GPU prices' })] })).articleIds;
  });
  afterAll(() => harness?.close());

  it('keeps each user\'s rules, blend and feedback apart, normalising values', async () => {
    const { sut } = harness;
    const follow = await sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_TOPIC, value: '  Science ', action: FOLLOW }, ALICE);
    expect(follow).toMatchObject({ created: true, rule: { value: 'science', action: FOLLOW } });
    const again = await sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_TOPIC, value: 'SCIENCE', action: MUTE }, ALICE);
    expect(again).toMatchObject({ created: false, rule: { id: follow.rule?.id, action: MUTE } });
    await sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_SOURCE, value: source.id, action: FOLLOW }, ALICE);
    await sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_KEYWORD, value: 'gpu', action: FOLLOW }, BOB);
    await sut.putFeedBlend({ blend: { relevance: 0.3, freshness: 0.9, diversity: 0.1 } }, ALICE);
    const less = await sut.putArticleFeedback({ articleId, direction: FeedbackDirection.FEEDBACK_DIRECTION_LESS }, ALICE);
    expect(less).toMatchObject({ feedback: { articleId, direction: FeedbackDirection.FEEDBACK_DIRECTION_LESS, title: 'GPU prices' } });

    const alice = (await sut.getFeedControls({}, ALICE)).controls;
    expect(alice?.rules.map((r) => [r.kind, r.value, r.action])).toEqual([
      [FeedRuleKind.FEED_RULE_KIND_TOPIC, 'science', MUTE],
      [FeedRuleKind.FEED_RULE_KIND_SOURCE, source.id, FOLLOW],
    ]);
    expect(alice?.blend).toEqual({ relevance: 0.3, freshness: 0.9, diversity: 0.1 });
    expect(alice?.feedback.map((f) => f.articleId)).toEqual([articleId]);
    // The times read back are the ones written (to the millisecond, as every timestamp the contract carries).
    expect(alice?.rules[0].createdAt).toEqual(follow.rule?.createdAt);
    expect(alice?.feedback[0].createdAt).toEqual(less.feedback?.createdAt);

    const bob = (await sut.getFeedControls({}, BOB)).controls;
    expect(bob?.rules.map((r) => r.value)).toEqual(['gpu']);
    expect(bob?.blend).toBeUndefined();
    expect(bob?.feedback).toEqual([]);
  });

  it('answers NOT_FOUND for another user\'s rule and leaves it in place', async () => {
    const { sut } = harness;
    const { rule } = await sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_KEYWORD, value: 'quantum', action: MUTE }, ALICE);
    expect((await rejection(sut.deleteFeedRule({ ruleId: rule?.id ?? '' }, BOB))).code).toBe(ErrorCode.NotFound);
    expect((await rejection(sut.deleteFeedRule({ ruleId: 'not-a-uuid' }, ALICE))).code).toBe(ErrorCode.NotFound);
    expect((await sut.getFeedControls({}, ALICE)).controls?.rules.map((r) => r.value)).toContain('quantum');
    await sut.deleteFeedRule({ ruleId: rule?.id ?? '' }, ALICE);
    expect((await sut.getFeedControls({}, ALICE)).controls?.rules.map((r) => r.value)).not.toContain('quantum');
  });

  it('clears feedback with UNSPECIFIED', async () => {
    const { sut } = harness;
    await sut.putArticleFeedback({ articleId, direction: FeedbackDirection.FEEDBACK_DIRECTION_MORE }, BOB);
    expect(await sut.putArticleFeedback({ articleId, direction: FeedbackDirection.FEEDBACK_DIRECTION_UNSPECIFIED }, BOB)).toEqual({ feedback: undefined });
    expect((await sut.getFeedControls({}, BOB)).controls?.feedback).toEqual([]);
  });

  it.each([
    ['an unknown kind', () => harness.sut.putFeedRule({ kind: 9 as FeedRuleKind, value: 'x1', action: FOLLOW }, ALICE), ErrorCode.InvalidArgument],
    ['no action', () => harness.sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_TOPIC, value: 'x1', action: 0 }, ALICE), ErrorCode.InvalidArgument],
    ['an empty value', () => harness.sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_TOPIC, value: '  ', action: FOLLOW }, ALICE), ErrorCode.InvalidArgument],
    ['a one-letter keyword', () => harness.sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_KEYWORD, value: 'a', action: FOLLOW }, ALICE), ErrorCode.InvalidArgument],
    ['an unknown source', () => harness.sut.putFeedRule({ kind: FeedRuleKind.FEED_RULE_KIND_SOURCE, value: '33333333-3333-4333-8333-333333333333', action: FOLLOW }, ALICE), ErrorCode.NotFound],
    ['a blend out of range', () => harness.sut.putFeedBlend({ blend: { relevance: 1.5, freshness: 0, diversity: 0 } }, ALICE), ErrorCode.InvalidArgument],
    ['a blend of nothing', () => harness.sut.putFeedBlend({ blend: { relevance: 0, freshness: 0, diversity: 1 } }, ALICE), ErrorCode.InvalidArgument],
    ['no blend', () => harness.sut.putFeedBlend({ blend: undefined }, ALICE), ErrorCode.InvalidArgument],
    ['feedback on an unknown article', () => harness.sut.putArticleFeedback({ articleId: '33333333-3333-4333-8333-333333333333', direction: FeedbackDirection.FEEDBACK_DIRECTION_MORE }, ALICE), ErrorCode.NotFound],
    ['feedback in an unknown direction', () => harness.sut.putArticleFeedback({ articleId, direction: 7 as FeedbackDirection }, ALICE), ErrorCode.InvalidArgument],
    ['a call without an actor', () => harness.sut.getFeedControls({}, { actor: '' }), ErrorCode.Unauthenticated],
  ])('refuses %s', async (_case, call, code) => {
    expect((await rejection(call())).code).toBe(code);
  });
});
