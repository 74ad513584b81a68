import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { WebSubController } from './websub.controller';

const SOURCE_ID = '7d4f0a4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f';
const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>a</title></item></channel></rss>';

describe(WebSubController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  const verify = (params: Record<string, string>, sourceId = SOURCE_ID) =>
    fetch(`${sut.baseUrl}/websub/${sourceId}?${new URLSearchParams(params).toString()}`);

  describe('GET /websub/:sourceId (intent verification)', () => {
    it('echoes the challenge as text/plain when sources confirms, passing the hub.* parameters on', async () => {
      sut.backends.sources.verifyWebSubIntent.returns({ confirmed: true });

      const answer = await verify({ 'hub.mode': 'subscribe', 'hub.topic': 'https://news.example/feed', 'hub.challenge': 'ch<a>l', 'hub.lease_seconds': '3600' });

      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('ch<a>l');
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(sut.backends.sources.verifyWebSubIntent.requests).toEqual([
        { sourceId: SOURCE_ID, mode: 'subscribe', topic: 'https://news.example/feed', challenge: 'ch<a>l', leaseSeconds: 3600, reason: '' },
      ]);
    });

    it('answers 404 when sources does not confirm', async () => {
      sut.backends.sources.verifyWebSubIntent.returns({ confirmed: false });

      const answer = await verify({ 'hub.mode': 'subscribe', 'hub.topic': 'https://other.example/', 'hub.challenge': 'c' });

      expect(answer.status).toBe(404);
      expect(await answer.text()).not.toBe('c');
    });

    it('passes a missing or invalid lease as 0', async () => {
      sut.backends.sources.verifyWebSubIntent.returns({ confirmed: false });

      await verify({ 'hub.mode': 'subscribe', 'hub.lease_seconds': '-5' });
      await verify({ 'hub.mode': 'subscribe', 'hub.lease_seconds': '1e3' });

      expect(sut.backends.sources.verifyWebSubIntent.requests.map((r) => r.leaseSeconds)).toEqual([0, 1000]);
    });

    it('is outside /api/v1', async () => {
      expect((await fetch(`${sut.baseUrl}/api/v1/websub/${SOURCE_ID}`)).status).toBe(404);
      expect(sut.backends.sources.verifyWebSubIntent.requests).toEqual([]);
    });
  });

  describe('POST /websub/:sourceId (content distribution)', () => {
    const push = (body: string | Buffer, headers: Record<string, string>) =>
      fetch(`${sut.baseUrl}/websub/${SOURCE_ID}`, { method: 'POST', headers, body });

    it('hands the exact body, its type and the signature to sources and answers 202', async () => {
      sut.backends.sources.deliverWebSubContent.returns({ signatureValid: true, ingested: true, reason: '', inserted: 1 });

      const answer = await push(FEED, { 'content-type': 'application/rss+xml', 'x-hub-signature': 'sha256=abc' });

      expect(answer.status).toBe(202);
      const [request] = sut.backends.sources.deliverWebSubContent.requests;
      expect(Buffer.from(request.body).toString('utf8')).toBe(FEED);
      expect(request).toMatchObject({ sourceId: SOURCE_ID, contentType: 'application/rss+xml', signature: 'sha256=abc' });
    });

    it('answers 202 for a bad signature too (acknowledged, ignored by sources)', async () => {
      sut.backends.sources.deliverWebSubContent.returns({ signatureValid: false, ingested: false, reason: 'the signature does not match the body', inserted: 0 });

      expect((await push(FEED, { 'content-type': 'application/atom+xml' })).status).toBe(202);
      expect(sut.backends.sources.deliverWebSubContent.requests[0].signature).toBe('');
    });

    it('answers 404 for a source without subscription', async () => {
      sut.backends.sources.deliverWebSubContent.fails(
        new RemoteCallError(ErrorCode.NotFound, `source ${SOURCE_ID} has no WebSub subscription`, 5, 'SourcesService/DeliverWebSubContent'),
      );

      expect((await push(FEED, { 'content-type': 'application/rss+xml' })).status).toBe(404);
    });

    it('answers 413 for a body over the limit without calling sources', async () => {
      const answer = await push(Buffer.alloc(4 * 1024 * 1024, 'a'), { 'content-type': 'application/rss+xml' });

      expect(answer.status).toBe(413);
      expect(sut.backends.sources.deliverWebSubContent.requests).toEqual([]);
    });

    it('answers 415 for a body the JSON parser already consumed', async () => {
      const answer = await push('{"version":"https://jsonfeed.org/version/1.1"}', { 'content-type': 'application/json' });

      expect(answer.status).toBe(415);
      expect(sut.backends.sources.deliverWebSubContent.requests).toEqual([]);
    });
  });
});
