import type { storage } from '@autoglm/contracts';
import { mapArticleSummary } from '../articles/articles.mapper';
import { isoOrNull } from '../common/values.mapper';
import type { ListStoriesQueryDto, StoryDto, StoryPageDto } from './story.dto';

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

/** The page's articles per story when the request names none: enough to show how each story unfolds. */
const DEFAULT_LISTED_ARTICLES = 5;

export function mapStoriesRequest(query: ListStoriesQueryDto): storage.ListStoriesRequest {
  return { limit: query.limit ?? 0, cursor: query.cursor ?? '', minSize: query.minSize ?? 0, articles: query.articles ?? DEFAULT_LISTED_ARTICLES };
}

export function mapStoryPage(page: storage.ListStoriesResponse): StoryPageDto {
  return { items: page.stories.map(mapStory), nextCursor: page.nextCursor || null };
}
