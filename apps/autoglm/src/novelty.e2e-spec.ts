import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';
import { serveFeeds } from './testing/feed-server';

/**
 * Novelty end to end (embedded mode, a loopback feed): a wire copy of an article the user read goes to the end
 * of their For You and names it; the story brief tells what is new since they read it, each sentence citing its
 * article; bad inputs are 4xx.
 */

interface FeedItem {
  title: string;
  text: string;
  publishedAt: Date;
}

interface Brief {
  storyId: string;
  title: string;
  since: string | null;
  newArticles: number;
  sentences: Array<{ text: string; score: number; article: { id: string; title: string; url: string; publishedAt: string | null } }>;
}

const HOUR = 3_600_000;
const FLOOD =
  'Heavy rain flooded the harbour town of Portbury on Monday night. The river Avel rose two metres above its banks within four hours. ' +
  'Firefighters evacuated three hundred residents from the old quarter by boat. The mayor of Portbury opened the sports hall as a shelter for the night. ' +
  'Trains between Portbury and the coast were stopped because water covered the tracks. Forecasters expect more rain over the harbour on Tuesday.';
/** A wire copy: the same report, its title marked as the agency's. */
const FLOOD_COPY = FLOOD;
const COPY_TITLE = 'Floods hit Portbury harbour | Wire';
const FOLLOW_UP =
  'Heavy rain flooded the harbour town of Portbury on Monday night. ' +
  'On Wednesday the water of the river Avel fell back and residents of Portbury returned to the old quarter. ' +
  'Insurers estimate the flood damage in the harbour at forty million euros. ' +
  'The regional government promised a new flood wall along the river Avel before next winter. ' +
  'Engineers found that a blocked sluice gate had made the flooding in Portbury worse.';
const UNRELATED: Array<Omit<FeedItem, 'publishedAt'>> = [
  {
    title: 'Chess club wins national junior title',
    text: 'A small chess club from the mountains won the national junior team title. Its four players are between eleven and fourteen years old. The club trains twice a week in the village library.',
  },
  {
    title: 'New bakery opens in the market square',
    text: 'A new bakery opened in the market square with sourdough bread and cinnamon buns. The owners trained in Copenhagen for three years. Queues formed before seven in the morning.',
  },
  {
    title: 'Observatory photographs a distant comet',
    text: 'The university observatory photographed a comet that passes the sun once every six thousand years. Astronomers measured its tail at two million kilometres. It will be visible with binoculars next week.',
  },
];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function rss(base: string, items: FeedItem[]): string {
  const entries = items
    .map(
      (item) => `<item><title>${escape(item.title)}</title><link>${base}/posts/${encodeURIComponent(item.title)}</link>
        <guid>${base}/guid/${encodeURIComponent(item.title)}</guid><pubDate>${item.publishedAt.toUTCString()}</pubDate>
        <description>${escape(item.text)}</description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Coast News</title><link>${base}/</link>
    <description>Novelty test</description>${entries}</channel></rss>`;
}

describe('Novelty: For You folds what you read, the story brief tells what is new (all services in one process)', () => {
  let system: EmbeddedSystem;
  let dataDir: string;
  let feeds: { base: string; close(): Promise<void> } | undefined;
  let feedBase = '';
  let key = '';
  let sourceId = '';
  const started = Date.now();
  let items: FeedItem[] = [
    { title: 'Floods hit Portbury harbour', text: FLOOD, publishedAt: new Date(started - 3 * HOUR) },
    { title: COPY_TITLE, text: FLOOD_COPY, publishedAt: new Date(started - 2 * HOUR) },
    ...UNRELATED.map((item, i) => ({ ...item, publishedAt: new Date(started - (4 + i) * HOUR) })),
  ];

  const api = async (path: string, init: { method?: string; body?: unknown; key?: string } = {}) => {
    const auth = init.key ?? key;
    const res = await fetch(`${system.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
  };
  /** The analysed article with this title (it has a story), in full. */
  const analysed = (title: string) =>
    waitFor(`"${title}" analysed`, async () => {
      const list = await api(`/api/v1/articles?limit=50&sourceId=${sourceId}`);
      const found = (list.body.items as Array<{ id: string; title: string }>).find((a) => a.title === title);
      if (!found) return undefined;
      const article = (await api(`/api/v1/articles/${found.id}`)).body;
      return article.storyId ? (article as { id: string; storyId: string; nearDuplicateOf: { articleId: string } | null }) : undefined;
    }, { timeoutMs: 90_000 });

  beforeAll(async () => {
    feeds = await serveFeeds((req, res) => req.url === '/feed.xml' && !!res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss(feedBase, items)));
    feedBase = feeds.base;
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-novelty-e2e-'));
    system = await startEmbedded(await embeddedTestConfig(dataDir));
    key = (await api('/api/v1/users', { method: 'POST', body: { name: 'alice' }, key: '' })).body.apiKey.key as string;
    const added = await api('/api/v1/sources', { method: 'POST', body: { url: `${feedBase}/feed.xml`, intervalSeconds: 3600 } });
    expect(added.status).toBe(201);
    sourceId = added.body.id as string;
  });

  afterAll(async () => {
    await system?.close();
    await feeds?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('folds a copy of a read article, and briefs what is new in its story since the read', async () => {
    await analysed(COPY_TITLE);
    for (const item of UNRELATED) await analysed(item.title);
    // Both analysed, so a near-duplicate link either way is in place now.
    const original = await analysed('Floods hit Portbury harbour');
    const copy = await analysed(COPY_TITLE);
    // Storage put the copy in the original's story (whether it also links them as near-duplicates or not, their
    // embeddings in one story are within the retelling bar).
    expect(copy.storyId).toBe(original.storyId);

    // Never read: the brief covers the whole story, citing its articles, and does not say one thing twice.
    const unread = await api(`/api/v1/me/stories/${original.storyId}/brief?limit=4`);
    expect(unread.status).toBe(200);
    const whole = unread.body as Brief;
    expect(whole).toMatchObject({ storyId: original.storyId, since: null, newArticles: 2 });
    expect(whole.sentences.length).toBeGreaterThan(0);
    expect(whole.sentences.length).toBeLessThanOrEqual(4);
    for (const s of whole.sentences) {
      expect([original.id, copy.id]).toContain(s.article.id);
      expect(s.article.url).toMatch(new RegExp(`^${feedBase}/posts/`));
      expect(s.article.publishedAt).toEqual(expect.any(String));
      expect(FLOOD).toContain(s.text);
    }
    expect(new Set(whole.sentences.map((s) => s.text)).size).toBe(whole.sentences.length);

    // Before any read the copy ranks by its merits; after reading the original it is last and says why.
    expect((await api('/api/v1/me/events', { method: 'POST', body: { articleId: original.id, type: 'dwell', dwellSeconds: 120 } })).status).toBe(201);
    const forYou = await api('/api/v1/me/recommendations?limit=10');
    expect(forYou.status).toBe(200);
    const ranked = forYou.body.items as Array<{ article: { id: string }; reason: string; controls: string[] }>;
    expect(ranked.map((i) => i.article.id)).not.toContain(original.id);
    expect(ranked[ranked.length - 1]).toMatchObject({
      article: { id: copy.id },
      reason: 'retells "Floods hit Portbury harbour", which you read',
      controls: [`novelty:${original.id}`],
    });
    expect(ranked.filter((i) => i.controls.some((c) => c.startsWith('novelty:')))).toHaveLength(1);

    // Read, and nothing new since: the brief is empty and says since when.
    const caughtUp = (await api(`/api/v1/me/stories/${original.storyId}/brief`)).body as Brief;
    expect(caughtUp.since).toEqual(expect.any(String));
    expect(caughtUp).toMatchObject({ newArticles: 0, sentences: [] });

    // A follow-up arrives: it joins the story, is news (not folded), and the brief tells only what it adds.
    // RSS dates have whole seconds: the follow-up is dated two seconds past the read's second, so it is after it.
    const followUpAt = new Date(Math.floor(Date.parse(caughtUp.since as string) / 1000) * 1000 + 2000);
    items = [{ title: 'Portbury counts the cost of the flood', text: FOLLOW_UP, publishedAt: followUpAt }, ...items];
    expect((await api(`/api/v1/sources/${sourceId}/refresh`, { method: 'POST' })).status).toBeLessThan(300);
    const followUp = await analysed('Portbury counts the cost of the flood');
    expect(followUp.storyId).toBe(original.storyId);
    expect(followUp.nearDuplicateOf).toBeNull();
    const after = (await api('/api/v1/me/recommendations?limit=10')).body.items as Array<{ article: { id: string }; reason: string; controls: string[] }>;
    const news = after.find((i) => i.article.id === followUp.id);
    expect(news).toMatchObject({ reason: 'new in the story of "Floods hit Portbury harbour", which you read', controls: [] });
    expect(after[after.length - 1].article.id).toBe(copy.id);

    const brief = (await api(`/api/v1/me/stories/${original.storyId}/brief?limit=3`)).body as Brief;
    expect(brief.since).toBe(caughtUp.since);
    expect(brief.newArticles).toBe(1);
    expect(brief.sentences.length).toBeGreaterThan(0);
    expect(brief.sentences.every((s) => s.article.id === followUp.id && s.article.title === 'Portbury counts the cost of the flood')).toBe(true);
    // The sentence the follow-up repeats from what was read is not news.
    expect(brief.sentences.map((s) => s.text)).not.toContain('Heavy rain flooded the harbour town of Portbury on Monday night.');

    // The same brief through GraphQL.
    const gql = await api('/graphql', {
      method: 'POST',
      body: { query: `{ storyBrief(id: "${original.storyId}", limit: 3) { storyId newArticles sentences { text article { id url } } } }` },
    });
    expect(gql.status).toBe(200);
    expect(gql.body.data.storyBrief).toEqual({
      storyId: original.storyId,
      newArticles: 1,
      sentences: brief.sentences.map((s) => ({ text: s.text, article: { id: s.article.id, url: s.article.url } })),
    });
  });

  it('answers bad input with 4xx', async () => {
    const { storyId } = await analysed('Floods hit Portbury harbour');
    for (const limit of ['0', '21', 'abc', '2.5', '-1']) {
      expect((await api(`/api/v1/me/stories/${storyId}/brief?limit=${limit}`)).status).toBe(400);
    }
    expect((await api(`/api/v1/me/stories/${storyId}/brief?limit=1&extra=1`)).status).toBe(400);
    expect((await api('/api/v1/me/stories/00000000-0000-4000-8000-000000000000/brief')).status).toBe(404);
    expect((await api('/api/v1/me/stories/not-a-story/brief')).status).toBe(404);
    expect((await api(`/api/v1/me/stories/${storyId}/brief`, { key: '' })).status).toBe(401);
    expect((await api(`/api/v1/me/stories/${storyId}/brief`, { key: 'agl_not-a-key' })).status).toBe(401);
    const gql = await api('/graphql', { method: 'POST', body: { query: `{ storyBrief(id: "${storyId}", limit: 99) { title } }` } });
    expect(JSON.stringify(gql.body.errors)).toMatch(/limit/);
  });
});
