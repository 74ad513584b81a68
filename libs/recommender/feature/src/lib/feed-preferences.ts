import { FeedbackDirection, FeedRuleAction, FeedRuleKind, type ArticleRef, type FeedBlend, type FeedControls, type FeedRule } from '@autoglm/contracts';

/**
 * The blend a user gets until they set one: relevance and freshness are the weights of those terms in
 * the ranking score, diversity is 1 − the MMR trade-off (the values the offline evaluation measured).
 */
export const DEFAULT_BLEND: Readonly<FeedBlend> = { relevance: 0.6, freshness: 0.2, diversity: 0.35 };
/** Score added to an article a follow rule matches (about what a close vector match adds). */
export const FOLLOW_BOOST = 0.3;
/** How many follow rules of each kind bring their own candidates (the rest only lift what is found anyway). */
export const FOLLOWED_CANDIDATE_RULES = 5;

/** A user's controls in the form the ranking applies them. */
export interface FeedPreferences {
  follows: FeedRule[];
  mutes: FeedRule[];
  blend: FeedBlend;
  /** Whether the user set the blend (then each item names it among its controls). */
  blendCustomized: boolean;
  /** "More like this" article ids → their title. */
  moreLike: Map<string, string>;
  /** "Less like this" article ids → their title. */
  lessLike: Map<string, string>;
}

export const NO_PREFERENCES: Readonly<FeedPreferences> = {
  follows: [],
  mutes: [],
  blend: DEFAULT_BLEND,
  blendCustomized: false,
  moreLike: new Map(),
  lessLike: new Map(),
};

export function preferencesOf(controls: FeedControls | undefined): FeedPreferences {
  if (!controls) return NO_PREFERENCES;
  const titled = (direction: FeedbackDirection) =>
    new Map(controls.feedback.filter((f) => f.direction === direction).map((f) => [f.articleId, f.title]));
  return {
    follows: controls.rules.filter((r) => r.action === FeedRuleAction.FEED_RULE_ACTION_FOLLOW),
    mutes: controls.rules.filter((r) => r.action === FeedRuleAction.FEED_RULE_ACTION_MUTE),
    blend: controls.blend ?? DEFAULT_BLEND,
    blendCustomized: controls.blend !== undefined,
    moreLike: titled(FeedbackDirection.FEEDBACK_DIRECTION_MORE),
    lessLike: titled(FeedbackDirection.FEEDBACK_DIRECTION_LESS),
  };
}

/** Whether a rule matches an article: its topic, its source, or a keyword in its title or summary. */
export function ruleMatches(rule: FeedRule, article: ArticleRef): boolean {
  switch (rule.kind) {
    case FeedRuleKind.FEED_RULE_KIND_TOPIC:
      return article.topic.toLowerCase() === rule.value;
    case FeedRuleKind.FEED_RULE_KIND_SOURCE:
      return article.sourceId === rule.value;
    case FeedRuleKind.FEED_RULE_KIND_KEYWORD:
      return containsKeyword(`${article.title}\n${article.summary}`, rule.value);
    default:
      return false;
  }
}

/** The first mute rule that matches the article (a muted article is never shown). */
export function mutedBy(article: ArticleRef, preferences: FeedPreferences): FeedRule | undefined {
  return preferences.mutes.find((rule) => ruleMatches(rule, article));
}

export function followedBy(article: ArticleRef, preferences: FeedPreferences): FeedRule[] {
  return preferences.follows.filter((rule) => ruleMatches(rule, article));
}

/** How a ranked item names a rule among its controls, e.g. "follow:topic:science". */
export function ruleName(rule: FeedRule): string {
  const action = rule.action === FeedRuleAction.FEED_RULE_ACTION_MUTE ? 'mute' : 'follow';
  return `${action}:${ruleKindName(rule.kind)}:${rule.value}`;
}

export function ruleKindName(kind: FeedRuleKind): 'topic' | 'source' | 'keyword' | 'unknown' {
  switch (kind) {
    case FeedRuleKind.FEED_RULE_KIND_TOPIC:
      return 'topic';
    case FeedRuleKind.FEED_RULE_KIND_SOURCE:
      return 'source';
    case FeedRuleKind.FEED_RULE_KIND_KEYWORD:
      return 'keyword';
    default:
      return 'unknown';
  }
}

/** The reason of an item a follow rule lifted. */
export function followReason(rule: FeedRule): string {
  switch (rule.kind) {
    case FeedRuleKind.FEED_RULE_KIND_TOPIC:
      return `you follow ${rule.value}`;
    case FeedRuleKind.FEED_RULE_KIND_SOURCE:
      return 'from a source you follow';
    default:
      return `mentions "${rule.value}", which you follow`;
  }
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;

/**
 * Whether text contains the keyword (already lower case): as whole words for alphabetic scripts
 * ("ai" does not match "said"), as a substring when the keyword is Chinese (no spaces between words).
 * Plain string search: no user-supplied pattern is ever compiled.
 */
export function containsKeyword(text: string, keyword: string): boolean {
  if (!keyword) return false;
  const haystack = text.normalize('NFKC').toLowerCase();
  if (HAN.test(keyword)) return haystack.includes(keyword);
  for (let at = haystack.indexOf(keyword); at >= 0; at = haystack.indexOf(keyword, at + 1)) {
    const before = at > 0 ? haystack[at - 1] : '';
    const after = haystack[at + keyword.length] ?? '';
    if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return true;
  }
  return false;
}
