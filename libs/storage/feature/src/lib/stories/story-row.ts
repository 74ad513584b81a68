import type { ArticleRefRow } from '../articles/article-row';

export interface StoryRow {
  id: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
  size: number;
}

export interface StoryEntryRow extends ArticleRefRow {
  joinedAt: Date;
  similarity: number;
}

export interface ArticleStoryRow {
  articleId: string;
  storyId: string;
  nearDuplicateOf: string;
}

export interface StoryReadingRow {
  story: StoryRow;
  /** Oldest first; readAt is when the actor last read the article (null: never). */
  articles: Array<ArticleRefRow & { text: string; readAt: Date | null; storyReadAt: Date | null }>;
  lastReadAt: Date | null;
}
