import type { recommender } from '@autoglm/contracts';
import { mapArticleSummary } from '../articles/articles.mapper';
import { isoOrNull } from '../common/values.mapper';
import type { StoryBriefDto } from './story-brief.dto';

export function mapStoryBrief(brief: recommender.GetStoryBriefResponse): StoryBriefDto {
  return {
    storyId: brief.storyId,
    title: brief.title,
    since: isoOrNull(brief.since),
    newArticles: brief.newArticles,
    sentences: brief.sentences.flatMap((s) =>
      s.article
        ? [{ text: s.text, score: s.score, article: mapArticleSummary(s.article) }]
        : [],
    ),
  };
}
