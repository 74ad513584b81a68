import { FeedbackDirection, FeedRuleAction, FeedRuleKind } from '@autoglm/contracts';
import { containsKeyword, DEFAULT_BLEND, mutedBy, NO_PREFERENCES, preferencesOf, ruleName } from './feed-preferences';

const article = (title: string, summary = '', topic = 'technology', sourceId = 's1') => ({
  id: 'a',
  sourceId,
  url: 'https://example.org/a',
  title,
  language: 'en',
  topic,
  summary,
  publishedAt: undefined,
});

describe(preferencesOf.name, () => {
  it('splits rules by action, keeps the default blend until one is set, and indexes feedback', () => {
    const sut = preferencesOf({
      rules: [
        { id: '1', kind: FeedRuleKind.FEED_RULE_KIND_TOPIC, value: 'science', action: FeedRuleAction.FEED_RULE_ACTION_FOLLOW, createdAt: undefined },
        { id: '2', kind: FeedRuleKind.FEED_RULE_KIND_SOURCE, value: 's1', action: FeedRuleAction.FEED_RULE_ACTION_MUTE, createdAt: undefined },
      ],
      feedback: [
        { articleId: 'm', direction: FeedbackDirection.FEEDBACK_DIRECTION_MORE, createdAt: undefined, title: 'More' },
        { articleId: 'l', direction: FeedbackDirection.FEEDBACK_DIRECTION_LESS, createdAt: undefined, title: 'Less' },
      ],
    });
    expect(sut.follows.map(ruleName)).toEqual(['follow:topic:science']);
    expect(sut.mutes.map(ruleName)).toEqual(['mute:source:s1']);
    expect(sut).toMatchObject({ blend: DEFAULT_BLEND, blendCustomized: false });
    expect([...sut.moreLike]).toEqual([['m', 'More']]);
    expect([...sut.lessLike]).toEqual([['l', 'Less']]);
    expect(mutedBy(article('x'), sut)?.id).toBe('2');
    expect(mutedBy(article('x', '', 'technology', 's2'), sut)).toBeUndefined();
    expect(preferencesOf(undefined)).toBe(NO_PREFERENCES);
  });
});

describe(containsKeyword.name, () => {
  it.each([
    ['New GPU benchmarks', 'gpu', true],
    ['GPUs are scarce', 'gpu', false],
    ['He said so', 'ai', false],
    ['AI, again', 'ai', true],
    ['Open-source AI models', 'source ai', true],
    ['Ｇｐｕ in full width', 'gpu', true],
    ['人工智能芯片发布', '芯片', true],
    ['', 'gpu', false],
    ['anything', '', false],
  ])('%j contains %j: %s', (text, keyword, expected) => {
    expect(containsKeyword(text, keyword)).toBe(expected);
  });
});
