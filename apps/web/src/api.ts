/** The REST API as the page uses it: the session cookie identifies the reader, the CSRF token goes with every change. */

export interface User {
  id: string;
  name: string;
  isAdmin: boolean;
  hasPassword: boolean;
}

export interface Session {
  user: User | null;
  via: 'session' | 'api-key' | null;
  csrfToken: string | null;
  accounts: boolean;
  /** The OpenID Connect provider to sign in with, by name; null when none is configured. */
  oidc?: string | null;
}

export interface ArticleSummary {
  id: string;
  sourceId: string;
  url: string;
  title: string;
  language: string | null;
  topic: string | null;
  summary: string | null;
  publishedAt: string | null;
}

export interface Marks {
  read: boolean;
  starred: boolean;
}

export interface ListItem {
  article: ArticleSummary;
  marks?: Marks;
  reason?: string;
  highlight?: string | null;
}

export interface Article extends ArticleSummary {
  sourceTitle: string;
  author: string | null;
  text: string;
  contentHtml: string;
  keywords: string[];
  storyId: string | null;
  similar: Array<{ id: string; title: string; url: string; score: number }>;
}

export interface Story {
  id: string;
  title: string;
  size: number;
  updatedAt: string | null;
  timeline: Array<{ article: ArticleSummary; joinedAt: string | null; similarity: number }>;
}

export interface StoryPage {
  items: Story[];
  nextCursor: string | null;
}

export interface Source {
  id: string;
  url: string;
  title: string;
  kind: string;
  status: string;
  category: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  lastFetchedAt: string | null;
  nextCheckAt: string | null;
  intervalSeconds: number;
  effectiveIntervalSeconds: number;
  articleCount: number;
  fullText: boolean;
  fullTextPending: number;
  pausedAt: string | null;
}

/** An item a source definition would produce (POST /api/v1/sources/preview). */
export interface ItemPreview {
  guid: string;
  url: string;
  title: string;
  author: string;
  publishedAt: string | null;
  text: string;
}

export interface SearchResult {
  items: Array<{ article: ArticleSummary; score: number; highlight: string | null }>;
  mode: string;
  notice: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

export function useCsrfToken(token: string | null): void {
  csrfToken = token;
}

interface RequestOptions {
  body?: unknown;
  /** A raw body with its type (OPML). */
  raw?: { type: string; text: string };
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: string | undefined;
  if (options.raw) {
    headers['content-type'] = options.raw.type;
    body = options.raw.text;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const message = (parsed as { message?: unknown } | undefined)?.message;
    throw new ApiError(response.status, typeof message === 'string' ? message : `HTTP ${response.status}`);
  }
  return parsed as T;
}

export const session = (): Promise<Session> => api<Session>('GET', '/api/v1/session');

export function setMarks(articleId: string, marks: Partial<Marks>): Promise<Marks> {
  return api<Marks>('PUT', `/api/v1/me/articles/${encodeURIComponent(articleId)}/state`, { body: marks });
}

/** Reading events teach the recommender; losing one is harmless, so failures are ignored. */
export function recordEvent(articleId: string, type: 'open' | 'like' | 'hide'): void {
  api('POST', '/api/v1/me/events', { body: { articleId, type } }).catch(() => undefined);
}
