import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { defaultConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { generateApiKey } from '../auth/api-key';
import { anArticle } from '../testing/fake-backends';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { PublicReadCache, READ_CACHE_MAX_ENTRIES } from './public-read-cache';

describe(PublicReadCache.name, () => {
  describe('on the gateway', () => {
    let sut: TestGateway;

    beforeEach(async () => {
      sut = await startTestGateway({ readCacheMs: 60_000 });
      sut.backends.storage.listArticles.returns({ articles: [anArticle()], nextCursor: '' });
      sut.backends.storage.getArticle.returns({ article: anArticle() });
      sut.backends.storage.similarArticles.returns({ articles: [] });
    });

    afterEach(async () => {
      await sut.close();
    });

    it('answers the same list URL from the cache, as the same JSON, without asking storage again', async () => {
      const first = await send(sut, 'GET', '/api/v1/articles?limit=5');
      const second = await send(sut, 'GET', '/api/v1/articles?limit=5');
      const response = await fetch(`${sut.baseUrl}/api/v1/articles?limit=5`);

      expect(first.status).toBe(200);
      expect(second.text).toBe(first.text);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.text()).toBe(first.text);
      expect(sut.backends.storage.listArticles.requests).toHaveLength(1);
    });

    it('keeps each URL apart', async () => {
      await send(sut, 'GET', '/api/v1/articles?limit=5');
      await send(sut, 'GET', '/api/v1/articles?limit=6');
      await send(sut, 'GET', '/api/v1/articles?limit=5&topic=science');

      expect(sut.backends.storage.listArticles.requests.map((r) => [r.limit, r.topic])).toEqual([
        [5, ''],
        [6, ''],
        [5, 'science'],
      ]);
    });

    it('gives a conditional request for a cached answer 304', async () => {
      const first = await fetch(`${sut.baseUrl}/api/v1/articles/art-1`);
      const etag = first.headers.get('etag') ?? '';
      // node:http, not fetch: fetch adds "Cache-Control: no-cache" to a request with If-None-Match.
      const status = await new Promise<number | undefined>((resolve, reject) =>
        get(`${sut.baseUrl}/api/v1/articles/art-1`, { headers: { 'if-none-match': etag } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject),
      );

      expect(etag).not.toBe('');
      expect(status).toBe(304);
      expect(sut.backends.storage.getArticle.requests).toHaveLength(1);
    });

    it('never keeps an error', async () => {
      sut.backends.storage.getArticle.fails(new RemoteCallError(ErrorCode.NotFound, 'article art-0 not found', 5, 'StorageService/GetArticle'));
      expect((await send(sut, 'GET', '/api/v1/articles/art-0')).status).toBe(404);
      sut.backends.storage.getArticle.returns({ article: anArticle({ id: 'art-0' }) });
      expect((await send(sut, 'GET', '/api/v1/articles/art-0')).status).toBe(200);
      expect(sut.backends.storage.getArticle.requests).toHaveLength(2);
    });

    it('drops everything when an article is deleted through the gateway', async () => {
      sut.backends.storage.deleteArticle.returns({});
      await send(sut, 'GET', '/api/v1/articles/art-1');
      await send(sut, 'GET', '/api/v1/articles?limit=5');

      expect((await send(sut, 'DELETE', '/api/v1/articles/art-1')).status).toBe(204);
      sut.backends.storage.getArticle.fails(new RemoteCallError(ErrorCode.NotFound, 'article art-1 not found', 5, 'StorageService/GetArticle'));

      expect((await send(sut, 'GET', '/api/v1/articles/art-1')).status).toBe(404);
      await send(sut, 'GET', '/api/v1/articles?limit=5');
      expect(sut.backends.storage.listArticles.requests).toHaveLength(2);
    });
  });

  describe('behind the guards', () => {
    let sut: TestGateway;
    const key = generateApiKey().key;

    beforeAll(async () => {
      sut = await startTestGateway({ readCacheMs: 60_000, authRequired: true });
      sut.backends.storage.listArticles.returns({ articles: [anArticle()], nextCursor: '' });
      sut.backends.storage.countUsers.returns({ count: 1 });
      const hash = createHash('sha256').update(key).digest('hex');
      sut.backends.storage.authenticateApiKey.answers((request) =>
        request.keyHash === hash
          ? Promise.resolve({ user: { id: 'u-1', name: 'alice', isAdmin: false, createdAt: undefined }, apiKeyId: 'key-1' })
          : Promise.reject(new RemoteCallError(ErrorCode.Unauthenticated, 'the API key is not valid (unknown or revoked)', 16, 'x')),
      );
    });

    afterAll(async () => {
      await sut.close();
    });

    it('checks access on every request: a cached answer is not served to a caller the guard refuses', async () => {
      expect((await send(sut, 'GET', '/api/v1/articles?limit=5', undefined, { authorization: `Bearer ${key}` })).status).toBe(200);

      expect((await send(sut, 'GET', '/api/v1/articles?limit=5')).status).toBe(401);
      expect((await send(sut, 'GET', '/api/v1/articles?limit=5', undefined, { authorization: `Bearer ${generateApiKey().key}` })).status).toBe(401);
      expect((await send(sut, 'GET', '/api/v1/articles?limit=5', undefined, { authorization: `Bearer ${key}` })).status).toBe(200);
      expect(sut.backends.storage.listArticles.requests).toHaveLength(1);
    });
  });

  it('is bounded in entries whatever URLs callers make up', () => {
    const base = defaultConfig();
    const cache = new PublicReadCache({ ...base, api: { ...base.api, readCacheMs: 60_000 } });
    for (let i = 0; i < READ_CACHE_MAX_ENTRIES + 500; i++) cache.set(`/api/v1/articles?cursor=${i}`, '{"items":[]}');

    expect(cache.stats.entries).toBe(READ_CACHE_MAX_ENTRIES);
    expect(cache.get('/api/v1/articles?cursor=0')).toBeUndefined();
    expect(cache.get(`/api/v1/articles?cursor=${READ_CACHE_MAX_ENTRIES + 499}`)).toBe('{"items":[]}');
    cache.onModuleDestroy();
  });

  it('drops expired answers in a sweep, so they hold no memory until evicted', async () => {
    const base = defaultConfig();
    const cache = new PublicReadCache({ ...base, api: { ...base.api, readCacheMs: 20 } });
    try {
      for (let i = 0; i < 100; i++) cache.set(`/api/v1/articles/${i}`, '{"id":"x"}');
      expect(cache.stats.entries).toBe(100);
      await new Promise((r) => setTimeout(r, 60));
      cache.purgeStale();
      expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 });
    } finally {
      cache.onModuleDestroy();
    }
  });

  it('keeps nothing when turned off (0)', () => {
    const base = defaultConfig();
    const cache = new PublicReadCache({ ...base, api: { ...base.api, readCacheMs: 0 } });
    cache.set('/api/v1/articles', '{}');

    expect(cache.enabled).toBe(false);
    expect(cache.get('/api/v1/articles')).toBeUndefined();
  });
});
