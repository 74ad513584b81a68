import type { ArticleRefRow } from '../articles/article-row';
import type { SourceRow } from '../sources/source-row';

export interface UserRow {
  id: string;
  name: string;
  isAdmin: boolean;
  createdAt: Date;
  hasPassword: boolean;
}

export const USER_COLUMNS = `u.id, u.name, u.is_admin AS "isAdmin", u.created_at AS "createdAt", u.password_hash IS NOT NULL AS "hasPassword"`;

export interface SessionRow {
  id: string;
  createdAt: Date;
  expiresAt: Date;
}

export const SESSION_COLUMNS = `s.id, s.created_at AS "createdAt", s.expires_at AS "expiresAt"`;

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const API_KEY_COLUMNS = `k.id, k.name, k.prefix, k.created_at AS "createdAt", k.last_used_at AS "lastUsedAt", k.revoked_at AS "revokedAt"`;

export interface SubscriptionRow {
  source: SourceRow;
  category: string;
  createdAt: Date;
  /** sources.feed_number as decimal text. */
  feedNumber: string;
}

export interface MarksRow {
  readAt: Date | null;
  starredAt: Date | null;
}

/** A reading-list row; author, contentHtml and sourceTitle are '' unless the request asked with_content. */
export type UserArticleRow = ArticleRefRow &
  MarksRow & { sortKey: string; itemNumber: string; feedNumber: string; author: string; contentHtml: string; sourceTitle: string };

export interface SavedSearchRow {
  id: string;
  name: string;
  query: string;
  mode: number;
  filters: string;
  createdAt: Date;
}

export const SAVED_SEARCH_COLUMNS = `q.id, q.name, q.query, q.mode, q.filters, q.created_at AS "createdAt"`;

/** An external identity (OpenID Connect issuer and subject) linked to a user. */
export interface IdentityRow {
  issuer: string;
  subject: string;
  createdAt: Date;
}
