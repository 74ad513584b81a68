import type { ArticleFeedback, FeedBlend, FeedControls, FeedRule } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import type { ArticleFeedbackRow, FeedBlendRow, FeedRuleRow } from './feed-control-rows';

export function mapFeedRule(row: FeedRuleRow): FeedRule {
  return { id: row.id, kind: Number(row.kind), value: row.value, action: Number(row.action), createdAt: toTimestamp(row.createdAt) };
}

export function mapFeedBlend(row: FeedBlendRow): FeedBlend {
  return { relevance: Number(row.relevance), freshness: Number(row.freshness), diversity: Number(row.diversity) };
}

export function mapArticleFeedback(row: ArticleFeedbackRow): ArticleFeedback {
  return { articleId: row.articleId, direction: Number(row.direction), createdAt: toTimestamp(row.createdAt), title: row.title };
}

export function mapFeedControls(controls: { rules: FeedRuleRow[]; blend: FeedBlendRow | undefined; feedback: ArticleFeedbackRow[] }): FeedControls {
  return {
    rules: controls.rules.map(mapFeedRule),
    blend: controls.blend ? mapFeedBlend(controls.blend) : undefined,
    feedback: controls.feedback.map(mapArticleFeedback),
  };
}
