import { storage } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { mapArticleRef } from '../articles/article.mapper';
import { mapSource } from '../sources/source.mapper';
import { savedFilters } from './library.service';
import type { ApiKeyRow, IdentityRow, MarksRow, SavedSearchRow, SessionRow, SubscriptionRow, UserArticleRow, UserRow } from './user-rows';

export function mapUser(row: UserRow): storage.User {
  return { id: row.id, name: row.name, isAdmin: row.isAdmin, createdAt: toTimestamp(row.createdAt), hasPassword: row.hasPassword };
}

export function mapSession(row: SessionRow): storage.Session {
  return { id: row.id, createdAt: toTimestamp(row.createdAt), expiresAt: toTimestamp(row.expiresAt) };
}

export function mapIdentity(row: IdentityRow): storage.Identity {
  return { issuer: row.issuer, subject: row.subject, createdAt: toTimestamp(row.createdAt) };
}

export function mapApiKey(row: ApiKeyRow): storage.ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: toTimestamp(row.createdAt),
    lastUsedAt: row.lastUsedAt ? toTimestamp(row.lastUsedAt) : undefined,
    revokedAt: row.revokedAt ? toTimestamp(row.revokedAt) : undefined,
  };
}

export function mapSubscription(row: SubscriptionRow): storage.Subscription {
  return { source: mapSource(row.source), category: row.category, createdAt: toTimestamp(row.createdAt), feedNumber: row.feedNumber };
}

export function mapMarks(row: MarksRow): storage.ArticleMarks {
  return {
    read: row.readAt !== null,
    starred: row.starredAt !== null,
    readAt: row.readAt ? toTimestamp(row.readAt) : undefined,
    starredAt: row.starredAt ? toTimestamp(row.starredAt) : undefined,
  };
}

export function mapUserArticle(row: UserArticleRow): storage.UserArticle {
  return {
    article: mapArticleRef(row),
    marks: mapMarks(row),
    itemNumber: row.itemNumber,
    feedNumber: row.feedNumber,
    author: row.author,
    contentHtml: row.contentHtml,
    sourceTitle: row.sourceTitle,
  };
}

export function mapSavedSearch(row: SavedSearchRow): storage.SavedSearch {
  const filters = savedFilters(row);
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    mode: row.mode,
    sourceId: filters.sourceId ?? '',
    topic: filters.topic ?? '',
    language: filters.language ?? '',
    publishedFrom: filters.from ? toTimestamp(new Date(filters.from)) : undefined,
    publishedTo: filters.to ? toTimestamp(new Date(filters.to)) : undefined,
    createdAt: toTimestamp(row.createdAt),
  };
}
