import { storage } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { mapArticleSummary } from '../articles/articles.mapper';
import { isoOrNull, required, textOrNull } from '../common/values.mapper';
import { mapReadingListFilter, mapSearchModeName, mapSearchModeToContract } from '../search/search.mapper';
import { SearchModeName } from '../search/search.dto';
import { mapSource } from '../sources/sources.mapper';
import type { GeneratedApiKey } from '../auth/api-key';
import type { Caller } from '../auth/caller';
import type {
  ApiKeyDto,
  ArticleMarksDto,
  CreateSavedSearchDto,
  NewApiKeyDto,
  ReadingListDto,
  ReadingListQueryDto,
  SavedSearchDto,
  SubscriptionDto,
  UserDto,
} from './me.dto';

function iso(ts: storage.User['createdAt']): string {
  return isoOrNull(ts) ?? '';
}

export function mapUser(user: storage.User | undefined): UserDto {
  const u = required(user, 'user');
  return { id: u.id, name: u.name, isAdmin: u.isAdmin, createdAt: iso(u.createdAt), hasPassword: u.hasPassword ?? false };
}

export function mapApiKey(key: storage.ApiKey | undefined): ApiKeyDto {
  const k = required(key, 'API key');
  return { id: k.id, name: k.name, prefix: k.prefix, createdAt: iso(k.createdAt), lastUsedAt: isoOrNull(k.lastUsedAt), revokedAt: isoOrNull(k.revokedAt) };
}

export function mapNewApiKey(key: storage.ApiKey | undefined, generated: GeneratedApiKey): NewApiKeyDto {
  return { ...mapApiKey(key), key: generated.key };
}

export function mapSubscription(subscription: storage.Subscription, caller: Caller): SubscriptionDto {
  return { source: mapSource(required(subscription.source, 'source'), caller), category: subscription.category, createdAt: iso(subscription.createdAt) };
}

export function mapMarks(marks: storage.ArticleMarks | undefined): ArticleMarksDto {
  const m = required(marks, 'marks');
  return { read: m.read, starred: m.starred, readAt: isoOrNull(m.readAt), starredAt: isoOrNull(m.starredAt) };
}

export function mapMarkChange(value: boolean | undefined): storage.MarkChange {
  if (value === undefined) return storage.MarkChange.MARK_CHANGE_UNSPECIFIED;
  return value ? storage.MarkChange.MARK_CHANGE_SET : storage.MarkChange.MARK_CHANGE_CLEAR;
}

export function mapReadingListRequest(query: ReadingListQueryDto): storage.ListUserArticlesRequest {
  return {
    limit: query.limit ?? 0,
    cursor: query.cursor ?? '',
    filter: mapReadingListFilter(query.filter),
    sourceId: query.sourceId ?? '',
    category: query.category ?? '',
    newerThan: undefined,
    olderThan: undefined,
    order: storage.ReadingListOrder.READING_LIST_ORDER_UNSPECIFIED,
    itemNumbers: [],
    afterItemNumber: '0',
    beforeItemNumber: '0',
    withContent: false,
    withTotal: false,
  };
}

export function mapReadingList(response: storage.ListUserArticlesResponse): ReadingListDto {
  return {
    items: response.articles.map((item) => ({ ...mapArticleSummary(required(item.article, 'article')), marks: mapMarks(item.marks) })),
    nextCursor: textOrNull(response.nextCursor),
  };
}

export function mapNewSavedSearch(body: CreateSavedSearchDto): storage.SavedSearch {
  return {
    id: '',
    name: body.name,
    query: body.q,
    mode: mapSearchModeToContract(body.mode ?? SearchModeName.hybrid),
    sourceId: body.sourceId ?? '',
    topic: body.topic ?? '',
    language: body.language ?? '',
    publishedFrom: body.from ? toTimestamp(new Date(body.from)) : undefined,
    publishedTo: body.to ? toTimestamp(new Date(body.to)) : undefined,
    createdAt: undefined,
  };
}

export function mapSavedSearch(search: storage.SavedSearch | undefined): SavedSearchDto {
  const s = required(search, 'saved search');
  return {
    id: s.id,
    name: s.name,
    q: s.query,
    mode: mapSearchModeName(s.mode),
    sourceId: textOrNull(s.sourceId),
    topic: textOrNull(s.topic),
    language: textOrNull(s.language),
    from: isoOrNull(s.publishedFrom),
    to: isoOrNull(s.publishedTo),
    createdAt: iso(s.createdAt),
  };
}
