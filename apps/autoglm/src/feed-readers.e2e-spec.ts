import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';
import { serveFixtureFeeds } from './testing/fixture-feeds';
import { startServerBackend } from './testing/server-backend';

/**
 * Mobile feed apps against the embedded system: the request sequences NetNewsWire (and Reeder,
 * FeedMe, Read You, which follow the same Google Reader calls) send to sync, and a Fever app's, checked
 * field by field on articles ingested from a loopback feed. Run embedded (PGlite, in-process queue) and
 * with the servers (PostgreSQL, BullMQ on Redis).
 */

interface Backend {
  databaseUrl: string;
  redisUrl: string;
  cleanup(): Promise<void>;
}

const MODES: Array<[string, () => Promise<Backend>]> = [
  ['embedded', async () => ({ databaseUrl: '', redisUrl: '', cleanup: async () => undefined })],
  ['with servers', () => startServerBackend('autoglm_readers', 11)],
];

const READING_LIST = 'user/-/state/com.google/reading-list';
const READ = 'user/-/state/com.google/read';
const STARRED = 'user/-/state/com.google/starred';
const ITEM_PREFIX = 'tag:google.com,2005:reader/item/';

interface Answer {
  status: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- protocol answers are checked field by field below
  headers: Headers;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(MODES)('feed apps syncing through the Google Reader and Fever APIs, %s', (_mode, makeBackend) => {
  let backend: Backend;
  let fixtures: { server: Server; base: string };
  let system: EmbeddedSystem;
  let dataDir: string;
  let adminKey: string;
  let bobKey: string;
  let enSourceId: string;

  const call = async (method: string, path: string, options: { body?: string | URLSearchParams; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const res = await fetch(`${system.url}${path}`, {
      method,
      headers: { ...(options.body !== undefined && typeof options.body === 'string' && options.body.startsWith('{') ? { 'content-type': 'application/json' } : {}), ...(options.headers ?? {}) },
      body: options.body,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  };
  const google = (token: string) => ({ authorization: `GoogleLogin auth=${token}` });
  /** A form body as the apps build it (repeated names for repeated values). */
  const form = (fields: Array<[string, string]>) => new URLSearchParams(fields);

  beforeAll(async () => {
    backend = await makeBackend();
    fixtures = await serveFixtureFeeds();
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-readers-'));
    system = await startEmbedded(await embeddedTestConfig(dataDir, { database: { url: backend.databaseUrl }, redis: { url: backend.redisUrl } }));
    const alice = await call('POST', '/api/v1/users', { body: JSON.stringify({ name: 'alice' }) });
    adminKey = alice.json.apiKey.key;
    const bob = await call('POST', '/api/v1/users', { body: JSON.stringify({ name: 'bob' }), headers: { authorization: `Bearer ${adminKey}` } });
    bobKey = bob.json.apiKey.key;
    const en = await call('POST', '/api/v1/sources', { body: JSON.stringify({ url: `${fixtures.base}/en.xml` }), headers: { authorization: `Bearer ${adminKey}` } });
    expect(en.status).toBe(201);
    enSourceId = en.json.id;
    await waitFor('the six articles of the feed', async () => {
      const list = await call('GET', '/api/v1/articles?limit=50');
      return list.json.items.length === 6 ? true : undefined;
    });
  });

  afterAll(async () => {
    await system?.close();
    fixtures?.server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await backend?.cleanup();
  });

  it('syncs like NetNewsWire: login, token, user, subscriptions, tags, unread ids, contents, marks', async () => {
    // ClientLogin: the user's name and an API key as the password.
    const refused = await call('POST', '/accounts/ClientLogin', { body: form([['Email', 'bob'], ['Passwd', adminKey]]) });
    expect(refused).toMatchObject({ status: 401, text: 'Error=BadAuthentication\n' });
    expect((await call('POST', '/accounts/ClientLogin', { body: form([['Email', 'bob'], ['Passwd', 'hunter2']]) })).status).toBe(401);
    const login = await call('POST', '/accounts/ClientLogin', { body: form([['Email', 'Bob'], ['Passwd', bobKey]]) });
    expect(login.status).toBe(200);
    const fields = Object.fromEntries(login.text.trim().split('\n').map((line) => line.split('=') as [string, string]));
    expect(fields).toEqual({ SID: bobKey, LSID: 'null', Auth: bobKey });
    const auth = google(fields['Auth'] as string);

    // Every call without the token, or with another, is the protocol's 401 and reads nothing.
    expect((await call('GET', '/reader/api/0/subscription/list?output=json')).status).toBe(401);
    expect((await call('GET', '/reader/api/0/subscription/list?output=json', { headers: google('agl_' + 'x'.repeat(43)) })).status).toBe(401);

    const token = await call('GET', '/reader/api/0/token', { headers: auth });
    expect(token.status).toBe(200);
    expect(token.text).toMatch(/^[0-9a-f]{57}$/);
    const T = token.text;

    const me = await call('GET', '/reader/api/0/user-info?output=json', { headers: auth });
    expect(me.json).toMatchObject({ userName: 'bob', userId: expect.any(String), userProfileId: me.json.userId });

    // NetNewsWire subscribes with ac=subscribe and the feed's URL, into a folder.
    const subscribe = await call('POST', '/reader/api/0/subscription/edit', {
      headers: auth,
      body: form([['T', T], ['ac', 'subscribe'], ['s', `feed/${fixtures.base}/en.xml`], ['a', 'user/-/label/News'], ['t', 'Loopback']]),
    });
    expect(subscribe).toMatchObject({ status: 200, text: 'OK' });

    const subscriptions = await call('GET', '/reader/api/0/subscription/list?output=json', { headers: auth });
    expect(subscriptions.json).toEqual({
      subscriptions: [
        {
          id: `feed/${enSourceId}`,
          title: 'Loopback Daily',
          categories: [{ id: 'user/-/label/News', label: 'News' }],
          url: `${fixtures.base}/en.xml`,
          htmlUrl: fixtures.base,
          iconUrl: '',
          firstitemmsec: expect.stringMatching(/^\d{13}$/),
          sortid: expect.stringMatching(/^\d{8}$/),
        },
      ],
    });
    const tags = await call('GET', '/reader/api/0/tag/list?output=json', { headers: auth });
    expect(tags.json).toEqual({ tags: [{ id: STARRED }, { id: READ }, { id: 'user/-/label/News', type: 'folder' }] });

    // Unread ids (NetNewsWire asks for n=10000 and ot as a Double), then their contents by unpadded hex.
    const unread = await call('GET', `/reader/api/0/stream/items/ids?s=${READING_LIST}&xt=${READ}&n=10000&ot=1000000000.5&output=json`, { headers: auth });
    expect(unread.status).toBe(200);
    const refs = unread.json.itemRefs as Array<{ id: string; directStreamIds: string[]; timestampUsec: string }>;
    expect(refs).toHaveLength(6);
    expect(unread.json.continuation).toBeUndefined();
    for (const ref of refs) {
      expect(ref).toEqual({ id: expect.stringMatching(/^[1-9]\d+$/), directStreamIds: [], timestampUsec: expect.stringMatching(/^\d{16}$/) });
      expect(BigInt(ref.id)).toBeLessThan(1n << 53n);
    }
    const hexIds = refs.map((ref) => BigInt(ref.id).toString(16));
    const contents = await call('POST', '/reader/api/0/stream/items/contents', { headers: auth, body: form([['T', T], ['output', 'json'], ...hexIds.map((id): [string, string] => ['i', id])]) });
    expect(contents.status).toBe(200);
    expect(contents.json).toMatchObject({ id: READING_LIST, updated: expect.any(Number), direction: 'ltr' });
    const items = contents.json.items as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(items.map((item) => item['id'])).toEqual(hexIds.map((id) => `${ITEM_PREFIX}${id.padStart(16, '0')}`));
    const final = items.find((item) => String(item['title']).startsWith('Striker scores twice'));
    expect(final).toEqual({
      id: expect.stringMatching(/^tag:google\.com,2005:reader\/item\/000a[0-9a-f]{12}$/),
      crawlTimeMsec: String(Date.parse('2026-11-24T18:00:00Z')),
      timestampUsec: String(Date.parse('2026-11-24T18:00:00Z') * 1000),
      published: Date.parse('2026-11-24T18:00:00Z') / 1000,
      updated: Date.parse('2026-11-24T18:00:00Z') / 1000,
      title: 'Striker scores twice as United win the cup final',
      author: '',
      canonical: [{ href: expect.stringContaining('/articles/football-final') }],
      alternate: [{ href: expect.stringContaining('/articles/football-final'), type: 'text/html' }],
      summary: { direction: 'ltr', content: expect.stringContaining('<p>The striker scored two goals') },
      categories: [READING_LIST, 'user/-/label/News'],
      origin: { streamId: `feed/${enSourceId}`, title: 'Loopback Daily', htmlUrl: expect.any(String) },
    });

    // Read one (edit-tag with %.16llx ids, as NetNewsWire sends them), star another.
    const [first, second] = refs;
    const padded = (id: string) => BigInt(id).toString(16).padStart(16, '0');
    expect((await call('POST', '/reader/api/0/edit-tag', { headers: auth, body: form([['T', T], ['i', padded(first?.id ?? '')], ['a', READ]]) })).text).toBe('OK');
    expect((await call('POST', '/reader/api/0/edit-tag', { headers: auth, body: form([['T', T], ['i', second?.id ?? ''], ['a', STARRED]]) })).text).toBe('OK');
    const unreadNow = await call('GET', `/reader/api/0/stream/items/ids?s=${READING_LIST}&xt=${READ}&n=10000&output=json`, { headers: auth });
    expect(unreadNow.json.itemRefs.map((r: { id: string }) => r.id)).toEqual(refs.slice(1).map((r) => r.id));
    const starred = await call('GET', `/reader/api/0/stream/items/ids?s=${STARRED}&n=10000&output=json`, { headers: auth });
    expect(starred.json.itemRefs.map((r: { id: string }) => r.id)).toEqual([second?.id]);
    const marked = await call('GET', `/reader/api/0/stream/items/contents?i=${first?.id}&i=${second?.id}`, { headers: auth });
    expect(marked.json.items.map((i: { categories: string[] }) => i.categories)).toEqual([
      [READING_LIST, 'user/-/label/News', READ],
      [READING_LIST, 'user/-/label/News', STARRED],
    ]);
    // r=read takes the mark back.
    await call('POST', '/reader/api/0/edit-tag', { headers: auth, body: form([['i', first?.id ?? ''], ['r', READ]]) });
    expect((await call('GET', `/reader/api/0/stream/items/ids?s=${READING_LIST}&xt=${READ}&n=100`, { headers: auth })).json.itemRefs).toHaveLength(6);

    const counts = await call('GET', '/reader/api/0/unread-count?output=json', { headers: auth });
    expect(counts.json.unreadcounts).toEqual(
      expect.arrayContaining([
        { id: `feed/${enSourceId}`, count: 6, newestItemTimestampUsec: String(Date.parse('2026-11-24T18:00:00Z') * 1000) },
        { id: 'user/-/label/News', count: 6, newestItemTimestampUsec: expect.any(String) },
        { id: READING_LIST, count: 6, newestItemTimestampUsec: expect.any(String) },
      ]),
    );
  });

  it('pages a stream with n and c, oldest first with r=o, within ot / nt, and marks a folder read', async () => {
    const auth = google(bobKey);
    const page1 = await call('GET', `/reader/api/0/stream/contents/feed/${enSourceId}?n=4&r=o`, { headers: auth });
    expect(page1.status).toBe(200);
    expect(page1.json).toMatchObject({ id: `feed/${enSourceId}`, title: 'Loopback Daily', continuation: expect.any(String) });
    expect(page1.json.items).toHaveLength(4);
    const page2 = await call('GET', `/reader/api/0/stream/contents/feed/${enSourceId}?n=4&r=o&c=${encodeURIComponent(page1.json.continuation)}`, { headers: auth });
    expect(page2.json.items).toHaveLength(2);
    expect(page2.json.continuation).toBeUndefined();
    const published = [...page1.json.items, ...page2.json.items].map((i: { published: number }) => i.published);
    expect(published).toEqual([...published].sort((a, b) => a - b));
    // The percent-encoded path form and the label stream serve the same items.
    const encoded = await call('GET', `/reader/api/0/stream/contents/${encodeURIComponent('user/-/label/News')}?n=10`, { headers: auth });
    expect(encoded.json.items).toHaveLength(6);

    const newest = Math.max(...published);
    const window = await call('GET', `/reader/api/0/stream/items/ids?s=${READING_LIST}&ot=${newest - 1}&nt=${newest + 1}`, { headers: auth });
    expect(window.json.itemRefs).toHaveLength(1);
    expect((await call('GET', `/reader/api/0/stream/items/ids?s=${READING_LIST}&ot=${newest}`, { headers: auth })).json.itemRefs).toEqual([]);

    // Everything up to the second-newest article (ts in microseconds), then the rest.
    const sorted = [...published].sort((a, b) => b - a);
    const upTo = `${(sorted[1] ?? 0) * 1_000_000}`;
    expect((await call('POST', '/reader/api/0/mark-all-as-read', { headers: auth, body: form([['s', 'user/-/label/News'], ['ts', upTo]]) })).text).toBe('OK');
    const left = await call('GET', `/reader/api/0/stream/items/ids?s=${READING_LIST}&xt=${READ}`, { headers: auth });
    expect(left.json.itemRefs).toHaveLength(1);
    await call('POST', '/reader/api/0/mark-all-as-read', { headers: auth, body: form([['s', `feed/${enSourceId}`]]) });
    expect((await call('GET', `/reader/api/0/stream/items/ids?s=${READING_LIST}&xt=${READ}`, { headers: auth })).json.itemRefs).toEqual([]);
    expect((await call('GET', `/reader/api/0/stream/items/ids?s=${READ}&n=100`, { headers: auth })).json.itemRefs).toHaveLength(6);
  });

  it('answers bad input with 4xx: unknown streams, malformed ids, bad numbers and tokens', async () => {
    const auth = google(bobKey);
    const expectStatus = async (status: number, method: string, path: string, body?: URLSearchParams) =>
      expect({ path, body: body?.toString(), status: (await call(method, path, { headers: auth, ...(body ? { body } : {}) })).status }).toEqual({ path, body: body?.toString(), status });
    await expectStatus(400, 'GET', '/reader/api/0/stream/items/ids?s=user/-/state/com.google/broadcast');
    await expectStatus(400, 'GET', '/reader/api/0/stream/items/ids?s=nonsense');
    await expectStatus(404, 'GET', `/reader/api/0/stream/items/ids?s=feed/${'4'.repeat(8)}-4444-4444-8444-444444444444`);
    await expectStatus(404, 'GET', '/reader/api/0/stream/contents/user/-/label/Nope');
    await expectStatus(400, 'GET', '/reader/api/0/stream/items/ids?n=abc');
    await expectStatus(400, 'GET', '/reader/api/0/stream/items/ids?n=-5');
    await expectStatus(400, 'GET', '/reader/api/0/stream/items/ids?n=99999999999999999999');
    await expectStatus(200, 'GET', '/reader/api/0/stream/items/ids?n=99999999');
    await expectStatus(400, 'GET', '/reader/api/0/stream/items/ids?ot=yesterday');
    await expectStatus(400, 'GET', '/reader/api/0/stream/items/ids?c=not-a-continuation');
    await expectStatus(400, 'GET', '/reader/api/0/stream/items/ids?r=sideways');
    await expectStatus(400, 'POST', '/reader/api/0/stream/items/contents', form([['i', 'not-an-id']]));
    await expectStatus(400, 'POST', '/reader/api/0/stream/items/contents', form([['i', `${ITEM_PREFIX}zz`]]));
    await expectStatus(400, 'POST', '/reader/api/0/edit-tag', form([['i', '2814749767106567']]));
    await expectStatus(400, 'POST', '/reader/api/0/edit-tag', form([['i', '2814749767106567'], ['a', 'user/-/label/Later']]));
    await expectStatus(400, 'POST', '/reader/api/0/mark-all-as-read', form([['s', STARRED]]));
    await expectStatus(400, 'POST', '/reader/api/0/subscription/edit', form([['ac', 'explode'], ['s', `feed/${enSourceId}`]]));
    // An id of an article that does not exist is passed over.
    const unknown = await call('POST', '/reader/api/0/stream/items/contents', { headers: auth, body: form([['i', `${ITEM_PREFIX}000a00000fffffff`]]) });
    expect(unknown).toMatchObject({ status: 200 });
    expect(unknown.json.items).toEqual([]);
    // A write token that is not the caller's: 401 with Google Reader's header.
    const badToken = await call('POST', '/reader/api/0/edit-tag', { headers: auth, body: form([['T', 'x'.repeat(57)], ['i', '2814749767106567'], ['a', READ]]) });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('x-reader-google-bad-token')).toBe('true');
  });

  it('follows existing sources for anyone, and adds new ones only for an administrator (quickadd)', async () => {
    const zhUrl = `${fixtures.base}/zh.xml`;
    const denied = await call('POST', '/reader/api/0/subscription/quickadd', { headers: google(bobKey), body: form([['quickadd', zhUrl]]) });
    expect(denied.status).toBe(403);
    const added = await call('POST', '/reader/api/0/subscription/quickadd', { headers: google(adminKey), body: form([['quickadd', zhUrl]]) });
    expect(added.status).toBe(200);
    expect(added.json).toEqual({ numResults: 1, query: zhUrl, streamId: expect.stringMatching(/^feed\/[0-9a-f-]{36}$/), streamName: expect.any(String) });
    // Now that it exists, bob may follow it too, and leave it again.
    const followed = await call('POST', '/reader/api/0/subscription/quickadd', { headers: google(bobKey), body: form([['quickadd', `feed/${zhUrl}`]]) });
    expect(followed.json.streamId).toBe(added.json.streamId);
    const list = async () => (await call('GET', '/reader/api/0/subscription/list', { headers: google(bobKey) })).json.subscriptions.map((s: { id: string }) => s.id);
    expect(await list()).toContain(added.json.streamId);
    // Folders: move it into one, rename the folder, then drop the folder.
    await call('POST', '/reader/api/0/subscription/edit', { headers: google(bobKey), body: form([['ac', 'edit'], ['s', added.json.streamId], ['a', 'user/-/label/World']]) });
    await call('POST', '/reader/api/0/rename-tag', { headers: google(bobKey), body: form([['s', 'user/-/label/World'], ['dest', 'user/-/label/Abroad']]) });
    const tags = (await call('GET', '/reader/api/0/tag/list', { headers: google(bobKey) })).json.tags.map((t: { id: string }) => t.id);
    expect(tags).toEqual([STARRED, READ, 'user/-/label/Abroad', 'user/-/label/News']);
    await call('POST', '/reader/api/0/disable-tag', { headers: google(bobKey), body: form([['s', 'user/-/label/Abroad']]) });
    expect((await call('GET', '/reader/api/0/tag/list', { headers: google(bobKey) })).json.tags.map((t: { id: string }) => t.id)).toEqual([STARRED, READ, 'user/-/label/News']);
    expect((await call('POST', '/reader/api/0/subscription/edit', { headers: google(bobKey), body: form([['ac', 'unsubscribe'], ['s', added.json.streamId]]) })).text).toBe('OK');
    expect(await list()).not.toContain(added.json.streamId);
    // A feed id of ours subscribes too; one that names no source is 404.
    expect((await call('POST', '/reader/api/0/subscription/edit', { headers: google(bobKey), body: form([['ac', 'subscribe'], ['s', added.json.streamId]]) })).text).toBe('OK');
    expect(await list()).toContain(added.json.streamId);
    const nowhere = await call('POST', '/reader/api/0/subscription/edit', { headers: google(bobKey), body: form([['ac', 'subscribe'], ['s', 'feed/44444444-4444-4444-8444-444444444444']]) });
    expect(nowhere.status).toBe(404);
    await call('POST', '/reader/api/0/subscription/edit', { headers: google(bobKey), body: form([['ac', 'unsubscribe'], ['s', added.json.streamId]]) });
  });

  it('syncs a Fever app: groups, feeds, items by since_id / max_id / with_ids, unread and saved ids, marks', async () => {
    const fever = (query: string, fields: Array<[string, string]>) => call('POST', `/fever/?api${query}`, { body: form(fields) });
    const key = createHash('md5').update('bob:correct horse battery').digest('hex');
    expect((await fever('', [['api_key', key]])).json).toEqual({ api_version: 3, auth: 0 });
    expect((await call('PUT', '/api/v1/me/fever', { body: JSON.stringify({ password: 'short' }), headers: { authorization: `Bearer ${bobKey}` } })).status).toBe(400);
    expect((await call('PUT', '/api/v1/me/fever', { body: JSON.stringify({ password: 'correct horse battery' }), headers: { authorization: `Bearer ${bobKey}` } })).status).toBe(204);

    const hello = await fever('', [['api_key', key]]);
    expect(hello.json).toEqual({ api_version: 3, auth: 1, last_refreshed_on_time: expect.any(Number) });
    const groups = await fever('&groups', [['api_key', key]]);
    expect(groups.json.groups).toEqual([{ id: expect.any(Number), title: 'News' }]);
    const newsGroup = groups.json.groups[0].id as number;
    const feeds = await fever('&feeds', [['api_key', key]]);
    expect(feeds.json.feeds).toEqual([
      { id: expect.any(Number), favicon_id: 0, title: 'Loopback Daily', url: `${fixtures.base}/en.xml`, site_url: fixtures.base, is_spark: 0, last_updated_on_time: expect.any(Number) },
    ]);
    const feedId = feeds.json.feeds[0].id as number;
    expect(feeds.json.feeds_groups).toEqual([{ group_id: newsGroup, feed_ids: String(feedId) }]);

    // The previous spec left everything read; take two marks back.
    const all = await fever('&items&since_id=0', [['api_key', key]]);
    expect(all.json.total_items).toBe(6);
    const items = all.json.items as Array<{ id: number; feed_id: number; is_read: number; is_saved: number; html: string; created_on_time: number; title: string; url: string; author: string }>;
    expect(items).toHaveLength(6);
    expect(items.map((i) => i.id)).toEqual([...items.map((i) => i.id)].sort((a, b) => a - b));
    expect(items[0]).toEqual({ id: expect.any(Number), feed_id: feedId, title: expect.any(String), author: '', html: expect.stringContaining('<p>'), url: expect.stringContaining(fixtures.base), is_saved: expect.any(Number), is_read: 1, created_on_time: expect.any(Number) });
    const ids = items.map((i) => i.id);
    expect((await fever(`&items&since_id=${ids[3]}`, [['api_key', key]])).json.items.map((i: { id: number }) => i.id)).toEqual(ids.slice(4));
    expect((await fever(`&items&max_id=${ids[2]}`, [['api_key', key]])).json.items.map((i: { id: number }) => i.id)).toEqual([ids[1], ids[0]]);
    expect((await fever(`&items&with_ids=${ids[5]},${ids[0]}`, [['api_key', key]])).json.items.map((i: { id: number }) => i.id)).toEqual([ids[0], ids[5]]);

    await fever('', [['api_key', key], ['mark', 'item'], ['as', 'unread'], ['id', String(ids[2])]]);
    const saved = await fever('&saved_item_ids&unread_item_ids', [['api_key', key], ['mark', 'item'], ['as', 'saved'], ['id', String(ids[4])]]);
    expect(saved.json.unread_item_ids).toBe(String(ids[2]));
    expect(saved.json.saved_item_ids.split(',').map(Number)).toContain(ids[4]);
    await fever('', [['api_key', key], ['mark', 'group'], ['as', 'read'], ['id', String(newsGroup)], ['before', String(Math.floor(Date.now() / 1000))]]);
    expect((await fever('&unread_item_ids', [['api_key', key]])).json.unread_item_ids).toBe('');
    await fever('', [['api_key', key], ['mark', 'item'], ['as', 'unread'], ['id', String(ids[1])]]);
    await fever('', [['api_key', key], ['mark', 'feed'], ['as', 'read'], ['id', String(feedId)], ['before', String(Math.floor(Date.now() / 1000))]]);
    expect((await fever('&unread_item_ids', [['api_key', key]])).json.unread_item_ids).toBe('');

    // Bad input is a 400, not a 500; a revoked password is auth 0 again.
    expect((await fever('&items&since_id=abc', [['api_key', key]])).status).toBe(400);
    expect((await fever('', [['api_key', key], ['mark', 'item'], ['as', 'shredded'], ['id', '1']])).status).toBe(400);
    expect((await fever('', [['api_key', key], ['mark', 'feed'], ['as', 'read'], ['id', '999999']])).status).toBe(404);
    expect((await call('GET', `/fever/?api&api_key=${key}`)).json).toEqual({ api_version: 3, auth: 0 });
    expect((await call('DELETE', '/api/v1/me/fever', { headers: { authorization: `Bearer ${bobKey}` } })).status).toBe(204);
    expect((await fever('&items', [['api_key', key]])).json).toEqual({ api_version: 3, auth: 0 });
  });
});
