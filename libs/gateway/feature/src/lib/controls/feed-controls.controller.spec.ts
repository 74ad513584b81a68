import { createHash } from 'node:crypto';
import { FeedbackDirection, FeedRuleAction, FeedRuleKind, type storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, toTimestamp } from '@autoglm/shared-grpc';
import { generateApiKey } from '../auth/api-key';
import { graphQl, send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { FeedControlsController } from './feed-controls.controller';

const CREATED = toTimestamp(new Date('2026-12-01T10:00:00.000Z'));
const ALICE: storage.User = { id: '11111111-1111-4111-8111-111111111111', name: 'alice', isAdmin: false, createdAt: CREATED };
const ARTICLE = '33333333-3333-4333-8333-333333333333';
const RULE = { id: 'rule-1', kind: FeedRuleKind.FEED_RULE_KIND_TOPIC, value: 'science', action: FeedRuleAction.FEED_RULE_ACTION_FOLLOW, createdAt: CREATED };

describe(FeedControlsController.name, () => {
  let sut: TestGateway;
  const key = generateApiKey().key;
  const auth = { authorization: `Bearer ${key}` };

  beforeEach(async () => {
    sut = await startTestGateway();
    const hash = createHash('sha256').update(key).digest('hex');
    sut.backends.storage.authenticateApiKey.answers((request) =>
      request.keyHash === hash
        ? Promise.resolve({ user: ALICE, apiKeyId: 'key-1' })
        : Promise.reject(new RemoteCallError(ErrorCode.Unauthenticated, 'the API key is not valid', 16, 'x')),
    );
  });
  afterEach(() => sut.close());

  it('shows the rules, the blend in effect and the feedback, for the key holder only', async () => {
    sut.backends.recommender.getFeedControls.returns({
      controls: {
        rules: [RULE],
        blend: { relevance: 0.6, freshness: 0.2, diversity: 0.35 },
        feedback: [{ articleId: ARTICLE, direction: FeedbackDirection.FEEDBACK_DIRECTION_LESS, createdAt: CREATED, title: 'Rumours' }],
      },
    });
    const answer = await send(sut, 'GET', '/api/v1/me/controls', undefined, auth);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      rules: [{ id: 'rule-1', kind: 'topic', value: 'science', action: 'follow', control: 'follow:topic:science', createdAt: '2026-12-01T10:00:00.000Z' }],
      blend: { relevance: 0.6, freshness: 0.2, diversity: 0.35 },
      feedback: [{ articleId: ARTICLE, title: 'Rumours', direction: 'less', control: `less-like:${ARTICLE}`, createdAt: '2026-12-01T10:00:00.000Z' }],
    });
    expect(sut.backends.recommender.getFeedControls.contexts).toEqual([{ actor: ALICE.id }]);
  });

  it('follows, mutes and unmutes through REST, acting for the key holder', async () => {
    sut.backends.recommender.putFeedRule.answers(async (request) => ({ rule: { ...RULE, kind: request.kind, value: request.value, action: request.action }, created: true }));
    sut.backends.recommender.deleteFeedRule.returns({});
    const mute = await send(sut, 'POST', '/api/v1/me/controls/rules', { kind: 'keyword', value: 'Crypto', action: 'mute' }, auth);
    expect(mute).toMatchObject({ status: 201, body: { kind: 'keyword', action: 'mute', control: 'mute:keyword:Crypto' } });
    expect(sut.backends.recommender.putFeedRule.requests).toEqual([
      { kind: FeedRuleKind.FEED_RULE_KIND_KEYWORD, value: 'Crypto', action: FeedRuleAction.FEED_RULE_ACTION_MUTE },
    ]);
    expect((await send(sut, 'DELETE', '/api/v1/me/controls/rules/rule-1', undefined, auth)).status).toBe(204);
    expect(sut.backends.recommender.deleteFeedRule.requests).toEqual([{ ruleId: 'rule-1' }]);
    expect(sut.backends.recommender.deleteFeedRule.contexts).toEqual([{ actor: ALICE.id }]);
  });

  it('sets the blend and more/less-like feedback, and clears feedback with DELETE', async () => {
    sut.backends.recommender.putFeedBlend.answers(async (request) => ({ blend: request.blend }));
    sut.backends.recommender.putArticleFeedback.answers(async (request) =>
      request.direction === FeedbackDirection.FEEDBACK_DIRECTION_UNSPECIFIED
        ? { feedback: undefined }
        : { feedback: { articleId: request.articleId, direction: request.direction, createdAt: CREATED, title: 'GPUs' } },
    );
    const blend = await send(sut, 'PUT', '/api/v1/me/controls/blend', { relevance: 0.3, freshness: 0.9, diversity: 0.5 }, auth);
    expect(blend).toMatchObject({ status: 200, body: { relevance: 0.3, freshness: 0.9, diversity: 0.5 } });
    const more = await send(sut, 'PUT', `/api/v1/me/articles/${ARTICLE}/feedback`, { direction: 'more' }, auth);
    expect(more).toMatchObject({ status: 200, body: { articleId: ARTICLE, direction: 'more', control: `more-like:${ARTICLE}` } });
    expect((await send(sut, 'DELETE', `/api/v1/me/articles/${ARTICLE}/feedback`, undefined, auth)).status).toBe(204);
    expect(sut.backends.recommender.putArticleFeedback.requests).toEqual([
      { articleId: ARTICLE, direction: FeedbackDirection.FEEDBACK_DIRECTION_MORE },
      { articleId: ARTICLE, direction: FeedbackDirection.FEEDBACK_DIRECTION_UNSPECIFIED },
    ]);
  });

  it.each([
    ['POST', '/api/v1/me/controls/rules', { kind: 'author', value: 'x', action: 'follow' }],
    ['POST', '/api/v1/me/controls/rules', { kind: 'topic', value: 'x', action: 'boost' }],
    ['POST', '/api/v1/me/controls/rules', { kind: 'topic', value: '', action: 'follow' }],
    ['POST', '/api/v1/me/controls/rules', { kind: 'topic', value: 'x'.repeat(101), action: 'follow' }],
    ['POST', '/api/v1/me/controls/rules', { kind: 'topic', value: 'x', action: 'follow', userId: 'bob' }],
    ['PUT', '/api/v1/me/controls/blend', { relevance: 2, freshness: 0.5, diversity: 0.5 }],
    ['PUT', '/api/v1/me/controls/blend', { relevance: 0.5, freshness: -0.1, diversity: 0.5 }],
    ['PUT', '/api/v1/me/controls/blend', { relevance: 0.5, freshness: 0.5 }],
    ['PUT', '/api/v1/me/controls/blend', { relevance: '0.5', freshness: 0.5, diversity: 0.5 }],
    ['PUT', `/api/v1/me/articles/${ARTICLE}/feedback`, { direction: 'none' }],
    ['PUT', `/api/v1/me/articles/${ARTICLE}/feedback`, {}],
  ])('answers 400 to %s %s with %j, without calling the recommender', async (method, path, body) => {
    const answer = await send(sut, method, path, body, auth);
    expect(answer.status).toBe(400);
    for (const rpc of Object.values(sut.backends.recommender)) expect(rpc.requests).toHaveLength(0);
  });

  it('passes a NOT_FOUND of another user\'s rule on as 404', async () => {
    sut.backends.recommender.deleteFeedRule.fails(new RemoteCallError(ErrorCode.NotFound, 'feed rule rule-9 not found', 5, 'x'));
    expect((await send(sut, 'DELETE', '/api/v1/me/controls/rules/rule-9', undefined, auth)).status).toBe(404);
  });

  it('does the same over GraphQL', async () => {
    sut.backends.recommender.putFeedRule.answers(async (request) => ({ rule: { ...RULE, kind: request.kind, value: request.value, action: request.action }, created: true }));
    sut.backends.recommender.putArticleFeedback.returns({ feedback: undefined });
    sut.backends.recommender.putFeedBlend.answers(async (request) => ({ blend: request.blend }));
    const answer = await graphQl(
      sut,
      `mutation {
        putFeedRule(kind: "source", value: "src-1", action: "follow") { control }
        setFeedBlend(relevance: 0.2, freshness: 0.8, diversity: 0.1) { freshness }
        setArticleFeedback(articleId: "${ARTICLE}", direction: "none") { control }
      }`,
      {},
      auth,
    );
    expect(answer.data).toEqual({ putFeedRule: { control: 'follow:source:src-1' }, setFeedBlend: { freshness: 0.8 }, setArticleFeedback: null });
    const bad = await graphQl(sut, 'mutation { setFeedBlend(relevance: 0.2, freshness: 1.5, diversity: 0.1) { freshness } }', {}, auth);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
