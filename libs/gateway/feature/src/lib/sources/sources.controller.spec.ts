import { ErrorCode } from '@autoglm/shared-errors';
import { SourceKind, SourceStatus } from '@autoglm/contracts';
import { RemoteCallError, toTimestamp } from '@autoglm/shared-grpc';
import { aSource } from '../testing/fake-backends';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { SourcesController } from './sources.controller';

describe(SourcesController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  describe('POST /api/v1/sources', () => {
    it('adds the source and answers 201 with the source', async () => {
      sut.backends.sources.addSource.returns({ source: aSource({ articleCount: '0', lastFetchedAt: undefined }) });

      const answer = await send(sut, 'POST', '/api/v1/sources', {
        url: 'https://example.org/feed.xml',
        title: 'Example',
        intervalSeconds: 600,
        fullText: true,
      });

      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: 'src-1',
        url: 'https://example.org/feed.xml',
        title: 'Example feed',
        kind: 'feed',
        options: null,
        status: 'active',
        intervalSeconds: 900,
        effectiveIntervalSeconds: 900,
        category: null,
        fullText: false,
        lastError: null,
        consecutiveFailures: 0,
        lastFetchedAt: null,
        nextCheckAt: '2026-11-20T10:15:00.000Z',
        createdAt: '2026-11-01T00:00:00.000Z',
        articleCount: 0,
        fullTextPending: 0,
        pausedAt: null,
      });
      expect(sut.backends.sources.addSource.requests).toEqual([
        { url: 'https://example.org/feed.xml', title: 'Example', intervalSeconds: 600, category: '', fullText: true, kind: SourceKind.SOURCE_KIND_UNSPECIFIED, optionsJson: '' },
      ]);
    });

    it('sends the zero values for the optional fields', async () => {
      sut.backends.sources.addSource.returns({ source: aSource() });

      await send(sut, 'POST', '/api/v1/sources', { url: 'https://example.org/feed.xml' });

      expect(sut.backends.sources.addSource.requests).toEqual([
        { url: 'https://example.org/feed.xml', title: '', intervalSeconds: 0, category: '', fullText: false, kind: SourceKind.SOURCE_KIND_UNSPECIFIED, optionsJson: '' },
      ]);
    });

    it.each([
      ['a missing url', {}, 'url'],
      ['a url of the wrong type', { url: 42 }, 'url must be a string'],
      ['an empty url', { url: '' }, 'url should not be empty'],
      ['an interval below 60 seconds', { url: 'https://e.org/f', intervalSeconds: 59 }, 'intervalSeconds must not be less than 60'],
      ['an interval above a day', { url: 'https://e.org/f', intervalSeconds: 86401 }, 'intervalSeconds must not be greater than 86400'],
      ['a fractional interval', { url: 'https://e.org/f', intervalSeconds: 90.5 }, 'intervalSeconds must be an integer'],
      ['an unknown field', { url: 'https://e.org/f', color: 'red' }, 'property color should not exist'],
    ])('rejects %s with 400', async (_case, body, message) => {
      const answer = await send(sut, 'POST', '/api/v1/sources', body);

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining(message) });
      expect(sut.backends.sources.addSource.requests).toHaveLength(0);
    });

    it('sends the kind and the options of a JSON API source; the answer shows its secrets by name only', async () => {
      const stored = JSON.stringify({ itemsPath: 'data', fields: { title: 'name' }, headers: { Authorization: 'env:NEWS_TOKEN', Cookie: 'literal', Accept: 'application/json' } });
      sut.backends.sources.addSource.returns({ source: aSource({ kind: SourceKind.SOURCE_KIND_JSON_API, sourceOptionsJson: stored }) });
      const options = { itemsPath: 'data', fields: { title: 'name' }, headers: { Authorization: { secretRef: 'NEWS_TOKEN' } } };

      const answer = await send(sut, 'POST', '/api/v1/sources', { url: 'https://example.org/api', kind: 'jsonApi', options });

      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        kind: 'json_api',
        options: { itemsPath: 'data', fields: { title: 'name' }, headers: { Authorization: { secretRef: 'NEWS_TOKEN' }, Cookie: { hidden: true }, Accept: 'application/json' } },
      });
      expect(sut.backends.sources.addSource.requests[0]).toMatchObject({ kind: SourceKind.SOURCE_KIND_JSON_API, optionsJson: JSON.stringify(options) });
    });

    it.each([
      ['an unknown kind', { url: 'https://e.org/f', kind: 'rss' }, 'kind must be one of the following values: feed, jsonApi, webPage'],
      ['options that are not an object', { url: 'https://e.org/f', kind: 'webPage', options: 'li' }, 'options must be an object'],
    ])('rejects %s with 400 naming the field', async (_case, body, message) => {
      const answer = await send(sut, 'POST', '/api/v1/sources', body);

      expect(answer).toMatchObject({ status: 400, body: { message: expect.stringContaining(message) } });
      expect(sut.backends.sources.addSource.requests).toHaveLength(0);
    });

    it('answers 409 when the source already exists', async () => {
      sut.backends.sources.addSource.fails(
        new RemoteCallError(ErrorCode.AlreadyExists, 'a source with this URL already exists', 6, 'SourcesService/AddSource'),
      );

      const answer = await send(sut, 'POST', '/api/v1/sources', { url: 'https://example.org/feed.xml' });

      expect(answer.status).toBe(409);
      expect(answer.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'a source with this URL already exists' });
    });

    it('answers 400 when the service refuses the URL', async () => {
      sut.backends.sources.addSource.fails(
        new RemoteCallError(ErrorCode.InvalidArgument, 'only http and https URLs can be added', 3, 'SourcesService/AddSource'),
      );

      const answer = await send(sut, 'POST', '/api/v1/sources', { url: 'ftp://example.org/feed' });

      expect(answer).toMatchObject({ status: 400, body: { message: 'only http and https URLs can be added' } });
    });
  });

  describe('GET /api/v1/sources', () => {
    it('lists the sources with their schedule state', async () => {
      sut.backends.sources.listSources.returns({
        sources: [
          aSource(),
          aSource({ id: 'src-2', status: SourceStatus.SOURCE_STATUS_ERROR, lastError: 'https://example.org/feed.xml answered HTTP 500 Internal Server Error', consecutiveFailures: 3 }),
          aSource({ id: 'src-3', status: SourceStatus.SOURCE_STATUS_PAUSED }),
        ],
      });

      const answer = await send(sut, 'GET', '/api/v1/sources');

      expect(answer.status).toBe(200);
      const { items } = answer.body as { items: Array<Record<string, unknown>> };
      expect(items.map((s) => [s['id'], s['status'], s['lastError'], s['consecutiveFailures']])).toEqual([
        ['src-1', 'active', null, 0],
        ['src-2', 'error', 'HTTP 500', 3],
        ['src-3', 'paused', null, 0],
      ]);
      expect(items[0]).toMatchObject({ articleCount: 12, lastFetchedAt: '2026-11-20T10:00:00.000Z' });
    });

    it('shows a paused source with its last error, its effective interval and its category', async () => {
      sut.backends.sources.listSources.returns({
        sources: [
          aSource({
            status: SourceStatus.SOURCE_STATUS_PAUSED,
            consecutiveFailures: 10,
            lastError: 'HTTP 503 (paused after 10 failed checks in a row; resume the source to check it again)',
            effectiveIntervalSeconds: 675,
            category: 'Tech / AI',
          }),
          aSource({ id: 'src-old', effectiveIntervalSeconds: 0, intervalSeconds: 1200 }),
        ],
      });

      const answer = await send(sut, 'GET', '/api/v1/sources');

      const { items } = answer.body as { items: Array<Record<string, unknown>> };
      expect(items[0]).toMatchObject({
        status: 'paused',
        consecutiveFailures: 10,
        lastError: expect.stringContaining('paused after 10 failed checks'),
        effectiveIntervalSeconds: 675,
        category: 'Tech / AI',
      });
      // A storage that predates adaptive intervals answers 0: the chosen interval is the one in force.
      expect(items[1]).toMatchObject({ effectiveIntervalSeconds: 1200, category: null });
    });

    it('answers an empty list as items: []', async () => {
      sut.backends.sources.listSources.returns({ sources: [] });

      expect(await send(sut, 'GET', '/api/v1/sources')).toMatchObject({ status: 200, body: { items: [] } });
    });
  });

  describe('GET /api/v1/sources/:id', () => {
    it('answers the source', async () => {
      sut.backends.sources.getSource.returns({ source: aSource({ id: 'src-9' }), websub: undefined });

      const answer = await send(sut, 'GET', '/api/v1/sources/src-9');

      expect(answer).toMatchObject({ status: 200, body: { id: 'src-9', kind: 'feed', websub: null } });
      expect(sut.backends.sources.getSource.requests).toEqual([{ id: 'src-9' }]);
    });

    it("shows how many articles of a full-text source wait for their page's text", async () => {
      sut.backends.sources.getSource.returns({ source: aSource({ id: 'src-9', fullText: true, fullTextPending: '40' }), websub: undefined });

      const answer = await send(sut, 'GET', '/api/v1/sources/src-9');

      expect(answer).toMatchObject({ status: 200, body: { id: 'src-9', fullText: true, fullTextPending: 40 } });
    });

    it('shows the WebSub subscription of a feed that advertises a hub', async () => {
      sut.backends.sources.getSource.returns({
        source: aSource({ id: 'src-9' }),
        websub: { hubUrl: 'https://hub.example/', state: 'active', leaseExpiresAt: { seconds: '1800000000', nanos: 0 }, lastError: '' },
      });

      const answer = await send(sut, 'GET', '/api/v1/sources/src-9');

      expect(answer.body).toMatchObject({
        websub: { hubUrl: 'https://hub.example/', state: 'active', leaseExpiresAt: '2027-01-15T08:00:00.000Z', lastError: null },
      });
      expect(JSON.stringify(answer.body)).not.toMatch(/secret/i);
    });

    it('answers 404 for an unknown source', async () => {
      sut.backends.sources.getSource.fails(new RemoteCallError(ErrorCode.NotFound, 'source src-0 not found', 5, 'SourcesService/GetSource'));

      const answer = await send(sut, 'GET', '/api/v1/sources/src-0');

      expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'source src-0 not found' });
    });

    it('answers 500 when the service answers without a source', async () => {
      sut.backends.sources.getSource.returns({ source: undefined, websub: undefined });

      const answer = await send(sut, 'GET', '/api/v1/sources/src-1');

      expect(answer.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    });
  });

  describe('POST /api/v1/sources/:id/refresh', () => {
    it('queues a crawl and answers 202 with the job id', async () => {
      sut.backends.sources.refreshSource.returns({ jobId: 'crawl:src-1:now' });

      const answer = await send(sut, 'POST', '/api/v1/sources/src-1/refresh');

      expect(answer).toMatchObject({ status: 202, body: { jobId: 'crawl:src-1:now' } });
      expect(sut.backends.sources.refreshSource.requests).toEqual([{ id: 'src-1' }]);
    });

    it('answers 422 when the source cannot be refreshed now', async () => {
      sut.backends.sources.refreshSource.fails(
        new RemoteCallError(ErrorCode.FailedPrecondition, 'source src-1 is paused', 9, 'SourcesService/RefreshSource'),
      );

      const answer = await send(sut, 'POST', '/api/v1/sources/src-1/refresh');

      expect(answer.body).toEqual({ statusCode: 422, error: 'Unprocessable Entity', message: 'source src-1 is paused' });
    });
  });

  describe('POST /api/v1/sources/:id/resume', () => {
    it('resumes the source and answers 200 with it', async () => {
      sut.backends.sources.resumeSource.returns({ source: aSource({ id: 'src-7', status: SourceStatus.SOURCE_STATUS_ACTIVE }) });

      const answer = await send(sut, 'POST', '/api/v1/sources/src-7/resume');

      expect(answer).toMatchObject({ status: 200, body: { id: 'src-7', status: 'active', lastError: null } });
      expect(sut.backends.sources.resumeSource.requests).toEqual([{ id: 'src-7' }]);
    });

    it('answers 404 for an unknown source', async () => {
      sut.backends.sources.resumeSource.fails(
        new RemoteCallError(ErrorCode.NotFound, 'source src-0 not found', 5, 'SourcesService/ResumeSource'),
      );

      const answer = await send(sut, 'POST', '/api/v1/sources/src-0/resume');

      expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'source src-0 not found' });
    });
  });

  describe('POST /api/v1/sources/:id/pause', () => {
    it('pauses the source and answers 200 with it, pausedAt set', async () => {
      sut.backends.sources.pauseSource.returns({
        source: aSource({ id: 'src-7', status: SourceStatus.SOURCE_STATUS_PAUSED, pausedAt: toTimestamp(new Date('2026-11-25T08:00:00.000Z')) }),
      });

      const answer = await send(sut, 'POST', '/api/v1/sources/src-7/pause');

      expect(answer).toMatchObject({ status: 200, body: { id: 'src-7', status: 'paused', pausedAt: '2026-11-25T08:00:00.000Z' } });
      expect(sut.backends.sources.pauseSource.requests).toEqual([{ id: 'src-7' }]);
    });

    it('answers 404 for an unknown source', async () => {
      sut.backends.sources.pauseSource.fails(new RemoteCallError(ErrorCode.NotFound, 'source src-0 not found', 5, 'SourcesService/PauseSource'));

      const answer = await send(sut, 'POST', '/api/v1/sources/src-0/pause');

      expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'source src-0 not found' });
    });
  });

  describe('PATCH /api/v1/sources/:id', () => {
    it('sends only the fields given, and the new options as JSON', async () => {
      sut.backends.sources.updateSource.returns({ source: aSource({ title: 'Renamed' }) });

      const answer = await send(sut, 'PATCH', '/api/v1/sources/src-1', { title: 'Renamed', options: { itemSelector: 'article' } });

      expect(answer).toMatchObject({ status: 200, body: { id: 'src-1', title: 'Renamed' } });
      expect(sut.backends.sources.updateSource.requests).toEqual([
        {
          id: 'src-1',
          title: 'Renamed',
          intervalSeconds: undefined,
          category: undefined,
          fullText: undefined,
          kind: SourceKind.SOURCE_KIND_UNSPECIFIED,
          optionsJson: JSON.stringify({ itemSelector: 'article' }),
        },
      ]);
    });

    it('refuses a URL change (a source keeps its URL) and answers 404 for an unknown source', async () => {
      const url = await send(sut, 'PATCH', '/api/v1/sources/src-1', { url: 'https://other.example/' });
      expect(url).toMatchObject({ status: 400, body: { message: expect.stringContaining('property url should not exist') } });

      sut.backends.sources.updateSource.fails(new RemoteCallError(ErrorCode.NotFound, 'source x not found', 5, 'SourcesService/UpdateSource'));
      expect((await send(sut, 'PATCH', '/api/v1/sources/x', { title: 'a' })).status).toBe(404);
    });
  });

  describe('POST /api/v1/sources/preview', () => {
    it('answers the items the definition gives', async () => {
      sut.backends.sources.previewSource.returns({
        items: [{ guid: 'p1', url: 'https://example.org/p/1', title: 'One', author: 'Ann', publishedAt: { seconds: '1764583200', nanos: 0 }, text: 'Body' }],
      });

      const answer = await send(sut, 'POST', '/api/v1/sources/preview', { url: 'https://example.org/', kind: 'webPage', options: { itemSelector: 'li' } });

      expect(answer).toMatchObject({
        status: 200,
        body: { items: [{ guid: 'p1', url: 'https://example.org/p/1', title: 'One', author: 'Ann', publishedAt: '2025-12-01T10:00:00.000Z', text: 'Body' }] },
      });
      expect(sut.backends.sources.previewSource.requests).toEqual([
        { url: 'https://example.org/', kind: SourceKind.SOURCE_KIND_WEB_PAGE, optionsJson: JSON.stringify({ itemSelector: 'li' }) },
      ]);
    });

    it('answers 422 when the definition matches nothing, and refuses the fields of a stored source', async () => {
      sut.backends.sources.previewSource.fails(
        new RemoteCallError(ErrorCode.FailedPrecondition, 'no element of the page matches the item selector "li"', 9, 'SourcesService/PreviewSource'),
      );
      const nothing = await send(sut, 'POST', '/api/v1/sources/preview', { url: 'https://example.org/', kind: 'webPage', options: { itemSelector: 'li' } });
      expect(nothing).toMatchObject({ status: 422, body: { message: 'no element of the page matches the item selector "li"' } });

      const extra = await send(sut, 'POST', '/api/v1/sources/preview', { url: 'https://example.org/', title: 'x' });
      expect(extra).toMatchObject({ status: 400, body: { message: expect.stringContaining('property title should not exist') } });
    });
  });
});
