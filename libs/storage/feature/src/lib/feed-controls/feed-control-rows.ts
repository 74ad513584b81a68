export interface FeedRuleRow {
  id: string;
  kind: number;
  value: string;
  action: number;
  createdAt: Date;
}

export interface FeedBlendRow {
  relevance: number;
  freshness: number;
  diversity: number;
}

export interface ArticleFeedbackRow {
  articleId: string;
  direction: number;
  createdAt: Date;
  title: string;
}
