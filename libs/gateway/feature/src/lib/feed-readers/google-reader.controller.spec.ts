import { createHash } from 'node:crypto';
import { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError, toTimestamp } from '@autoglm/shared-grpc';
import { generateApiKey } from '../auth/api-key';
import { aSource, aSubscription, aUserArticle } from '../testing/fake-backends';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';

const ALICE: storage.User = { id: '11111111-1111-4111-8111-111111111111', name: 'alice', isAdmin: false, createdAt: toTimestamp(new Date('2026-11-01T00:00:00Z')) };
const SOURCE = '33333333-3333-4333-8333-333333333333';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** What the Google Reader routes ask storage for, and how they answer, with storage faked. */
describe('GoogleReaderController', () => {
  let sut: TestGateway;
  const key = generateApiKey().key;
  const auth = { authorization: `GoogleLogin auth=${key}` };

  beforeEach(async () => {
    sut = await startTestGateway();
    sut.backends.storage.countUsers.returns({ count: 1 });
    sut.backends.storage.authenticateApiKey.answers((request) =>
      request.keyHash === createHash('sha256').update(key).digest('hex')
        ? Promise.resolve({ user: ALICE, apiKeyId: 'k1' })
        : Promise.reject(new RemoteCallError(ErrorCode.Unauthenticated, 'unknown key', 16, 'x')),
    );
    sut.backends.storage.listSubscriptions.returns({ subscriptions: [aSubscription({ source: aSource({ id: SOURCE, title: 'Loopback' }), category: 'News', feedNumber: '3' })] });
    sut.backends.storage.listUserArticles.returns({ articles: [aUserArticle()], nextCursor: 'next-page', total: 0 });
  });
  afterEach(() => sut.close());

  it('answers a POSTed ClientLogin in the text form, or as JSON when output=json', async () => {
    const text = await send(sut, 'POST', '/accounts/ClientLogin', `Email=alice&Passwd=${key}`, FORM);
    expect(text).toMatchObject({ status: 200, text: `SID=${key}\nLSID=null\nAuth=${key}\n` });
    const json = await send(sut, 'POST', '/accounts/ClientLogin?output=json', `Email=ALICE&Passwd=${key}`, FORM);
    expect(json.body).toEqual({ SID: key, LSID: null, Auth: key });
    expect(await send(sut, 'POST', '/accounts/ClientLogin', `Email=bob&Passwd=${key}`, FORM)).toMatchObject({ status: 401, text: 'Error=BadAuthentication\n' });
    // Credentials in the URL are not read (proxies log URLs), and there is no GET form.
    expect((await send(sut, 'POST', `/accounts/ClientLogin?Email=alice&Passwd=${key}`, '', FORM)).status).toBe(401);
    expect((await send(sut, 'GET', `/accounts/ClientLogin?Email=alice&Passwd=${key}`)).status).toBe(404);
  });

  it('maps s, xt, ot, nt, r, n and c onto one storage request, and answers item refs with a continuation', async () => {
    sut.backends.storage.listUserArticles.answers((request) =>
      Promise.resolve({ articles: Array.from({ length: request.limit }, (_, i) => aUserArticle({ itemNumber: String(7 + i) })), nextCursor: 'next-page', total: 0 }),
    );
    const answer = await send(sut, 'GET', `/reader/api/0/stream/items/ids?s=feed/${SOURCE}&xt=user/-/state/com.google/read&ot=1764000000&nt=1764003600.25&r=o&n=3&c=abc`, undefined, auth);
    expect(answer.status).toBe(200);
    const usec = String(Date.parse('2026-11-18T12:00:00.000Z') * 1000);
    expect(answer.body).toEqual({
      itemRefs: ['2814749767106567', '2814749767106568', '2814749767106569'].map((id) => ({ id, directStreamIds: [], timestampUsec: usec })),
      continuation: 'next-page',
    });
    expect(sut.backends.storage.listUserArticles.requests).toEqual([
      {
        limit: 3,
        cursor: 'abc',
        filter: storage.ReadingListFilter.READING_LIST_FILTER_UNREAD,
        sourceId: SOURCE,
        category: '',
        newerThan: toTimestamp(new Date(1764000000_000)),
        olderThan: toTimestamp(new Date(1764003600_250)),
        order: storage.ReadingListOrder.READING_LIST_ORDER_OLDEST_FIRST,
        itemNumbers: [],
        afterItemNumber: '0',
        beforeItemNumber: '0',
        withContent: false,
        withTotal: false,
      },
    ]);
    expect(sut.backends.storage.listUserArticles.contexts).toEqual([{ actor: ALICE.id }]);
  });

  it('pages through storage for a large n and stops at the end of the list', async () => {
    let calls = 0;
    sut.backends.storage.listUserArticles.answers((request) => {
      calls += 1;
      const articles = Array.from({ length: request.limit }, (_, i) => aUserArticle({ itemNumber: String(calls * 1000 + i + 1) }));
      return Promise.resolve({ articles, nextCursor: calls < 3 ? `page-${calls}` : '', total: 0 });
    });
    const answer = await send(sut, 'GET', '/reader/api/0/stream/items/ids?n=10000', undefined, auth);
    expect((answer.body as { itemRefs: unknown[] }).itemRefs).toHaveLength(3000);
    expect((answer.body as { continuation?: string }).continuation).toBeUndefined();
    expect(sut.backends.storage.listUserArticles.requests.map((r) => [r.limit, r.cursor])).toEqual([
      [1000, ''],
      [1000, 'page-1'],
      [1000, 'page-2'],
    ]);
  });

  it('marks the items of edit-tag in one storage call, whatever form their ids take', async () => {
    sut.backends.storage.setArticleStates.returns({ changed: 2 });
    const body = 'i=tag:google.com,2005:reader/item/000a000000000007&i=2814749767106568&i=a000000000009&a=user/-/state/com.google/starred&r=user/-/state/com.google/read';
    expect(await send(sut, 'POST', '/reader/api/0/edit-tag', body, { ...auth, ...FORM })).toMatchObject({ status: 200, text: 'OK' });
    expect(sut.backends.storage.setArticleStates.requests).toEqual([
      { itemNumbers: ['7', '8', '9'], read: storage.MarkChange.MARK_CHANGE_CLEAR, starred: storage.MarkChange.MARK_CHANGE_SET },
    ]);
  });

  it('checks T when a write sends it: the token of /token passes, another is 401 with X-Reader-Google-Bad-Token', async () => {
    sut.backends.storage.markAllRead.returns({ marked: 4 });
    const token = (await send(sut, 'GET', '/reader/api/0/token', undefined, auth)).text;
    const good = await send(sut, 'POST', '/reader/api/0/mark-all-as-read', `T=${token}&s=user/-/label/News&ts=1764000000000000`, { ...auth, ...FORM });
    expect(good).toMatchObject({ status: 200, text: 'OK' });
    expect(sut.backends.storage.markAllRead.requests).toEqual([{ sourceId: '', category: 'News', upTo: toTimestamp(new Date(1764000000_000)) }]);
    const bad = await fetch(`${sut.baseUrl}/reader/api/0/mark-all-as-read`, { method: 'POST', headers: { ...auth, ...FORM }, body: `T=${'0'.repeat(57)}&s=user/-/label/News` });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('x-reader-google-bad-token')).toBe('true');
    expect(sut.backends.storage.markAllRead.requests).toHaveLength(1);
  });

  it('refuses a non-administrator quickadd of a URL no source has, without adding it', async () => {
    sut.backends.sources.listSources.returns({ sources: [aSource({ id: SOURCE, url: 'https://example.org/feed.xml' })] });
    sut.backends.storage.putSubscription.returns({ subscription: aSubscription({ source: aSource({ id: SOURCE, title: 'Example' }) }), created: true });
    const known = await send(sut, 'POST', '/reader/api/0/subscription/quickadd', 'quickadd=HTTPS://example.org/feed.xml', { ...auth, ...FORM });
    expect(known).toMatchObject({ status: 200, body: { numResults: 1, streamId: `feed/${SOURCE}`, streamName: 'Example' } });
    expect(sut.backends.storage.putSubscription.requests).toEqual([{ sourceId: SOURCE, category: '' }]);
    const unknown = await send(sut, 'POST', '/reader/api/0/subscription/quickadd', 'quickadd=https://elsewhere.example/rss', { ...auth, ...FORM });
    expect(unknown.status).toBe(403);
    expect(sut.backends.sources.addSource.requests).toEqual([]);
    expect((await send(sut, 'POST', '/reader/api/0/subscription/quickadd', 'quickadd=javascript:alert(1)', { ...auth, ...FORM })).status).toBe(400);
  });
});
