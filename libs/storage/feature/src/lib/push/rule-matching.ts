import { DomainError } from '@autoglm/shared-errors';
import { isUuid } from '../shared/ids';

/** What a rule may do with an article that meets it. */
export const RULE_ACTIONS = ['notify', 'webhook', 'digest', 'mark_read', 'mute'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const MAX_RULE_TERMS = 20;
const MAX_TERM = 100;
const MAX_RULE_NAME = 100;

/** A rule's conditions and actions, validated and normalised. */
export interface RuleSpec {
  name: string;
  keywords: string[];
  topics: string[];
  sourceIds: string[];
  actions: RuleAction[];
  enabled: boolean;
}

/** The parts of an article rules look at. */
export interface MatchableArticle {
  sourceId: string;
  topic: string;
  /** Title, summary, keywords and text, as one folded string (see foldText). */
  folded: string;
}

// Letters of scripts written without spaces between words: a phrase in them is matched as a substring.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * Case-folds and reduces text to words separated by single spaces, with a space at each end, so a
 * word or phrase matches by plain substring search on word boundaries: linear time, no patterns
 * from users (nothing to backtrack on).
 */
export function foldText(text: string): string {
  const words = text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return ` ${words.join(' ')} `;
}

/** Whether a folded keyword occurs in folded text: on word boundaries, or anywhere for unspaced scripts. */
export function containsKeyword(folded: string, keyword: string): boolean {
  const needle = foldText(keyword);
  if (needle.trim() === '') return false;
  return UNSPACED.test(needle) ? folded.includes(needle.trim()) : folded.includes(needle);
}

/** Every non-empty condition list has an entry that matches (topics and sources exactly, keywords as words). */
export function ruleMatches(rule: Pick<RuleSpec, 'keywords' | 'topics' | 'sourceIds'>, article: MatchableArticle): boolean {
  if (rule.topics.length > 0 && !rule.topics.includes(article.topic)) return false;
  if (rule.sourceIds.length > 0 && !rule.sourceIds.includes(article.sourceId.toLowerCase())) return false;
  if (rule.keywords.length > 0 && !rule.keywords.some((k) => containsKeyword(article.folded, k))) return false;
  return rule.keywords.length + rule.topics.length + rule.sourceIds.length > 0;
}

function terms(values: readonly string[], field: string, normalise: (v: string) => string): string[] {
  if (values.length > MAX_RULE_TERMS) throw DomainError.invalidArgument(`${field}: at most ${MAX_RULE_TERMS} entries`);
  const out: string[] = [];
  for (const raw of values) {
    const value = normalise(raw);
    if (!value) throw DomainError.invalidArgument(`${field}: an entry is empty`);
    if (value.length > MAX_TERM) throw DomainError.invalidArgument(`${field}: an entry is longer than ${MAX_TERM} characters`);
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

/** Validates what a user wrote; INVALID_ARGUMENT names the first problem. */
export function checkRuleSpec(input: { name: string; keywords: string[]; topics: string[]; sourceIds: string[]; actions: string[]; enabled: boolean }): RuleSpec {
  const name = input.name.trim();
  if (!name) throw DomainError.invalidArgument('name is required');
  if (name.length > MAX_RULE_NAME) throw DomainError.invalidArgument(`name must be at most ${MAX_RULE_NAME} characters`);
  const keywords = terms(input.keywords, 'keywords', (k) => foldText(k).trim());
  const topics = terms(input.topics, 'topics', (t) => t.trim().toLowerCase());
  const sourceIds = terms(input.sourceIds, 'sourceIds', (s) => s.trim().toLowerCase());
  for (const id of sourceIds) if (!isUuid(id)) throw DomainError.invalidArgument(`sourceIds: "${id}" is not a source id`);
  if (keywords.length + topics.length + sourceIds.length === 0) {
    throw DomainError.invalidArgument('a rule needs at least one condition: keywords, topics or sourceIds');
  }
  const actions = terms(input.actions, 'actions', (a) => a.trim().toLowerCase());
  if (actions.length === 0) throw DomainError.invalidArgument(`actions: at least one of ${RULE_ACTIONS.join(', ')}`);
  for (const action of actions) {
    if (!(RULE_ACTIONS as readonly string[]).includes(action)) {
      throw DomainError.invalidArgument(`actions: "${action}" is not one of ${RULE_ACTIONS.join(', ')}`);
    }
  }
  return { name, keywords, topics, sourceIds, actions: actions as RuleAction[], enabled: input.enabled };
}
