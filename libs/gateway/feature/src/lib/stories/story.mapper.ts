import type { storage } from '@autoglm/contracts';
import { mapArticleSummary } from '../articles/articles.mapper';
import { isoOrNull } from '../common/values.mapper';
import type { StoryDto } from './story.dto';

export function mapStory(story: storage.Story): StoryDto {
  return {
    id: story.id,
    title: story.title,
    createdAt: isoOrNull(story.createdAt),
    updatedAt: isoOrNull(story.updatedAt),
    size: story.size,
    timeline: story.timeline.flatMap((entry) =>
      entry.article ? [{ article: mapArticleSummary(entry.article), joinedAt: isoOrNull(entry.joinedAt), similarity: entry.similarity }] : [],
    ),
  };
}
