import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { storage } from '@autoglm/contracts';
import { defaultRateLimitConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, toTimestamp } from '@autoglm/shared-grpc';
import { FakeRpc } from '../testing/fake-backends';
import { graphQl, send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { ACCESS_RULE, AccessPolicy, type AccessRule } from './access';
import { AccessGuard } from './access.guard';
import { generateApiKey } from './api-key';
import { csrfTokenFor, generateSessionToken, hashSessionToken, SESSION_COOKIE } from './session-token';

/*
 * Every route and GraphQL root field of the gateway, with the policy it must declare and a request
 * that passes validation (so that an allowed call reaches a backend). The spec fails when the app
 * has a route this table does not list, when a route declares another policy, and when any form of a
 * call — anonymous, another user's, the user's own, an administrator's, and odd spellings of the path —
 * gets an answer its policy does not allow.
 */
const ID = '33333333-3333-4333-8333-333333333333';

interface RouteCase {
  policy: AccessPolicy;
  /** Path with sample ids; for Owner routes `{user}` is replaced by the id the call names. */
  path: string;
  body?: unknown;
  /** Raw body with its content type (OPML, or a feed-reader protocol's form). */
  raw?: { type: string; text: string };
  /**
   * A feed-reader protocol's route: Public for the guard, authenticated by the protocol itself. The
   * calls here carry no protocol credentials, so: Google Reader answers 401 without a key and serves
   * the key's owner with one (it also takes the API's Bearer key); ClientLogin answers its own 401
   * "Error=BadAuthentication"; Fever answers `auth: 0` (200). None of them reaches data without credentials.
   */
  protocol?: 'google-reader' | 'client-login' | 'fever';
  /** A Google Reader route that answers from the key alone (token, user-info): 200 for a key's owner, no backend call. */
  fromKeyAlone?: true;
  /** The web reader's page and files: outside the API and its OpenAPI document. */
  web?: true;
  /**
   * Answers from the gateway process itself: allowed means this status without a backend call (metrics 200; linking
   * an OpenID identity 404, as the test gateway has no provider).
   */
  local?: number;
}

const FORM = 'application/x-www-form-urlencoded';
const ITEM = 'tag:google.com,2005:reader/item/000a000000000007';

const ROUTES: Record<string, RouteCase> = {
  'GET /health': { policy: AccessPolicy.Public, path: '/health' },
  'GET /health/live': { policy: AccessPolicy.Public, path: '/health/live' },
  'GET /health/ready': { policy: AccessPolicy.Public, path: '/health/ready' },
  'GET /health/status': { policy: AccessPolicy.Public, path: '/health/status' },
  'GET /metrics': { policy: AccessPolicy.Administrator, path: '/metrics', local: 200 },
  'GET /websub/:sourceId': { policy: AccessPolicy.Public, path: `/websub/${ID}?hub.mode=subscribe&hub.topic=x&hub.challenge=c` },
  'POST /websub/:sourceId': { policy: AccessPolicy.Public, path: `/websub/${ID}`, raw: { type: 'application/atom+xml', text: '<feed/>' } },
  'GET /api/v1/sources': { policy: AccessPolicy.Reader, path: '/api/v1/sources' },
  'GET /api/v1/sources/export': { policy: AccessPolicy.Reader, path: '/api/v1/sources/export' },
  'GET /api/v1/sources/:id': { policy: AccessPolicy.Reader, path: `/api/v1/sources/${ID}` },
  'POST /api/v1/sources': { policy: AccessPolicy.InstanceWrite, path: '/api/v1/sources', body: { url: 'https://example.org/feed.xml' } },
  'POST /api/v1/sources/import': {
    policy: AccessPolicy.InstanceWrite,
    path: '/api/v1/sources/import',
    raw: { type: 'text/xml', text: '<opml version="2.0"><body><outline xmlUrl="https://example.org/f.xml"/></body></opml>' },
  },
  'POST /api/v1/sources/preview': {
    policy: AccessPolicy.InstanceWrite,
    path: '/api/v1/sources/preview',
    body: { url: 'https://example.org/api', kind: 'jsonApi', options: { fields: { title: 'name' } } },
  },
  'PATCH /api/v1/sources/:id': { policy: AccessPolicy.InstanceWrite, path: `/api/v1/sources/${ID}`, body: { options: { itemSelector: 'article' } } },
  'POST /api/v1/sources/:id/refresh': { policy: AccessPolicy.InstanceWrite, path: `/api/v1/sources/${ID}/refresh` },
  'POST /api/v1/sources/:id/resume': { policy: AccessPolicy.InstanceWrite, path: `/api/v1/sources/${ID}/resume` },
  'POST /api/v1/sources/:id/pause': { policy: AccessPolicy.InstanceWrite, path: `/api/v1/sources/${ID}/pause` },
  'GET /api/v1/articles': { policy: AccessPolicy.Reader, path: '/api/v1/articles' },
  'GET /api/v1/articles/:id': { policy: AccessPolicy.Reader, path: `/api/v1/articles/${ID}` },
  'DELETE /api/v1/articles/:id': { policy: AccessPolicy.InstanceWrite, path: `/api/v1/articles/${ID}` },
  'POST /api/v1/events': { policy: AccessPolicy.Owner, path: '/api/v1/events', body: { userId: '{user}', articleId: ID, type: 'open' } },
  'GET /api/v1/users/:id/recommendations': { policy: AccessPolicy.Owner, path: '/api/v1/users/{user}/recommendations' },
  'GET /api/v1/search': { policy: AccessPolicy.Reader, path: '/api/v1/search?q=models' },
  'GET /api/v1/stories': { policy: AccessPolicy.Reader, path: '/api/v1/stories?limit=5&minSize=2' },
  'GET /api/v1/stories/:id': { policy: AccessPolicy.Reader, path: `/api/v1/stories/${ID}` },
  'GET /api/v1/system/inference': { policy: AccessPolicy.Reader, path: '/api/v1/system/inference' },
  'GET /api/v1/admin/models': { policy: AccessPolicy.Administrator, path: '/api/v1/admin/models' },
  'POST /api/v1/admin/models/pull': { policy: AccessPolicy.Administrator, path: '/api/v1/admin/models/pull', body: { repoId: 'Xenova/all-MiniLM-L6-v2' } },
  'GET /api/v1/admin/models/pull/:jobId': { policy: AccessPolicy.Administrator, path: `/api/v1/admin/models/pull/${ID}` },
  'POST /api/v1/users': { policy: AccessPolicy.Bootstrap, path: '/api/v1/users', body: { name: 'carol' } },
  'GET /api/v1/me': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me' },
  'GET /api/v1/me/api-keys': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/api-keys' },
  'POST /api/v1/me/api-keys': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/api-keys', body: { name: 'phone' } },
  'DELETE /api/v1/me/api-keys/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/api-keys/${ID}` },
  'GET /api/v1/me/subscriptions': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/subscriptions' },
  'PUT /api/v1/me/subscriptions/:sourceId': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/subscriptions/${ID}`, body: { category: 'Tech' } },
  'DELETE /api/v1/me/subscriptions/:sourceId': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/subscriptions/${ID}` },
  'GET /api/v1/me/articles': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/articles' },
  'PUT /api/v1/me/articles/:id/state': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/articles/${ID}/state`, body: { read: true } },
  'GET /api/v1/me/saved-searches': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/saved-searches' },
  'POST /api/v1/me/saved-searches': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/saved-searches', body: { name: 'ai', q: 'models' } },
  'GET /api/v1/me/saved-searches/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/saved-searches/${ID}` },
  'GET /api/v1/me/saved-searches/:id/results': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/saved-searches/${ID}/results` },
  'DELETE /api/v1/me/saved-searches/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/saved-searches/${ID}` },
  'GET /api/v1/me/controls': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/controls' },
  'POST /api/v1/me/controls/rules': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/controls/rules', body: { kind: 'topic', value: 'science', action: 'follow' } },
  'DELETE /api/v1/me/controls/rules/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/controls/rules/${ID}` },
  'PUT /api/v1/me/controls/blend': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/controls/blend', body: { relevance: 0.5, freshness: 0.5, diversity: 0.2 } },
  'PUT /api/v1/me/articles/:id/feedback': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/articles/${ID}/feedback`, body: { direction: 'more' } },
  'DELETE /api/v1/me/articles/:id/feedback': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/articles/${ID}/feedback` },
  'GET /api/v1/me/recommendations': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/recommendations' },
  'POST /api/v1/me/events': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/events', body: { articleId: ID, type: 'open' } },
  'PUT /api/v1/me/fever': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/fever', body: { password: 'correct horse' } },
  'DELETE /api/v1/me/fever': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/fever' },
  'GET /api/v1/me/stream': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/stream' },
  'GET /api/v1/me/rules': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/rules' },
  'POST /api/v1/me/rules': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/rules', body: { name: 'rust', keywords: ['rust'], actions: ['notify'] } },
  'GET /api/v1/me/rules/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/rules/${ID}` },
  'PUT /api/v1/me/rules/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/rules/${ID}`, body: { name: 'rust', topics: ['technology'], actions: ['mute'] } },
  'DELETE /api/v1/me/rules/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/rules/${ID}` },
  'GET /api/v1/me/webhooks': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/webhooks' },
  'POST /api/v1/me/webhooks': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/webhooks', body: { url: 'https://example.org/hook' } },
  'PATCH /api/v1/me/webhooks/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/webhooks/${ID}`, body: { enabled: true } },
  'DELETE /api/v1/me/webhooks/:id': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/webhooks/${ID}` },
  'POST /api/v1/me/webhooks/:id/test': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/webhooks/${ID}/test` },
  'GET /api/v1/me/webhooks/:id/deliveries': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/webhooks/${ID}/deliveries` },
  'GET /api/v1/me/digest': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/digest?period=hourly' },
  'GET /api/v1/me/digest/settings': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/digest/settings' },
  'PUT /api/v1/me/digest/settings': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/digest/settings', body: { period: 'daily', email: 'a@example.org' } },
  'GET /api/v1/me/stories/:id/brief': { policy: AccessPolicy.KeyHolder, path: `/api/v1/me/stories/${ID}/brief?limit=3` },
  'POST /accounts/ClientLogin': { policy: AccessPolicy.Public, protocol: 'client-login', path: '/accounts/ClientLogin', raw: { type: FORM, text: 'Email=alice' } },
  'GET /reader/api/0/token': { policy: AccessPolicy.Public, protocol: 'google-reader', fromKeyAlone: true, path: '/reader/api/0/token' },
  'GET /reader/api/0/user-info': { policy: AccessPolicy.Public, protocol: 'google-reader', fromKeyAlone: true, path: '/reader/api/0/user-info' },
  'GET /reader/api/0/subscription/list': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/subscription/list?output=json' },
  'GET /reader/api/0/tag/list': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/tag/list?output=json' },
  'GET /reader/api/0/unread-count': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/unread-count?output=json' },
  'POST /reader/api/0/subscription/edit': {
    policy: AccessPolicy.Public,
    protocol: 'google-reader',
    path: '/reader/api/0/subscription/edit',
    raw: { type: FORM, text: `ac=unsubscribe&s=feed/${ID}` },
  },
  'POST /reader/api/0/subscription/quickadd': {
    policy: AccessPolicy.Public,
    protocol: 'google-reader',
    path: '/reader/api/0/subscription/quickadd',
    raw: { type: FORM, text: 'quickadd=https://example.org/feed.xml' },
  },
  'POST /reader/api/0/rename-tag': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/rename-tag', raw: { type: FORM, text: 's=user/-/label/A&dest=user/-/label/B' } },
  'POST /reader/api/0/disable-tag': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/disable-tag', raw: { type: FORM, text: 's=user/-/label/A' } },
  'GET /reader/api/0/stream/items/ids': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=5' },
  'POST /reader/api/0/stream/items/ids': {
    policy: AccessPolicy.Public,
    protocol: 'google-reader',
    path: '/reader/api/0/stream/items/ids',
    raw: { type: FORM, text: 's=user/-/state/com.google/starred' },
  },
  'GET /reader/api/0/stream/items/contents': { policy: AccessPolicy.Public, protocol: 'google-reader', path: `/reader/api/0/stream/items/contents?i=${ITEM}` },
  'POST /reader/api/0/stream/items/contents': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/stream/items/contents', raw: { type: FORM, text: `i=${ITEM}` } },
  'GET /reader/api/0/stream/contents': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/stream/contents?n=5' },
  'GET /reader/api/0/stream/contents/*stream': { policy: AccessPolicy.Public, protocol: 'google-reader', path: `/reader/api/0/stream/contents/feed/${ID}` },
  'POST /reader/api/0/edit-tag': { policy: AccessPolicy.Public, protocol: 'google-reader', path: '/reader/api/0/edit-tag', raw: { type: FORM, text: `i=${ITEM}&a=user/-/state/com.google/read` } },
  'POST /reader/api/0/mark-all-as-read': {
    policy: AccessPolicy.Public,
    protocol: 'google-reader',
    path: '/reader/api/0/mark-all-as-read',
    raw: { type: FORM, text: 's=user/-/state/com.google/reading-list' },
  },
  'GET /api/v1/session': { policy: AccessPolicy.Visitor, path: '/api/v1/session' },
  'POST /api/v1/session': { policy: AccessPolicy.Public, path: '/api/v1/session', body: { name: 'alice', password: 'correct horse' } },
  'DELETE /api/v1/session': { policy: AccessPolicy.Visitor, path: '/api/v1/session' },
  'GET /api/v1/session/oidc': { policy: AccessPolicy.Public, path: '/api/v1/session/oidc' },
  'GET /api/v1/session/oidc/callback': { policy: AccessPolicy.Visitor, path: '/api/v1/session/oidc/callback?code=c&state=s' },
  'GET /api/v1/session/oidc/link': { policy: AccessPolicy.KeyHolder, path: '/api/v1/session/oidc/link', local: 404 },
  'GET /api/v1/me/identities': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/identities' },
  'DELETE /api/v1/me/identities': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/identities?issuer=https%3A%2F%2Fid.example.org&subject=s1' },
  'PUT /api/v1/me/password': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/password', body: { password: 'correct horse battery' } },
  'DELETE /api/v1/me/sessions': { policy: AccessPolicy.KeyHolder, path: '/api/v1/me/sessions' },
  'GET /': { policy: AccessPolicy.Public, path: '/', web: true },
  'GET /assets/:file': { policy: AccessPolicy.Public, path: '/assets/app.js', web: true },
  'GET /fever{/}': { policy: AccessPolicy.Public, protocol: 'fever', path: '/fever/?api&groups' },
  'POST /fever{/}': { policy: AccessPolicy.Public, protocol: 'fever', path: '/fever/?api&items', raw: { type: FORM, text: 'api_key=' } },
};

interface FieldCase {
  policy: AccessPolicy;
  /** The operation; `{user}` is replaced by the id the call names. */
  query: string;
}

const GRAPHQL_FIELDS: Record<string, FieldCase> = {
  'Query.articles': { policy: AccessPolicy.Reader, query: '{ articles { items { id } } }' },
  'Query.article': { policy: AccessPolicy.Reader, query: `{ article(id: "${ID}") { id } }` },
  'Query.sources': { policy: AccessPolicy.Reader, query: '{ sources { id } }' },
  'Query.search': { policy: AccessPolicy.Reader, query: '{ search(q: "models") { items { score } } }' },
  'Query.stories': { policy: AccessPolicy.Reader, query: '{ stories(limit: 5) { items { id size } nextCursor } }' },
  'Query.story': { policy: AccessPolicy.Reader, query: `{ story(id: "${ID}") { id timeline { article { id } } } }` },
  'Query.recommendations': { policy: AccessPolicy.Owner, query: '{ recommendations(userId: "{user}") { items { reason } } }' },
  'Query.me': { policy: AccessPolicy.KeyHolder, query: '{ me { id } }' },
  'Query.readingList': { policy: AccessPolicy.KeyHolder, query: '{ readingList { items { id } } }' },
  'Query.subscriptions': { policy: AccessPolicy.KeyHolder, query: '{ subscriptions { category } }' },
  'Query.savedSearches': { policy: AccessPolicy.KeyHolder, query: '{ savedSearches { id } }' },
  'Query.storyBrief': { policy: AccessPolicy.KeyHolder, query: `{ storyBrief(id: "${ID}", limit: 3) { title sentences { text } } }` },
  'Query.feedControls': { policy: AccessPolicy.KeyHolder, query: '{ feedControls { rules { id } blend { diversity } } }' },
  'Mutation.putFeedRule': { policy: AccessPolicy.KeyHolder, query: 'mutation { putFeedRule(kind: "keyword", value: "gpu", action: "mute") { id } }' },
  'Mutation.deleteFeedRule': { policy: AccessPolicy.KeyHolder, query: `mutation { deleteFeedRule(id: "${ID}") }` },
  'Mutation.setFeedBlend': { policy: AccessPolicy.KeyHolder, query: 'mutation { setFeedBlend(relevance: 0.5, freshness: 0.5, diversity: 0.5) { relevance } }' },
  'Mutation.setArticleFeedback': { policy: AccessPolicy.KeyHolder, query: `mutation { setArticleFeedback(articleId: "${ID}", direction: "less") { control } }` },
  'Mutation.addSource': {
    policy: AccessPolicy.InstanceWrite,
    query: 'mutation { addSource(input: { url: "https://example.org/", kind: "webPage", webPage: { itemSelector: "article" } }) { id } }',
  },
  'Mutation.updateSource': {
    policy: AccessPolicy.InstanceWrite,
    query: `mutation { updateSource(id: "${ID}", input: { jsonApi: { fields: { title: "name" } } }) { id } }`,
  },
  'Mutation.previewSource': {
    policy: AccessPolicy.InstanceWrite,
    query: 'mutation { previewSource(input: { url: "https://example.org/api", kind: "jsonApi", jsonApi: { fields: { title: "name" } } }) { title } }',
  },
  'Mutation.pauseSource': { policy: AccessPolicy.InstanceWrite, query: `mutation { pauseSource(id: "${ID}") { id pausedAt } }` },
  'Mutation.resumeSource': { policy: AccessPolicy.InstanceWrite, query: `mutation { resumeSource(id: "${ID}") { id status } }` },
  'Query.pushRules': { policy: AccessPolicy.KeyHolder, query: '{ pushRules { id } }' },
  'Mutation.createPushRule': { policy: AccessPolicy.KeyHolder, query: 'mutation { createPushRule(rule: { name: "r", keywords: ["rust"], actions: ["notify"] }) { id } }' },
  'Mutation.updatePushRule': {
    policy: AccessPolicy.KeyHolder,
    query: `mutation { updatePushRule(id: "${ID}", rule: { name: "r", topics: ["technology"], actions: ["digest"] }) { id } }`,
  },
  'Mutation.deletePushRule': { policy: AccessPolicy.KeyHolder, query: `mutation { deletePushRule(id: "${ID}") }` },
  'Mutation.setArticleState': { policy: AccessPolicy.KeyHolder, query: `mutation { setArticleState(articleId: "${ID}", read: true) { read } }` },
};

const CREATED = toTimestamp(new Date('2026-11-25T10:00:00.000Z'));
const ALICE: storage.User = { id: '11111111-1111-4111-8111-111111111111', name: 'alice', isAdmin: false, createdAt: CREATED };
const BOB: storage.User = { id: '44444444-4444-4444-8444-444444444444', name: 'bob', isAdmin: false, createdAt: CREATED };
const ROOT: storage.User = { id: '22222222-2222-4222-8222-222222222222', name: 'root', isAdmin: true, createdAt: CREATED };
const KEYS = { alice: generateApiKey().key, root: generateApiKey().key };
/** Web-reader sessions (cookies) of the same two users. */
const SESSIONS = { alice: generateSessionToken(), root: generateSessionToken() };

/** Who calls, and which user an Owner route names. */
type Form = 'anonymous' | 'user' | 'other-user' | 'administrator' | 'administrator for another';
const FORMS: Form[] = ['anonymous', 'user', 'other-user', 'administrator', 'administrator for another'];

interface Instance {
  accounts: boolean;
  authRequired: boolean;
  allowAnonymousWrites: boolean;
}

/** What the access model promises (README, "Who may do what"): true = the call reaches its handler. */
function allowed(policy: AccessPolicy, form: Form, instance: Instance): boolean | 'not found' {
  const anonymous = form === 'anonymous';
  const admin = form.startsWith('administrator');
  switch (policy) {
    case AccessPolicy.Public:
    case AccessPolicy.Visitor:
      return true;
    case AccessPolicy.Reader:
      return !(anonymous && instance.authRequired);
    case AccessPolicy.KeyHolder:
      return !anonymous;
    case AccessPolicy.Administrator:
      return admin;
    case AccessPolicy.Bootstrap:
      return anonymous ? !instance.accounts : admin;
    case AccessPolicy.InstanceWrite:
      if (anonymous) return !instance.authRequired && (!instance.accounts || instance.allowAnonymousWrites);
      return admin || instance.allowAnonymousWrites;
    case AccessPolicy.Owner:
      if (anonymous) return !instance.authRequired && !instance.accounts;
      return form === 'other-user' ? 'not found' : true;
  }
}

/**
 * What a feed-reader protocol's route answers a call without protocol credentials (see RouteCase.protocol):
 * the status, and whether a backend is reached. Google Reader serves an API key's owner (forms with a key).
 */
function protocolAnswer(routeCase: RouteCase, form: Form): { status?: number; reached: boolean } {
  switch (routeCase.protocol) {
    case undefined:
      throw new Error('not a feed-reader protocol route');
    case 'google-reader':
      if (form === 'anonymous') return { status: 401, reached: false };
      return routeCase.fromKeyAlone ? { status: 200, reached: false } : { reached: true };
    case 'client-login':
      return { status: 401, reached: false };
    case 'fever':
      return { status: 200, reached: false };
  }
}

function expectProtocolAnswer(route: string, routeCase: RouteCase, form: Form, outcome: { status: number; reached: boolean; text?: string }): void {
  const expected = protocolAnswer(routeCase, form);
  expect({ route, form, reached: outcome.reached }).toEqual({ route, form, reached: expected.reached });
  if (expected.status !== undefined) expect({ route, form, status: outcome.status }).toEqual({ route, form, status: expected.status });
  else expect({ route, form, status: outcome.status }).not.toEqual({ route, form, status: 500 });
  if (routeCase.protocol === 'fever' && outcome.text !== undefined) expect(JSON.parse(outcome.text)).toEqual({ api_version: 3, auth: 0 });
  if (routeCase.protocol === 'client-login' && outcome.text !== undefined) expect(outcome.text).toBe('Error=BadAuthentication\n');
}

function headersOf(form: Form): Record<string, string> {
  if (form === 'anonymous') return {};
  return { authorization: `Bearer ${form.startsWith('administrator') ? KEYS.root : KEYS.alice}` };
}

/** The user id an Owner call names: its own ("me") or another user's. */
function namedUser(form: Form): string {
  return form === 'other-user' || form === 'administrator for another' ? BOB.id : 'me';
}

/** Policies under which every caller is let through (the handler may still find nothing to do). */
function answersAnyone(policy: AccessPolicy): boolean {
  return policy === AccessPolicy.Public || policy === AccessPolicy.Visitor;
}

const BACKEND_REACHED = 'backend reached';
/** Thousands of calls from one address: the rate limits (specified in their own spec) would answer 429. */
const NO_RATE_LIMIT = { ...defaultRateLimitConfig(), enabled: false };
/**
 * /health starts background probes of every backend; one landing while a route is checked would count as that
 * route reaching a backend. A family of routes takes longer than the test gateway's default minute: never refresh.
 */
const NO_HEALTH_REFRESH = 24 * 3_600_000;

/** Every fake RPC answers UNAVAILABLE "backend reached", except the two the guard itself uses. */
function instrument(gateway: TestGateway, accounts: boolean): () => number {
  const users = new Map([
    [createHash('sha256').update(KEYS.alice).digest('hex'), ALICE],
    [createHash('sha256').update(KEYS.root).digest('hex'), ROOT],
  ]);
  const rpcs: Array<FakeRpc<unknown, unknown>> = [];
  for (const service of [gateway.backends.storage, gateway.backends.sources, gateway.backends.recommender, gateway.backends.analysis]) {
    for (const [name, fake] of Object.entries(service) as Array<[string, FakeRpc<unknown, unknown>]>) {
      if (name === 'authenticateApiKey' || name === 'authenticateSession' || name === 'countUsers') continue;
      fake.fails(new RemoteCallError(ErrorCode.Unavailable, BACKEND_REACHED, 14, name));
      rpcs.push(fake);
    }
  }
  gateway.backends.storage.countUsers.returns({ count: accounts ? 3 : 0 });
  gateway.backends.storage.authenticateApiKey.answers((request) => {
    const user = users.get(request.keyHash);
    return user
      ? Promise.resolve({ user, apiKeyId: 'key-1' })
      : Promise.reject(new RemoteCallError(ErrorCode.Unauthenticated, 'the API key is not valid (unknown or revoked)', 16, 'x'));
  });
  const sessions = new Map([
    [hashSessionToken(SESSIONS.alice), ALICE],
    [hashSessionToken(SESSIONS.root), ROOT],
  ]);
  gateway.backends.storage.authenticateSession.answers((request) => {
    const user = sessions.get(request.tokenHash);
    return user
      ? Promise.resolve({ user, session: { id: 'session-1', createdAt: CREATED, expiresAt: toTimestamp(new Date(Date.now() + 3_600_000)) } })
      : Promise.reject(new RemoteCallError(ErrorCode.Unauthenticated, 'the session is not valid (unknown, ended or expired)', 16, 'x'));
  });
  return () => rpcs.reduce((sum, rpc) => sum + rpc.requests.length, 0);
}

async function callRoute(gateway: TestGateway, method: string, route: RouteCase, form: Form, path = route.path) {
  const user = namedUser(form);
  const target = path.replace('{user}', user);
  const headers = headersOf(form);
  if (route.raw) return send(gateway, method, target, route.raw.text, { ...headers, 'content-type': route.raw.type });
  const body = route.body === undefined ? undefined : JSON.parse(JSON.stringify(route.body).replace('{user}', user));
  return send(gateway, method, target, body, headers);
}

/** A request whose target is in absolute form (`GET http://host/path HTTP/1.1`), which fetch cannot send. */
function absoluteForm(gateway: TestGateway, method: string, path: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(gateway.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: `${gateway.baseUrl}${path}`, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Spellings of a path that must never be treated more kindly than the path itself. */
function variants(path: string): string[] {
  const [pathname = '', query] = path.split('?');
  const suffix = query ? `?${query}` : '';
  return [
    pathname.toUpperCase(),
    pathname.replace('/api/v1/', '/API/v1/'),
    pathname.replace(/\/([a-z])([a-z-]*)$/, (_m, first: string, rest: string) => `/${first.toUpperCase()}${rest}`),
    pathname.replace(/a/, '%61'),
    pathname.replace(/\//g, '//'),
    `${pathname}/`,
    pathname.replace('/api/v1/', '/api/v1/./'),
    pathname.replace('/api/v1/', '/api/v1/x/../'),
  ]
    .filter((variant) => variant !== pathname)
    .map((variant) => variant + suffix);
}

/** The REST handlers Nest registered, as "METHOD /path", with the access rule each declares. */
function registeredRoutes(gateway: TestGateway): Map<string, AccessRule | undefined> {
  const reflector = gateway.app.get(Reflector);
  const routes = new Map<string, AccessRule | undefined>();
  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];
  for (const module of gateway.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown>;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
        if (requestMethod === undefined) continue;
        const declared = (Reflect.getMetadata(PATH_METADATA, handler) ?? '') as string | string[];
        for (const path of Array.isArray(declared) ? declared : [declared]) {
          const full = ['', base, path].filter((part, i) => i === 0 || (part && part !== '/')).join('/');
          // Outside the API prefix: health probes, metrics, WebSub callbacks and the feed-reader protocols.
          // And the web reader's page and files.
          const web = (base === '' || base === '/') && (full === '' || full.startsWith('/assets/'));
          const unprefixed = web || base === 'health' || base === 'metrics' || base === 'websub' || /^\/(accounts|reader|fever)\b/.test(full);
          routes.set(`${methods[requestMethod]} ${unprefixed ? full || '/' : `/api/v1${full}`}`, reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, [handler, controller]));
        }
      }
    }
  }
  return routes;
}

describe(AccessGuard.name, () => {
  describe('the routes and fields the gateway registers', () => {
    let sut: TestGateway;
    beforeAll(async () => {
      sut = await startTestGateway({ rateLimit: NO_RATE_LIMIT, healthRefreshMs: NO_HEALTH_REFRESH });
    });
    afterAll(() => sut.close());

    it('declares a policy on every REST route, and the one the access model gives it', () => {
      const registered = registeredRoutes(sut);
      expect([...registered.keys()].sort()).toEqual(Object.keys(ROUTES).sort());
      for (const [route, rule] of registered) expect({ route, policy: rule?.policy }).toEqual({ route, policy: ROUTES[route]?.policy });
    });

    it("lists every route Express serves (apart from Swagger UI's pages) among Nest's", () => {
      const stack = (sut.app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } })
        .router.stack;
      const served = stack
        .filter((layer) => layer.route && !layer.route.path.startsWith('/docs'))
        .flatMap((layer) => Object.keys(layer.route?.methods ?? {}).map((method) => `${method.toUpperCase()} ${layer.route?.path ?? ''}`));
      expect(served.sort()).toEqual(Object.keys(ROUTES).sort());
    });

    it('lists every GraphQL root field in the table', () => {
      const schema = sut.app.get(GraphQLSchemaHost).schema;
      const fields = [
        ...Object.keys(schema.getQueryType()?.getFields() ?? {}).map((name) => `Query.${name}`),
        ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((name) => `Mutation.${name}`),
        ...Object.keys(schema.getSubscriptionType()?.getFields() ?? {}).map((name) => `Subscription.${name}`),
      ];
      expect(fields.sort()).toEqual(Object.keys(GRAPHQL_FIELDS).sort());
    });

    it('documents each operation\'s policy in the OpenAPI document', async () => {
      const doc = (await send(sut, 'GET', '/docs-json')).body as { paths: Record<string, Record<string, Record<string, unknown>>> };
      for (const [route, { policy, protocol, web }] of Object.entries(ROUTES)) {
        const [method = '', path = ''] = route.split(' ');
        if (path.startsWith('/websub') || protocol || web) continue; // not part of the API document
        const operation = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
        expect({ route, access: operation?.['x-autoglm-access'] }).toEqual({ route, access: policy });
      }
    });
  });

  const INSTANCES: Array<[string, Instance]> = [
    ['an open instance without accounts', { accounts: false, authRequired: false, allowAnonymousWrites: false }],
    ['an instance with accounts', { accounts: true, authRequired: false, allowAnonymousWrites: false }],
    ['an instance with accounts and AUTH_REQUIRED', { accounts: true, authRequired: true, allowAnonymousWrites: false }],
    ['an instance with accounts and ALLOW_ANONYMOUS_WRITES', { accounts: true, authRequired: false, allowAnonymousWrites: true }],
  ];

  describe.each(INSTANCES)('on %s', (_name, instance) => {
    let sut: TestGateway;
    let backendCalls: () => number;

    beforeAll(async () => {
      sut = await startTestGateway({
        authRequired: instance.authRequired,
        allowAnonymousWrites: instance.allowAnonymousWrites,
        rateLimit: NO_RATE_LIMIT,
        healthRefreshMs: NO_HEALTH_REFRESH,
      });
      backendCalls = instrument(sut, instance.accounts);
    });
    afterAll(() => sut.close());

    it.each(Object.entries(ROUTES))('%s answers each caller as its policy says, in every spelling of its path', async (route, routeCase) => {
      const [method = 'GET'] = route.split(' ');
      for (const form of FORMS) {
        const expected = allowed(routeCase.policy, form, instance);
        const before = backendCalls();
        const answer = await callRoute(sut, method, routeCase, form);
        const reached = backendCalls() > before;
        const outcome = { route, form, status: answer.status, reached };
        if (routeCase.protocol) {
          expectProtocolAnswer(route, routeCase, form, { ...outcome, text: answer.text });
        } else if (expected === true && answersAnyone(routeCase.policy)) {
          // Health answers from backend states probed in the background, the web reader from its files, the
          // session routes about the caller (or nobody): allowed means not refused.
          expect({ route, form, refused: [401, 403, 500].includes(outcome.status) }).toEqual({ route, form, refused: false });
        } else if (expected === true && routeCase.local) {
          expect(outcome).toMatchObject({ status: routeCase.local, reached: false });
        } else if (expected === true) {
          expect(outcome).toMatchObject({ reached: true });
          expect(outcome.status).not.toBe(500);
        } else {
          const status = expected === 'not found' ? 404 : form === 'anonymous' ? 401 : 403;
          expect(outcome).toEqual({ route, form, status, reached: false });
        }
        expect(answer.text).not.toMatch(/\n\s+at /);

        // Odd spellings once per form, on the two instances where most is refused.
        const spellings = instance.accounts && !instance.allowAnonymousWrites ? variants(routeCase.path) : [];
        for (const variant of spellings) {
          const beforeVariant = backendCalls();
          const odd = await callRoute(sut, method, routeCase, form, variant);
          const variantReached = backendCalls() > beforeVariant;
          // An odd spelling is not found, or treated exactly as the path itself.
          if (odd.status !== 404) expect({ route, form, variant, status: odd.status, reached: variantReached }).toEqual({ route, form, variant, status: answer.status, reached });
          else expect({ route, form, variant, reached: variantReached }).toEqual({ route, form, variant, reached: false });
        }
      }
      if (routeCase.raw || routeCase.body !== undefined) return;
      for (const form of ['anonymous', 'user'] as const) {
        const before = backendCalls();
        const status = await absoluteForm(sut, method, routeCase.path.replace('{user}', namedUser(form)), headersOf(form));
        const expected = allowed(routeCase.policy, form, instance);
        if (routeCase.protocol) expectProtocolAnswer(route, routeCase, form, { status, reached: backendCalls() > before });
        else if (expected === true && answersAnyone(routeCase.policy)) expect({ route, form, refused: [401, 403, 500].includes(status) }).toEqual({ route, form, refused: false });
        else if (expected === true && routeCase.local) expect({ route, form, status }).toEqual({ route, form, status: routeCase.local });
        else if (expected === true) expect({ route, form, reached: backendCalls() > before }).toEqual({ route, form, reached: true });
        else expect({ route, form, status, reached: backendCalls() > before }).toEqual({ route, form, status: expected === 'not found' ? 404 : form === 'anonymous' ? 401 : 403, reached: false });
      }
    });

    it.each(Object.entries(GRAPHQL_FIELDS))('GraphQL %s answers each caller as its policy says', async (field, fieldCase) => {
      for (const form of FORMS) {
        const expected = allowed(fieldCase.policy, form, instance);
        const before = backendCalls();
        const answer = await graphQl(sut, fieldCase.query.replace('{user}', namedUser(form)), {}, headersOf(form));
        const reached = backendCalls() > before;
        const code = answer.errors?.[0]?.extensions?.code;
        if (expected === true) expect({ field, form, reached, code }).toEqual({ field, form, reached: true, code: 'UNAVAILABLE' });
        else {
          const denied = expected === 'not found' ? 'NOT_FOUND' : form === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
          expect({ field, form, code, reached }).toEqual({ field, form, code: denied, reached: false });
        }
      }
    });
  });

  it('refuses a handler that declares no policy, for every caller', async () => {
    const config = { auth: { required: false, allowAnonymousWrites: true, keyCacheSeconds: 0 } } as never;
    const sut = new AccessGuard(new Reflector(), {} as never, {} as never, {} as never, config);
    class Undeclared {
      handle(): void {
        return undefined;
      }
    }
    const context = {
      getType: () => 'http',
      getHandler: () => Undeclared.prototype.handle,
      getClass: () => Undeclared,
      switchToHttp: () => ({ getRequest: () => ({ headers: {} }) }),
    } as never;
    await expect(sut.canActivate(context)).rejects.toMatchObject({ code: ErrorCode.PermissionDenied, message: 'this operation declares no access policy' });
  });

  describe('keys', () => {
    let sut: TestGateway;
    beforeAll(async () => {
      sut = await startTestGateway({ rateLimit: NO_RATE_LIMIT, healthRefreshMs: NO_HEALTH_REFRESH });
      instrument(sut, true);
    });
    afterAll(() => sut.close());

    it.each([
      ['a malformed key', { authorization: 'Bearer nope' }],
      ['an unknown key', { authorization: `Bearer ${generateApiKey().key}` }],
    ])('answers 401 to %s on every route but the public ones', async (_case, headers) => {
      for (const [route, routeCase] of Object.entries(ROUTES)) {
        const [method = 'GET'] = route.split(' ');
        const answer = routeCase.raw
          ? await send(sut, method, routeCase.path, routeCase.raw.text, { ...headers, 'content-type': routeCase.raw.type })
          : await send(sut, method, routeCase.path.replace('{user}', 'me'), routeCase.body, headers);
        // Google Reader takes the API's key too, so it refuses a bad one; ClientLogin and Fever ignore it (no credentials of theirs here).
        if (routeCase.protocol === 'google-reader' || routeCase.protocol === 'client-login') expect({ route, status: answer.status }).toEqual({ route, status: 401 });
        else if (routeCase.policy === AccessPolicy.Public) expect({ route, status: answer.status }).not.toEqual({ route, status: 401 });
        else expect({ route, status: answer.status }).toEqual({ route, status: 401 });
      }
    });
  });

  describe('web-reader sessions', () => {
    let sut: TestGateway;
    let backendCalls: () => number;
    const instance: Instance = { accounts: true, authRequired: false, allowAnonymousWrites: false };
    const cookie = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });
    const withCsrf = (token: string) => ({ ...cookie(token), 'x-csrf-token': csrfTokenFor(token) });

    beforeAll(async () => {
      sut = await startTestGateway({ rateLimit: NO_RATE_LIMIT, keyCacheSeconds: 0 });
      backendCalls = instrument(sut, true);
    });
    afterAll(() => sut.close());

    const SESSION_FORMS: Array<[string, 'user' | 'administrator', string]> = [
      ['a user', 'user', SESSIONS.alice],
      ['an administrator', 'administrator', SESSIONS.root],
    ];

    it.each(SESSION_FORMS)('take the session cookie of %s as its identity, like its API key, and ask for the CSRF token wherever something may change', async (_who, form, token) => {
      for (const [route, routeCase] of Object.entries(ROUTES)) {
        if (routeCase.protocol || answersAnyone(routeCase.policy)) continue;
        const [method = 'GET'] = route.split(' ');
        const target = routeCase.path.replace('{user}', 'me');
        const body = routeCase.raw ? routeCase.raw.text : routeCase.body === undefined ? undefined : JSON.parse(JSON.stringify(routeCase.body).replace('{user}', 'me'));
        const type: Record<string, string> = routeCase.raw ? { 'content-type': routeCase.raw.type } : {};
        const expected = allowed(routeCase.policy, form, instance);
        const safe = method === 'GET';

        let before = backendCalls();
        const bare = await send(sut, method, target, body, { ...cookie(token), ...type });
        const bareReached = backendCalls() > before;
        if (safe && expected === true && routeCase.local) expect({ route, status: bare.status }).toEqual({ route, status: routeCase.local });
        else if (safe && expected === true) expect({ route, reached: bareReached }).toEqual({ route, reached: true });
        else if (safe) expect({ route, status: bare.status, reached: bareReached }).toEqual({ route, status: 403, reached: false });
        else expect({ route, status: bare.status, reached: bareReached }).toEqual({ route, status: 403, reached: false });

        before = backendCalls();
        const forged = await send(sut, method, target, body, { ...cookie(token), 'x-csrf-token': csrfTokenFor(SESSIONS.alice === token ? SESSIONS.root : SESSIONS.alice), ...type });
        if (!safe) expect({ route, status: forged.status, reached: backendCalls() > before }).toEqual({ route, status: 403, reached: false });

        before = backendCalls();
        const sent = await send(sut, method, target, body, { ...withCsrf(token), ...type });
        const reached = backendCalls() > before;
        if (expected === true && routeCase.local) expect({ route, status: sent.status }).toEqual({ route, status: routeCase.local });
        else if (expected === true) expect({ route, reached }).toEqual({ route, reached: true });
        else expect({ route, status: sent.status, reached }).toEqual({ route, status: 403, reached: false });
      }
    });

    it('treat an unknown, ended or malformed session cookie as no identity at all', async () => {
      for (const token of [generateSessionToken(), 'not-a-token']) {
        const before = backendCalls();
        expect((await send(sut, 'GET', '/api/v1/me', undefined, cookie(token))).status).toBe(401);
        expect((await send(sut, 'PUT', `/api/v1/me/articles/${ID}/state`, { read: true }, withCsrf(token))).status).toBe(401);
        expect((await send(sut, 'POST', '/api/v1/sources', { url: 'https://example.org/feed.xml' }, withCsrf(token))).status).toBe(401);
        expect(backendCalls()).toBe(before);
      }
    });

    it('need the CSRF token for GraphQL too, whose every request is a POST', async () => {
      const query = `mutation { setArticleState(articleId: "${ID}", read: true) { read } }`;
      let before = backendCalls();
      const bare = await graphQl(sut, query, {}, cookie(SESSIONS.alice));
      expect({ code: bare.errors?.[0]?.extensions?.code, reached: backendCalls() > before }).toEqual({ code: 'FORBIDDEN', reached: false });
      before = backendCalls();
      const sent = await graphQl(sut, query, {}, withCsrf(SESSIONS.alice));
      expect({ code: sent.errors?.[0]?.extensions?.code, reached: backendCalls() > before }).toEqual({ code: 'UNAVAILABLE', reached: true });
    });

    it('let an API key win over a cookie, with no CSRF token needed', async () => {
      const before = backendCalls();
      await send(sut, 'PUT', `/api/v1/me/articles/${ID}/state`, { read: true }, { ...cookie(generateSessionToken()), authorization: `Bearer ${KEYS.alice}` });
      expect(backendCalls()).toBe(before + 1);
      const bad = await send(sut, 'GET', '/api/v1/me', undefined, { ...cookie(SESSIONS.alice), authorization: 'Bearer nope' });
      expect(bad.status).toBe(401);
    });
  });
});
