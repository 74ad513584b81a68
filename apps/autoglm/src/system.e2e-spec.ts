import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storage } from '@autoglm/contracts';
import type { AppConfig } from '@autoglm/shared-config';
import { createGrpcClient } from '@autoglm/shared-grpc';
import { freePort, waitFor as waitUntil } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';
import { startServerBackend } from './testing/server-backend';

/**
 * The whole system as a user runs it (`npm start`): every service in one process over real
 * loopback gRPC, the real embedding model, feeds from a loopback HTTP server. Run twice:
 * - embedded: PGlite in a temp dir (pgvector) and the in-process queue (the default);
 * - servers: the PostgreSQL server of this machine (no pgvector: the exact cosine fallback) and
 *   BullMQ on its Redis — what DATABASE_URL and REDIS_URL select.
 */

interface Backend {
  databaseUrl: string;
  redisUrl: string;
  cleanup(): Promise<void>;
}

const MODES: Array<[string, () => Promise<Backend>]> = [
  ['embedded (PGlite + in-process queue)', async () => ({ databaseUrl: '', redisUrl: '', cleanup: async () => undefined })],
  [
    'with servers (PostgreSQL + BullMQ on Redis)',
    () => startServerBackend('autoglm_e2e'),
  ],
];

interface ArticleSummary {
  id: string;
  title: string;
  sourceId: string;
  language: string;
}

const FIXTURES = join(__dirname, 'fixtures');

function serveFixtures(): Promise<{ server: Server; base: string }> {
  const routes: Record<string, { type: string; body: Buffer }> = {
    '/en.xml': { type: 'application/rss+xml; charset=utf-8', body: readFileSync(join(FIXTURES, 'en-feed.xml')) },
    '/zh.xml': { type: 'application/atom+xml', body: readFileSync(join(FIXTURES, 'zh-feed.xml')) },
    '/teaser.xml': { type: 'application/rss+xml', body: readFileSync(join(FIXTURES, 'teaser-feed.xml')) },
    '/pages/transit.html': { type: 'text/html; charset=utf-8', body: readFileSync(join(FIXTURES, 'transit-page.html')) },
    '/not-a-feed.html': { type: 'text/html', body: Buffer.from('<!doctype html><html><body><h1>Hello</h1><p>Just a page.</p></body></html>') },
  };
  const server = createServer((req, res) => {
    const route = routes[(req.url ?? '').split('?')[0]];
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': route.type }).end(route.body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, base: `http://127.0.0.1:${port}` });
    }),
  );
}

function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(what, probe, { timeoutMs });
}

describe.each(MODES)('Open-AutoGLM, all services in one process, %s', (_mode, makeBackend) => {
  let backend: Backend;
  let fixtures: { server: Server; base: string };
  let system: EmbeddedSystem;
  let config: AppConfig;
  let dataDir: string;
  /** The first account's key (the instance's administrator), once the accounts spec made it. */
  let adminKey = '';
  const auth = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

  const api = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${system.url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    backend = await makeBackend();
    fixtures = await serveFixtures();
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-e2e-'));
    config = await embeddedTestConfig(dataDir, { database: { url: backend.databaseUrl }, redis: { url: backend.redisUrl } });
    system = await startEmbedded(config);
  });

  afterAll(async () => {
    await system?.close();
    fixtures?.server.close();
    rmSync(dataDir, { recursive: true, force: true });
    await backend?.cleanup();
  });

  it('serves health, the OpenAPI spec and model information', async () => {
    const health = await api('/health');
    expect(health.status).toBe(200);
    const spec = await api('/docs-json');
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/v1/sources', '/api/v1/articles']));
    const inference = await api('/api/v1/system/inference');
    expect(inference.status).toBe(200);
    expect(JSON.stringify(inference.body)).toMatch(/cpu/i);
  });

  it('rejects bad sources with clear 4xx errors', async () => {
    const invalid = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: 'not a url' }) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toMatch(/valid absolute URL|url/i);
    const scheme = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: 'ftp://127.0.0.1/feed.xml' }) });
    expect(scheme.status).toBe(400);
    expect(scheme.body.message).toMatch(/scheme/);
    const closedPort = await freePort();
    const unreachable = await api('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ url: `http://127.0.0.1:${closedPort}/feed.xml` }),
    });
    expect(unreachable.status).toBe(422);
    expect(unreachable.body.message).toMatch(/reach/i);
    expect(JSON.stringify([invalid.body, scheme.body, unreachable.body])).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('ingests, analyzes and serves articles; learns from reading events', async () => {
    const en = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: `${fixtures.base}/en.xml` }) });
    expect(en.status).toBe(201);
    const zh = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: `${fixtures.base}/zh.xml`, title: '中文' }) });
    expect(zh.status).toBe(201);
    const broken = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: `${fixtures.base}/not-a-feed.html` }) });
    expect(broken.status).toBe(201);
    const duplicate = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: `${fixtures.base}/en.xml` }) });
    expect(duplicate.status).toBe(409);

    // Every article of both feeds ingested and analyzed.
    const articles = await waitFor('9 analyzed articles', async () => {
      const list = await api('/api/v1/articles?limit=50');
      const items = list.body.items as Array<ArticleSummary & { topic: string; summary: string }>;
      return items.length === 9 && items.every((a) => a.language) ? items : undefined;
    });
    expect(articles.filter((a) => a.sourceId === en.body.id)).toHaveLength(6);

    // The page that is not a feed marks its source with an error; nothing else breaks.
    const brokenSource = await waitFor('the broken source to record its error', async () => {
      const s = await api(`/api/v1/sources/${broken.body.id}`);
      return s.body.status === 'error' ? s.body : undefined;
    });
    // An anonymous reader sees the kind of failure; the crawler's detail is for administrators.
    expect(brokenSource.lastError).toBe('not a feed');

    // Newest first, cursor pagination.
    const page1 = await api('/api/v1/articles?limit=4');
    expect(page1.body.items).toHaveLength(4);
    const page2 = await api(`/api/v1/articles?limit=4&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    const ids = [...page1.body.items, ...page2.body.items].map((a: ArticleSummary) => a.id);
    expect(new Set(ids).size).toBe(8);
    expect((await api('/api/v1/articles?cursor=garbage')).status).toBe(400);
    expect((await api('/api/v1/articles?limit=0')).status).toBe(400);
    const zhOnly = await api('/api/v1/articles?language=zh');
    expect(zhOnly.body.items.map((a: ArticleSummary) => a.sourceId)).toEqual([zh.body.id, zh.body.id, zh.body.id]);

    // One article in full, through REST.
    const final = articles.find((a) => a.title.startsWith('Striker scores twice'))!;
    const article = await waitFor('similar articles', async () => {
      const r = await api(`/api/v1/articles/${final.id}`);
      return r.body.similar?.length ? r.body : undefined;
    });
    expect(article.url).toMatch(new RegExp(`^${fixtures.base}/articles/football-final`));
    expect(article.text).toMatch(/goalkeeper saved a penalty/);
    expect(article.language).toBe('en');
    expect(article.keywords.length).toBeGreaterThan(0);
    expect(article.summary.length).toBeGreaterThan(20);
    expect(article.topic).toBeTruthy();
    expect(article.similar[0].title).toMatch(/midfielder/);
    // Same topic is not the same story: the transfer article is similar but has a story of its own.
    const transfer = (await api(`/api/v1/articles/${article.similar[0].id}`)).body;
    expect(article.storyId).toEqual(expect.any(String));
    expect(transfer.storyId).toEqual(expect.any(String));
    expect(transfer.storyId).not.toBe(article.storyId);
    const story = await api(`/api/v1/stories/${article.storyId}`);
    expect(story.status).toBe(200);
    expect(story.body.timeline.map((t: { article: ArticleSummary }) => t.article.id)).toEqual([final.id]);
    expect((await api('/api/v1/articles/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    const chinese = articles.find((a) => a.title.includes('世界杯'))!;
    const zhArticle = (await api(`/api/v1/articles/${chinese.id}`)).body;
    expect(zhArticle.language).toBe('zh');
    expect(zhArticle.keywords.join(' ')).toMatch(/国家队|世界杯|足球|预选赛/);

    // The same article through GraphQL...
    const gql = await api('/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: `{ article(id: "${final.id}") { id title language summary similar { id title } } }` }),
    });
    expect(gql.body.errors).toBeUndefined();
    expect(gql.body.data.article).toMatchObject({ id: final.id, title: final.title, language: 'en' });

    // ...and through a generated gRPC client of storage, as another backend would.
    const grpc = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 5000 });
    try {
      const { article: viaGrpc } = await grpc.client.getArticle({ id: final.id });
      expect(viaGrpc).toMatchObject({ id: final.id, title: final.title, language: 'en', analyzed: true });
    } finally {
      grpc.close();
    }

    // Search: full text (English and Chinese, with highlights), semantic, hybrid, bad input.
    const processor = await api('/api/v1/search?q=processor&mode=text');
    expect(processor.status).toBe(200);
    expect(processor.body.mode).toBe('text');
    expect(processor.body.items[0].article.title).toMatch(/faster processor/);
    expect(processor.body.items[0].highlight).toContain('<mark>processor</mark>');
    const zuqiu = await api(`/api/v1/search?q=${encodeURIComponent('足球')}&mode=text`);
    expect(zuqiu.body.items.map((i: { article: ArticleSummary }) => i.article.id)).toEqual([chinese.id]);
    expect(zuqiu.body.items[0].highlight).toContain('<mark>足球</mark>');
    const semantic = await api('/api/v1/search?q=goalkeeper%20penalty%20final&mode=semantic&limit=3');
    expect(semantic.body.mode).toBe('semantic');
    expect(semantic.body.items[0].article.title).toMatch(/Striker|midfielder/);
    const zhSemantic = await api(`/api/v1/search?q=${encodeURIComponent('足球')}&mode=semantic`);
    expect(zhSemantic.body).toMatchObject({ items: [], nextCursor: null, mode: 'semantic' });
    expect(zhSemantic.body.notice).toMatch(/knows none of its words/);
    const hybrid = await api('/api/v1/search?q=processor%20laptops&limit=2');
    expect(hybrid.body.mode).toBe('hybrid');
    expect(hybrid.body.items[0].article.title).toMatch(/faster processor/);
    expect(hybrid.body.nextCursor).toEqual(expect.any(String));
    const zhHybrid = await api(`/api/v1/search?q=${encodeURIComponent('足球')}`);
    expect(zhHybrid.body).toMatchObject({ mode: 'text', notice: expect.stringMatching(/full-text matches only/) });
    expect(zhHybrid.body.items[0].article.id).toBe(chinese.id);
    expect((await api('/api/v1/search?q=')).status).toBe(400);
    expect((await api('/api/v1/search?q=a&mode=fuzzy')).status).toBe(400);
    expect((await api('/api/v1/search?q=a&cursor=garbage')).status).toBe(400);
    expect((await api('/api/v1/search?q=a&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(400);
    expect((await api(`/api/v1/search?q=${encodeURIComponent("'); drop table articles; --")}`)).status).toBe(200);
    const gqlSearch = await api('/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: '{ search(q: "processor", mode: text, limit: 1) { mode items { highlight article { title } } } }' }),
    });
    expect(gqlSearch.body.errors).toBeUndefined();
    expect(gqlSearch.body.data.search.items[0].article.title).toMatch(/faster processor/);

    // Recommendations move toward what was read.
    const cold = await api('/api/v1/users/alice/recommendations?limit=5');
    expect(cold.status).toBe(200);
    expect(cold.body.profileEvents).toBe(0);
    const cake = articles.find((a) => a.title.includes('chocolate cake'))!;
    for (const event of [
      { userId: 'alice', articleId: cake.id, type: 'open' },
      { userId: 'alice', articleId: cake.id, type: 'dwell', dwellSeconds: 120 },
      { userId: 'alice', articleId: cake.id, type: 'like' },
    ]) {
      expect((await api('/api/v1/events', { method: 'POST', body: JSON.stringify(event) })).status).toBe(201);
    }
    const badEvent = await api('/api/v1/events', { method: 'POST', body: JSON.stringify({ userId: 'alice', articleId: cake.id, type: 'stare' }) });
    expect(badEvent.status).toBe(400);
    const unknownArticle = await api('/api/v1/events', {
      method: 'POST',
      body: JSON.stringify({ userId: 'alice', articleId: '00000000-0000-4000-8000-000000000000', type: 'open' }),
    });
    expect(unknownArticle.status).toBe(404);

    const warm = await api('/api/v1/users/alice/recommendations?limit=5');
    expect(warm.body.profileEvents).toBe(3);
    const top = warm.body.items[0];
    expect(top.article.title).toMatch(/soup/);
    expect(top.reason).toBe(`similar to "${cake.title}"`);
    expect(warm.body.items.map((i: { article: ArticleSummary }) => i.article.id)).not.toContain(cake.id);

    const gqlRecs = await api('/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: '{ recommendations(userId: "alice", limit: 3) { profileEvents items { reason article { title } } } }' }),
    });
    expect(gqlRecs.body.errors).toBeUndefined();
    expect(gqlRecs.body.data.recommendations.profileEvents).toBe(3);
    expect(gqlRecs.body.data.recommendations.items[0].article.title).toBe(top.article.title);
  });

  it('gives each user their own keys, subscriptions, marks and saved searches', async () => {
    const first = await api('/api/v1/users', { method: 'POST', body: JSON.stringify({ name: 'Alice' }) });
    expect(first.status).toBe(201);
    expect(first.body.user).toMatchObject({ name: 'alice', isAdmin: true });
    const aliceKey = first.body.apiKey.key as string;
    adminKey = aliceKey;
    // Once an instance has users, only an administrator creates more.
    expect((await api('/api/v1/users', { method: 'POST', body: JSON.stringify({ name: 'mallory' }) })).status).toBe(401);
    const second = await api('/api/v1/users', { method: 'POST', body: JSON.stringify({ name: 'bob' }), ...auth(aliceKey) });
    expect(second.status).toBe(201);
    const bobKey = second.body.apiKey.key as string;
    expect((await api('/api/v1/users', { method: 'POST', body: JSON.stringify({ name: 'eve' }), ...auth(bobKey) })).status).toBe(403);
    expect((await api('/api/v1/me')).status).toBe(401);
    expect((await api('/api/v1/me', auth('agl_' + 'x'.repeat(43)))).status).toBe(401);
    expect((await api('/api/v1/me', auth(bobKey))).body).toMatchObject({ name: 'bob', isAdmin: false });

    const sources = (await api('/api/v1/sources')).body.items as Array<{ id: string; url: string }>;
    const en = sources.find((s) => s.url.endsWith('/en.xml'));
    expect(en).toBeDefined();
    const sub = await api(`/api/v1/me/subscriptions/${en?.id}`, { method: 'PUT', body: JSON.stringify({ category: 'Tech' }), ...auth(bobKey) });
    expect(sub).toMatchObject({ status: 200, body: { category: 'Tech', source: { id: en?.id } } });
    const list = await api('/api/v1/me/articles?limit=50', auth(bobKey));
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(6);
    const [firstItem] = list.body.items as Array<{ id: string; title: string; marks: { read: boolean } }>;
    expect(firstItem?.marks.read).toBe(false);
    const marked = await api(`/api/v1/me/articles/${firstItem?.id}/state`, { method: 'PUT', body: JSON.stringify({ read: true, starred: true }), ...auth(bobKey) });
    expect(marked.body).toMatchObject({ read: true, starred: true });
    expect((await api('/api/v1/me/articles?filter=unread&limit=50', auth(bobKey))).body.items).toHaveLength(5);
    expect((await api('/api/v1/me/articles?filter=starred', auth(bobKey))).body.items.map((i: { id: string }) => i.id)).toEqual([firstItem?.id]);
    // Alice follows nothing and has marked nothing.
    expect((await api('/api/v1/me/articles', auth(aliceKey))).body.items).toEqual([]);
    expect((await api('/api/v1/me/articles?filter=starred', auth(aliceKey))).body.items).toEqual([]);

    const saved = await api('/api/v1/me/saved-searches', { method: 'POST', body: JSON.stringify({ name: 'mine', q: firstItem?.title, mode: 'text' }), ...auth(bobKey) });
    expect(saved.status).toBe(201);
    const results = await api(`/api/v1/me/saved-searches/${saved.body.id}/results`, auth(bobKey));
    expect(results.status).toBe(200);
    expect(results.body.items.map((i: { article: { id: string } }) => i.article.id)).toContain(firstItem?.id);
    const unreadHits = await api(`/api/v1/search?q=${encodeURIComponent(firstItem?.title ?? '')}&mode=text&state=unread`, auth(bobKey));
    expect(unreadHits.status).toBe(200);
    expect(unreadHits.body.items.map((i: { article: { id: string } }) => i.article.id)).not.toContain(firstItem?.id);
    expect((await api(`/api/v1/search?q=x&state=unread`)).status).toBe(401);
    // Another user's saved search and recommendations do not exist for Alice.
    expect((await api(`/api/v1/me/saved-searches/${saved.body.id}`, auth(aliceKey))).status).toBe(404);
    expect((await api(`/api/v1/users/${second.body.user.id}/recommendations`, auth(bobKey))).status).toBe(200);

    // For-You controls steer the ranking, per user.
    type Rec = { article: ArticleSummary & { topic: string | null }; reason: string; controls: string[] };
    const before = (await api('/api/v1/me/recommendations?limit=20', auth(bobKey))).body.items as Rec[];
    const mutedTopic = before.find((i) => i.article.topic)?.article.topic as string;
    const followedTopic = [...before].reverse().find((i) => i.article.topic && i.article.topic !== mutedTopic)?.article.topic as string;
    expect(mutedTopic).toEqual(expect.any(String));
    expect(followedTopic).toEqual(expect.any(String));
    const mute = await api('/api/v1/me/controls/rules', { method: 'POST', body: JSON.stringify({ kind: 'topic', value: mutedTopic, action: 'mute' }), ...auth(bobKey) });
    expect(mute).toMatchObject({ status: 201, body: { kind: 'topic', action: 'mute', control: `mute:topic:${mutedTopic}` } });
    const follow = await api('/api/v1/me/controls/rules', { method: 'POST', body: JSON.stringify({ kind: 'topic', value: followedTopic, action: 'follow' }), ...auth(bobKey) });
    expect(follow.status).toBe(201);
    const steered = (await api('/api/v1/me/recommendations?limit=20', auth(bobKey))).body.items as Rec[];
    expect(steered.map((i) => i.article.topic)).not.toContain(mutedTopic);
    expect(steered[0]).toMatchObject({ article: { topic: followedTopic }, reason: `you follow ${followedTopic}`, controls: [`follow:topic:${followedTopic}`] });
    const blend = await api('/api/v1/me/controls/blend', { method: 'PUT', body: JSON.stringify({ relevance: 0.3, freshness: 0.9, diversity: 0.5 }), ...auth(bobKey) });
    expect(blend.body).toEqual({ relevance: 0.3, freshness: 0.9, diversity: 0.5 });
    expect((await api('/api/v1/me/controls/blend', { method: 'PUT', body: JSON.stringify({ relevance: 3, freshness: 0.9, diversity: 0.5 }), ...auth(bobKey) })).status).toBe(400);
    const liked = steered[1]?.article.id as string;
    expect((await api(`/api/v1/me/articles/${liked}/feedback`, { method: 'PUT', body: JSON.stringify({ direction: 'more' }), ...auth(bobKey) })).status).toBe(200);
    const controls = (await api('/api/v1/me/controls', auth(bobKey))).body;
    expect(controls).toMatchObject({ blend: { relevance: 0.3, freshness: 0.9, diversity: 0.5 }, feedback: [{ articleId: liked, direction: 'more' }] });
    expect(controls.rules).toHaveLength(2);
    const afterFeedback = (await api('/api/v1/me/recommendations?limit=20', auth(bobKey))).body.items as Rec[];
    expect(afterFeedback.map((i) => i.article.id)).not.toContain(liked);
    expect(afterFeedback.every((i) => i.controls.includes('blend'))).toBe(true);
    // Alice sees none of Bob's controls and cannot delete them.
    expect((await api('/api/v1/me/controls', auth(aliceKey))).body).toMatchObject({ rules: [], feedback: [], blend: { relevance: 0.6, freshness: 0.2, diversity: 0.35 } });
    expect((await api(`/api/v1/me/controls/rules/${mute.body.id}`, { method: 'DELETE', ...auth(aliceKey) })).status).toBe(404);
    expect((await api(`/api/v1/me/controls/rules/${mute.body.id}`, { method: 'DELETE', ...auth(bobKey) })).status).toBe(204);

    const keys = await api('/api/v1/me/api-keys', auth(bobKey));
    expect(JSON.stringify(keys.body)).not.toContain(bobKey);
    const revoked = await api(`/api/v1/me/api-keys/${keys.body[0].id}`, { method: 'DELETE', ...auth(bobKey) });
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await api('/api/v1/me', auth(bobKey))).status).toBe(401);
  });

  it('closes the instance once it has accounts: no anonymous writes, no acting as a user by naming them', async () => {
    const bob = await api('/api/v1/users', { method: 'POST', body: JSON.stringify({ name: 'bob2' }), ...auth(adminKey) });
    expect(bob.status).toBe(201);
    const bobKey = bob.body.apiKey.key as string;
    const [article] = (await api('/api/v1/articles?limit=1')).body.items as Array<{ id: string }>;
    const feed = JSON.stringify({ url: `${fixtures.base}/en.xml?again` });
    expect((await api('/api/v1/sources', { method: 'POST', body: feed })).status).toBe(401);
    expect((await api('/api/v1/sources', { method: 'POST', body: feed, ...auth(bobKey) })).status).toBe(403);
    expect((await api(`/api/v1/articles/${article?.id}`, { method: 'DELETE' })).status).toBe(401);
    expect((await api(`/api/v1/users/${bob.body.user.id}/recommendations`)).status).toBe(401);
    expect((await api('/api/v1/users/alice/recommendations')).status).toBe(401);
    const forged = JSON.stringify({ userId: bob.body.user.id, articleId: article?.id, type: 'like' });
    expect((await api('/api/v1/events', { method: 'POST', body: forged })).status).toBe(401);
    const gql = await api('/graphql', { method: 'POST', body: JSON.stringify({ query: `{ recommendations(userId: "${bob.body.user.id}") { profileEvents } }` }) });
    expect(gql.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const path of ['/api/v1/ADMIN/models', '/API/V1/admin/models', '/api/v1/admin/models/', '/api/v1/%61dmin/models']) {
      expect({ path, status: (await api(path)).status }).toEqual({ path, status: 404 });
    }
    expect((await api('/api/v1/admin/models')).status).toBe(401);
    expect((await api('/api/v1/admin/models', auth(bobKey))).status).toBe(403);
    expect((await api('/api/v1/admin/models', auth(adminKey))).status).toBe(200);
    // Reading the instance's content stays open.
    expect((await api('/api/v1/articles?limit=1')).status).toBe(200);
  });

  it("keeps the full text of a teaser feed's articles when the source asks for it", async () => {
    const teaser = await api('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ url: `${fixtures.base}/teaser.xml`, fullText: true }),
      ...auth(adminKey),
    });
    expect(teaser.status).toBe(201);
    expect(teaser.body.fullText).toBe(true);
    const article = await waitFor('the extracted full text', async () => {
      const list = await api(`/api/v1/articles?sourceId=${teaser.body.id}`);
      const id = list.body.items[0]?.id as string | undefined;
      if (!id) return undefined;
      const full = await api(`/api/v1/articles/${id}`);
      return full.body.text.includes('Construction of the tram line') && full.body.analyzed ? full.body : undefined;
    });
    expect(article.text).toContain('twelve bus lines');
    expect(article.text).not.toMatch(/cookies|Privacy|Parking fees/);
    expect(article.contentHtml).toContain('<li>');
    expect(article.summary.length).toBeGreaterThan(20);
  });
});
