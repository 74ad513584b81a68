import type { recommender } from '@autoglm/contracts';
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
        ? [{ text: s.text, score: s.score, article: { id: s.article.articleId, title: s.article.title, url: s.article.url, publishedAt: isoOrNull(s.article.publishedAt) } }]
        : [],
    ),
  };
}
