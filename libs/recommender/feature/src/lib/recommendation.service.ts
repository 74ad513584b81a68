import { Inject, Injectable } from '@nestjs/common';
import { EventType, type ArticleRef } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { CLOCK, type Clock } from './clock';
import { rankCandidates, type Candidate, type RankedItem } from './ranking';
import { buildProfile, type EmbeddedArticle, type ProfileEvent } from './user-profile';

export const MAX_PROFILE_EVENTS = 200;
export const MAX_RECOMMENDATIONS = 100;

export interface Recommendations {
  items: RankedItem[];
  profileEvents: number;
}

@Injectable()
export class RecommendationService {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async recordEvent(input: { userId: string; articleId: string; type: EventType; dwellSeconds: number }): Promise<string> {
    validateUserId(input.userId);
    if (!input.articleId) throw DomainError.invalidArgument('articleId is required');
    if (input.type === EventType.EVENT_TYPE_UNSPECIFIED || !(input.type in EventType)) {
      throw DomainError.invalidArgument('type must be one of open, dwell, like, hide');
    }
    if (!Number.isFinite(input.dwellSeconds) || input.dwellSeconds < 0) {
      throw DomainError.invalidArgument('dwellSeconds must be a non-negative number');
    }
    const { eventId } = await this.storage.recordEvent({
      userId: input.userId,
      articleId: input.articleId,
      type: input.type,
      dwellSeconds: input.dwellSeconds,
      occurredAt: undefined,
    });
    return eventId;
  }

  /**
   * Personalized ranking: profile from the user's events → candidates from the profile's vector
   * neighbours plus the freshest articles → blended score with an explanation per item.
   */
  async recommend(userId: string, limit: number): Promise<Recommendations> {
    validateUserId(userId);
    const size = limit || 20;
    if (!Number.isInteger(size) || size < 1 || size > MAX_RECOMMENDATIONS) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_RECOMMENDATIONS}`);
    }
    const now = this.clock.now();
    const { events } = await this.storage.listUserEvents({ userId, limit: MAX_PROFILE_EVENTS });
    const profileEvents: ProfileEvent[] = events.map((e) => ({
      articleId: e.articleId,
      type: e.type,
      dwellSeconds: e.dwellSeconds,
      occurredAt: fromTimestamp(e.occurredAt) ?? now,
    }));
    const readIds = [...new Set(profileEvents.map((e) => e.articleId))];
    const readEmbeddings = await this.embeddings(readIds);
    const profile = buildProfile(profileEvents, readEmbeddings, now);

    const candidates = new Map<string, ArticleRef>();
    if (profile.vector.length > 0) {
      const { articles } = await this.storage.nearestArticles({
        vector: profile.vector,
        limit: size * 3,
        excludeIds: readIds,
        modelVersion: '',
      });
      for (const a of articles) if (a.article) candidates.set(a.article.id, a.article);
    }
    const fresh = await this.storage.listArticles({ limit: Math.min(100, size * 2), cursor: '', sourceId: '', topic: '', language: '' });
    for (const a of fresh.articles) {
      if (!candidates.has(a.id)) {
        candidates.set(a.id, {
          id: a.id,
          sourceId: a.sourceId,
          url: a.url,
          title: a.title,
          language: a.language,
          topic: a.topic,
          summary: a.summary,
          publishedAt: a.publishedAt ?? a.fetchedAt,
        });
      }
    }
    const candidateEmbeddings = await this.embeddings([...candidates.keys()]);
    const list: Candidate[] = [...candidates.values()].map((article) => ({
      article,
      vector: candidateEmbeddings.get(article.id)?.vector ?? [],
    }));
    return { items: rankCandidates(list, profile, now, size), profileEvents: profile.eventCount };
  }

  private async embeddings(ids: string[]): Promise<Map<string, EmbeddedArticle>> {
    const map = new Map<string, EmbeddedArticle>();
    if (ids.length === 0) return map;
    const { embeddings } = await this.storage.getEmbeddings({ articleIds: ids });
    for (const e of embeddings) map.set(e.articleId, { articleId: e.articleId, title: e.title, vector: e.vector });
    return map;
  }
}

function validateUserId(userId: string): void {
  if (!userId || !userId.trim()) throw DomainError.invalidArgument('userId is required');
  if (userId.length > 128) throw DomainError.invalidArgument('userId is longer than 128 characters');
}
