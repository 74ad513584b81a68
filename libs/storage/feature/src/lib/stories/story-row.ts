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
