import { Inject, Injectable } from '@nestjs/common';
import { EventType, FeedbackDirection, FeedRuleKind, storage as contracts, type ArticleRef } from '@autoglm/contracts';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { fromTimestamp, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { ArticleMemo } from './article-memo';
import { CLOCK, type Clock } from './clock';
import { FOLLOWED_CANDIDATE_RULES, preferencesOf, type FeedPreferences } from './feed-preferences';
import type { StoryFacts } from './novelty';
import { rankCandidates, type Candidate, type RankedItem } from './ranking';
import { buildProfile, type ArticleFacts, type EmbeddedArticle, type LikedArticle, type ProfileEvent, type ProfileFeedback, type UserProfile } from './user-profile';

export const MAX_PROFILE_EVENTS = 200;
export const MAX_RECOMMENDATIONS = 100;
/** How many liked articles without embeddings seed word-overlap candidates. */
const LEXICAL_SOURCES = 3;
/** A word-overlap match is at most this relevant (a close vector match can reach 1). */
const LEXICAL_MAX_RELEVANCE = 0.7;

export interface Recommendations {
  items: RankedItem[];
  profileEvents: number;
}

@Injectable()
export class RecommendationService {
  private readonly vectors = new ArticleMemo<EmbeddedArticle>();
  private readonly articleFacts = new ArticleMemo<ArticleFacts>();
  /**
   * An article joins one story once (storage never moves it) with its near-duplicate link, so those facts are
   * kept; an article in no story yet may join one, so it is asked again.
   */
  private readonly stories = new ArticleMemo<StoryFacts>((facts) => facts.storyId !== '');

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
    // Storage takes the user from the call's actor metadata, as this service received it.
    const { eventId } = await this.storage.recordEvent(
      { articleId: input.articleId, type: input.type, dwellSeconds: input.dwellSeconds, occurredAt: undefined },
      { actor: input.userId },
    );
    return eventId;
  }

  /**
   * Personalized ranking: a profile from the user's events → candidates from the profile's vector
   * neighbours, word-overlap neighbours of liked articles that have no embedding, and the freshest
   * articles → blended score, MMR diversity and exploration, each item with its reason.
   */
  async recommend(userId: string, limit: number): Promise<Recommendations> {
    validateUserId(userId);
    const size = limit || 20;
    if (!Number.isInteger(size) || size < 1 || size > MAX_RECOMMENDATIONS) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_RECOMMENDATIONS}`);
    }
    const now = this.clock.now();
    const { profile, readIds, preferences } = await this.profile(userId, now);

    // The generators are independent: asked at once (PostgreSQL runs them side by side).
    const [nearest, lexical, fresh, followed] = await Promise.all([
      profile.vector.length > 0 ? this.storage.nearestArticles({ vector: profile.vector, limit: size * 3, excludeIds: readIds, modelVersion: '' }) : { articles: [] },
      this.lexicalCandidates(profile.liked, size),
      this.freshArticles({ limit: Math.min(100, size * 2) }),
      this.followedCandidates(preferences, size),
    ]);
    const candidates: Candidate[] = nearest.articles.flatMap((a) => (a.article ? [{ article: a.article, vector: [] }] : []));
    candidates.push(...lexical);
    for (const article of [...fresh, ...followed]) candidates.push({ article, vector: [] });
    const candidateIds = [...new Set(candidates.map((c) => c.article.id))];
    const [candidateEmbeddings, stories] = await Promise.all([
      this.embeddings(candidateIds),
      this.storyFacts([...new Set([...candidateIds, ...profile.liked.map((l) => l.articleId)])]),
    ]);
    for (const c of candidates) c.vector = candidateEmbeddings.get(c.article.id)?.vector ?? [];
    return { items: rankCandidates(candidates, profile, now, size, {}, preferences, stories), profileEvents: profile.eventCount };
  }

  /** Each article's story and near-duplicate link (for novelty: what retells an article the user read). */
  async storyFacts(ids: string[]): Promise<Map<string, StoryFacts>> {
    return this.stories.getMany(ids, async (missing) => {
      const { stories } = await this.storage.getArticleStories({ articleIds: missing });
      return new Map(stories.map((s) => [s.articleId, { storyId: s.storyId, nearDuplicateOf: s.nearDuplicateOf }]));
    });
  }

  /** The newest articles, optionally of one topic or source. */
  private async freshArticles(filter: { limit: number; topic?: string; sourceId?: string }): Promise<ArticleRef[]> {
    const { articles } = await this.storage.listArticles({
      limit: filter.limit,
      cursor: '',
      sourceId: filter.sourceId ?? '',
      topic: filter.topic ?? '',
      language: '',
      withoutContent: true,
    });
    return articles.map((a) => ({
      id: a.id,
      sourceId: a.sourceId,
      url: a.url,
      title: a.title,
      language: a.language,
      topic: a.topic,
      summary: a.summary,
      publishedAt: a.publishedAt ?? a.fetchedAt,
    }));
  }

  /**
   * Followed topics, sources and keywords bring their own newest articles (the first few rules of each
   * kind), so that a follow shows even what neither the profile nor the freshest page would find.
   */
  private async followedCandidates(preferences: FeedPreferences, size: number): Promise<ArticleRef[]> {
    const ofKind = (kind: FeedRuleKind) => preferences.follows.filter((r) => r.kind === kind).slice(0, FOLLOWED_CANDIDATE_RULES);
    const lists = await Promise.all([
      ...ofKind(FeedRuleKind.FEED_RULE_KIND_TOPIC).map((r) => this.freshArticles({ limit: size, topic: r.value })),
      ...ofKind(FeedRuleKind.FEED_RULE_KIND_SOURCE).map((r) => this.freshArticles({ limit: size, sourceId: r.value })),
      ...ofKind(FeedRuleKind.FEED_RULE_KIND_KEYWORD).map((r) => this.keywordArticles(r.value, size)),
    ]);
    return lists.flat();
  }

  /** Articles whose text has the keyword (full-text search for it as a phrase). */
  private async keywordArticles(keyword: string, size: number): Promise<ArticleRef[]> {
    const request: contracts.SearchRequest = {
      // A quoted phrase: the keyword's words together, nothing in it read as search syntax.
      query: `"${keyword.replace(/"/g, ' ').trim()}"`,
      mode: contracts.SearchMode.SEARCH_MODE_TEXT,
      limit: Math.min(50, size),
      cursor: '',
      sourceId: '',
      topic: '',
      language: '',
      publishedFrom: undefined,
      publishedTo: undefined,
      queryVector: [],
      modelVersion: '',
      readState: contracts.ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED,
    };
    try {
      const { hits } = await this.storage.search(request);
      return hits.flatMap((h) => (h.article ? [h.article] : []));
    } catch (error) {
      return unsearchable(error);
    }
  }

  /**
   * The user's profile from their newest events and "more/less like this" feedback (and the articles
   * those were on), with the follow/mute preferences of their feed controls.
   */
  async profile(userId: string, now: Date): Promise<{ profile: UserProfile; readIds: string[]; preferences: FeedPreferences }> {
    const [{ events }, { controls }] = await Promise.all([
      this.storage.listUserEvents({ limit: MAX_PROFILE_EVENTS }, { actor: userId }),
      this.storage.getFeedControls({}, { actor: userId }),
    ]);
    const preferences = preferencesOf(controls);
    const feedback: ProfileFeedback[] = (controls?.feedback ?? []).map((f) => ({
      articleId: f.articleId,
      more: f.direction === FeedbackDirection.FEEDBACK_DIRECTION_MORE,
    }));
    const profileEvents: ProfileEvent[] = events.map((e) => ({
      articleId: e.articleId,
      type: e.type,
      dwellSeconds: e.dwellSeconds,
      occurredAt: fromTimestamp(e.occurredAt) ?? now,
    }));
    const readIds = [...new Set([...profileEvents.map((e) => e.articleId), ...feedback.map((f) => f.articleId)])];
    const [readEmbeddings, readFacts] = await Promise.all([this.embeddings(readIds), this.facts(readIds)]);
    return { profile: buildProfile(profileEvents, readEmbeddings, readFacts, now, feedback), readIds, preferences };
  }

  /**
   * Liked articles without a meaningful embedding (Chinese with the English model) still find
   * neighbours: storage answers SimilarArticles for them by keyword overlap. Relevance is the
   * overlap score relative to the best one of that article, kept below a strong vector match.
   */
  private async lexicalCandidates(liked: LikedArticle[], size: number): Promise<Candidate[]> {
    const sources = liked.filter((l) => l.vector.length === 0).slice(0, LEXICAL_SOURCES);
    const lists = await Promise.all(
      sources.map(async (of) => ({ of, articles: (await this.storage.similarArticles({ articleId: of.articleId, limit: size })).articles })),
    );
    return lists.flatMap(({ of, articles }) => {
      const best = Math.max(0, ...articles.map((a) => a.score));
      return articles.flatMap((a) =>
        a.article && best > 0 ? [{ article: a.article, vector: [], lexical: { of, relevance: LEXICAL_MAX_RELEVANCE * (a.score / best) } }] : [],
      );
    });
  }

  async embeddings(ids: string[]): Promise<Map<string, EmbeddedArticle>> {
    return this.vectors.getMany(ids, async (missing) => {
      const { embeddings } = await this.storage.getEmbeddings({ articleIds: missing });
      return new Map(embeddings.map((e) => [e.articleId, { articleId: e.articleId, title: e.title, vector: e.vector }]));
    });
  }

  private async facts(ids: string[]): Promise<Map<string, ArticleFacts>> {
    return this.articleFacts.getMany(ids, async (missing) => {
      const { articles } = await this.storage.getArticleRefs({ articleIds: missing });
      return new Map(articles.map((a) => [a.id, { topic: a.topic, sourceId: a.sourceId, title: a.title }]));
    });
  }
}

/** A keyword the search cannot take (e.g. only stop words) brings no candidates; it still lifts and mutes by matching. */
function unsearchable(error: unknown): ArticleRef[] {
  if (error instanceof DomainError && error.code === ErrorCode.InvalidArgument) return [];
  throw error;
}

export function validateUserId(userId: string): void {
  if (!userId || !userId.trim()) throw DomainError.unauthenticated('the call names no acting user (x-autoglm-actor)');
  if (userId.length > 128) throw DomainError.invalidArgument('userId is longer than 128 characters');
}
