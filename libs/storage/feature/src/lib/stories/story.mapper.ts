import type { storage } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { mapArticleRef } from '../articles/article.mapper';
import type { ArticleStoryRow, StoryEntryRow, StoryReadingRow, StoryRow } from './story-row';

export function mapStory(story: StoryRow, timeline: StoryEntryRow[]): storage.Story {
  return {
    id: story.id,
    title: story.title,
    createdAt: toTimestamp(story.createdAt),
    updatedAt: toTimestamp(story.updatedAt),
    size: story.size,
    timeline: timeline.map((entry) => ({
      article: mapArticleRef(entry),
      joinedAt: toTimestamp(entry.joinedAt),
      similarity: Number(entry.similarity),
    })),
  };
}

export function mapArticleStory(row: ArticleStoryRow): storage.ArticleStory {
  return { articleId: row.articleId, storyId: row.storyId, nearDuplicateOf: row.nearDuplicateOf };
}

export function mapStoryReading(row: StoryReadingRow): storage.GetStoryReadingResponse {
  return {
    storyId: row.story.id,
    title: row.story.title,
    articles: row.articles.map((a) => ({ article: mapArticleRef(a), text: a.text ?? '', read: a.readAt !== null })),
    lastReadAt: row.lastReadAt ? toTimestamp(row.lastReadAt) : undefined,
  };
}
