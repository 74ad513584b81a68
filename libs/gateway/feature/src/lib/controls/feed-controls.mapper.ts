import { FeedbackDirection, FeedRuleAction, FeedRuleKind, type ArticleFeedback, type FeedBlend, type FeedControls, type FeedRule } from '@autoglm/contracts';
import { assertUnreachable, DomainError, ErrorCode } from '@autoglm/shared-errors';
import { isoOrNull, required } from '../common/values.mapper';
import type {
  ArticleFeedbackDto,
  FeedbackChangeName,
  FeedbackDirectionName,
  FeedBlendDto,
  FeedControlsDto,
  FeedRuleActionName,
  FeedRuleDto,
  FeedRuleKindName,
} from './feed-controls.dto';

export function mapFeedRuleKind(kind: FeedRuleKindName): FeedRuleKind {
  switch (kind) {
    case 'topic':
      return FeedRuleKind.FEED_RULE_KIND_TOPIC;
    case 'source':
      return FeedRuleKind.FEED_RULE_KIND_SOURCE;
    case 'keyword':
      return FeedRuleKind.FEED_RULE_KIND_KEYWORD;
    default:
      return assertUnreachable(kind, 'feed rule kind');
  }
}

export function mapFeedRuleAction(action: FeedRuleActionName): FeedRuleAction {
  switch (action) {
    case 'follow':
      return FeedRuleAction.FEED_RULE_ACTION_FOLLOW;
    case 'mute':
      return FeedRuleAction.FEED_RULE_ACTION_MUTE;
    default:
      return assertUnreachable(action, 'feed rule action');
  }
}

export function mapFeedbackChange(direction: FeedbackChangeName): FeedbackDirection {
  switch (direction) {
    case 'more':
      return FeedbackDirection.FEEDBACK_DIRECTION_MORE;
    case 'less':
      return FeedbackDirection.FEEDBACK_DIRECTION_LESS;
    case 'none':
      return FeedbackDirection.FEEDBACK_DIRECTION_UNSPECIFIED;
    default:
      return assertUnreachable(direction, 'feedback direction');
  }
}

function kindName(kind: FeedRuleKind): FeedRuleKindName {
  switch (kind) {
    case FeedRuleKind.FEED_RULE_KIND_TOPIC:
      return 'topic';
    case FeedRuleKind.FEED_RULE_KIND_SOURCE:
      return 'source';
    case FeedRuleKind.FEED_RULE_KIND_KEYWORD:
      return 'keyword';
    default:
      throw new DomainError(ErrorCode.Internal, `the answer had an unknown feed rule kind ${kind}`);
  }
}

export function mapFeedRule(rule: FeedRule | undefined): FeedRuleDto {
  const r = required(rule, 'feed rule');
  const action: FeedRuleActionName = r.action === FeedRuleAction.FEED_RULE_ACTION_MUTE ? 'mute' : 'follow';
  const kind = kindName(r.kind);
  return { id: r.id, kind, value: r.value, action, control: `${action}:${kind}:${r.value}`, createdAt: isoOrNull(r.createdAt) };
}

export function mapFeedBlend(blend: FeedBlend | undefined): FeedBlendDto {
  const b = required(blend, 'blend');
  return { relevance: b.relevance, freshness: b.freshness, diversity: b.diversity };
}

export function mapArticleFeedback(feedback: ArticleFeedback | undefined): ArticleFeedbackDto {
  const f = required(feedback, 'feedback');
  const direction: FeedbackDirectionName = f.direction === FeedbackDirection.FEEDBACK_DIRECTION_LESS ? 'less' : 'more';
  return { articleId: f.articleId, title: f.title, direction, control: `${direction}-like:${f.articleId}`, createdAt: isoOrNull(f.createdAt) };
}

export function mapFeedControls(controls: FeedControls | undefined): FeedControlsDto {
  const c = required(controls, 'controls');
  return { rules: c.rules.map(mapFeedRule), blend: mapFeedBlend(c.blend), feedback: c.feedback.map(mapArticleFeedback) };
}
