import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { MAX_OPML_BODY_BYTES } from './opml-body';
import { SourcesController } from './sources.controller';

const OPML = '<?xml version="1.0"?><opml version="2.0"><body><outline text="Tech"><outline text="A" xmlUrl="https://a.example/feed"/></outline></body></opml>';

async function post(gateway: TestGateway, body: string | Buffer, contentType?: string) {
  const response = await fetch(`${gateway.baseUrl}/api/v1/sources/import`, {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    body,
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

describe(`${SourcesController.name} (OPML)`, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  describe('POST /api/v1/sources/import', () => {
    it.each([['text/xml'], ['application/xml; charset=utf-8'], ['text/x-opml']])('reads the XML body sent as %s', async (type) => {
      sut.backends.sources.importOpml.returns({ imported: 1, skipped: 2, errors: [{ url: 'ftp://x/', message: 'unsupported URL scheme "ftp"' }] });

      const answer = await post(sut, OPML, type);

      expect(answer).toEqual({ status: 200, body: { imported: 1, skipped: 2, errors: [{ url: 'ftp://x/', message: 'unsupported URL scheme "ftp"' }] } });
      expect(sut.backends.sources.importOpml.requests).toEqual([{ opml: OPML }]);
    });

    it('reads a JSON body {opml}', async () => {
      sut.backends.sources.importOpml.returns({ imported: 1, skipped: 0, errors: [] });

      const answer = await send(sut, 'POST', '/api/v1/sources/import', { opml: OPML });

      expect(answer).toMatchObject({ status: 200, body: { imported: 1, skipped: 0, errors: [] } });
      expect(sut.backends.sources.importOpml.requests).toEqual([{ opml: OPML }]);
    });

    it('keeps non-ASCII text of the XML body intact', async () => {
      sut.backends.sources.importOpml.returns({ imported: 0, skipped: 0, errors: [] });
      const chinese = OPML.replace('Tech', '科技');

      await post(sut, Buffer.from(chinese, 'utf8'), 'text/xml');

      expect(sut.backends.sources.importOpml.requests).toEqual([{ opml: chinese }]);
    });

    it('answers 400 with the message of the sources service for a bad document', async () => {
      sut.backends.sources.importOpml.fails(
        new RemoteCallError(ErrorCode.InvalidArgument, 'the document is not OPML: it has no <opml> root element', 3, 'SourcesService/ImportOpml'),
      );

      const answer = await post(sut, '<rss/>', 'text/xml');

      expect(answer).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'the document is not OPML: it has no <opml> root element' },
      });
    });

    it.each([
      ['a JSON body without opml', { feeds: [] }],
      ['a JSON opml that is not a string', { opml: 42 }],
    ])('answers 400 for %s', async (_label, body) => {
      const answer = await send(sut, 'POST', '/api/v1/sources/import', body);

      expect(answer).toMatchObject({ status: 400, body: { message: 'the JSON body must be {"opml": "<the OPML document>"}' } });
      expect(sut.backends.sources.importOpml.requests).toHaveLength(0);
    });

    it('answers 415 for another content type', async () => {
      const answer = await post(sut, 'url=https://a.example', 'text/plain');

      expect(answer.status).toBe(415);
      expect(answer.body['message']).toBe('send the OPML document as text/xml or application/xml, or as JSON {"opml": "…"}, not text/plain');
    });

    it('answers 413 for a document over the size limit', async () => {
      const answer = await post(sut, Buffer.alloc(MAX_OPML_BODY_BYTES + 1, 0x20), 'text/xml');

      expect(answer.status).toBe(413);
      expect(answer.body['message']).toBe(`the OPML document is larger than ${MAX_OPML_BODY_BYTES} bytes`);
      expect(sut.backends.sources.importOpml.requests).toHaveLength(0);
    });
  });

  describe('GET /api/v1/sources/export', () => {
    it('answers the OPML document as text/x-opml, not as a source id', async () => {
      const opml = '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0"><head><title>x</title></head><body/></opml>\n';
      sut.backends.sources.exportOpml.returns({ opml });

      const response = await fetch(`${sut.baseUrl}/api/v1/sources/export`);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
      expect(response.headers.get('content-disposition')).toContain('autoglm-sources.opml');
      expect(await response.text()).toBe(opml);
      expect(sut.backends.sources.getSource.requests).toHaveLength(0);
    });

    it('answers 503 when the sources service is down', async () => {
      sut.backends.sources.exportOpml.fails(new RemoteCallError(ErrorCode.Unavailable, 'sources is unavailable', 14, 'SourcesService/ExportOpml'));

      const answer = await send(sut, 'GET', '/api/v1/sources/export');

      expect(answer.status).toBe(503);
    });
  });
});
