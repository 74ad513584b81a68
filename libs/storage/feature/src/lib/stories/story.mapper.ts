import type { storage } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { mapArticleRef } from '../articles/article.mapper';
import type { StoryEntryRow, StoryRow } from './story-row';

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
