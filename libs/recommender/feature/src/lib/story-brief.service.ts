import { Inject, Injectable } from '@nestjs/common';
import type { ArticleRef, storage as contracts } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { ANALYSIS_CLIENT, fromTimestamp, STORAGE_CLIENT, type AnalysisClient, type StorageClient } from '@autoglm/shared-grpc';
import { validateUserId } from './recommendation.service';

export const DEFAULT_BRIEF_SENTENCES = 5;
export const MAX_BRIEF_SENTENCES = 20;
/** The story's newest articles a brief reads (texts and all). */
export const BRIEF_ARTICLES = 50;

export interface StoryBriefSentence {
  text: string;
  /** The article the sentence comes from. */
  article: ArticleRef;
  score: number;
}

export interface StoryBrief {
  storyId: string;
  title: string;
  /** The user's last read of the story; undefined when they never read it (the brief covers it all). */
  since: Date | undefined;
  newArticles: number;
  sentences: StoryBriefSentence[];
}

/**
 * "What's new since you last read": the story's articles published after the user's last read of it (all of
 * them if never read) are the new documents, the articles they read the known ones; analysis picks the new
 * sentences that are central, unlike what was read and unlike each other, and each cites its article.
 */
@Injectable()
export class StoryBriefService {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(ANALYSIS_CLIENT) private readonly analysis: AnalysisClient,
  ) {}

  async brief(userId: string, storyId: string, limit: number): Promise<StoryBrief> {
    validateUserId(userId);
    const size = limit === 0 ? DEFAULT_BRIEF_SENTENCES : limit;
    if (!Number.isInteger(size) || size < 1 || size > MAX_BRIEF_SENTENCES) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_BRIEF_SENTENCES}`);
    }
    const reading = await this.storage.getStoryReading({ storyId, maxArticles: BRIEF_ARTICLES }, { actor: userId });
    const since = fromTimestamp(reading.lastReadAt);
    const fresh = reading.articles.filter((a) => !a.read && isAfter(a, since));
    const known = reading.articles.filter((a) => a.read);
    const result: StoryBrief = { storyId: reading.storyId, title: reading.title, since, newArticles: fresh.length, sentences: [] };
    if (fresh.length === 0) return result;
    const byId = new Map(fresh.flatMap((a) => (a.article ? [[a.article.id, a.article] as const] : [])));
    const { sentences } = await this.analysis.briefSentences({
      documents: [...fresh, ...known].flatMap((a) =>
        a.article ? [{ id: a.article.id, title: a.article.title, text: a.text, language: a.article.language, read: a.read }] : [],
      ),
      limit: size,
    });
    result.sentences = sentences.flatMap((s) => {
      const article = byId.get(s.documentId);
      if (!article) return [];
      return [{ text: s.text, score: s.score, article }];
    });
    return result;
  }
}

function isAfter(entry: contracts.StoryReadingArticle, since: Date | undefined): boolean {
  if (!since) return true;
  const published = fromTimestamp(entry.article?.publishedAt);
  return published !== undefined && published.getTime() > since.getTime();
}
