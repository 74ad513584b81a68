import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { GatewayExceptionFilter } from './gateway-exception.filter';

describe(GatewayExceptionFilter.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  it('answers an unexpected error as a bare 500, without its message or stack', async () => {
    sut.backends.sources.listSources.fails(new TypeError('Cannot read properties of undefined (reading "rows") at /srv/secret.ts:12'));

    const answer = await send(sut, 'GET', '/api/v1/sources');

    expect(answer.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    expect(answer.text).not.toMatch(/secret|stack|at \//);
  });

  it('hides the remote message of an internal failure', async () => {
    sut.backends.sources.listSources.fails(new RemoteCallError(ErrorCode.Internal, 'relation "sources" does not exist', 13, 'x'));

    const answer = await send(sut, 'GET', '/api/v1/sources');

    expect(answer.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  });

  it('maps a local DomainError like a remote one', async () => {
    sut.backends.sources.listSources.fails(DomainError.failedPrecondition('the registry is read-only'));

    const answer = await send(sut, 'GET', '/api/v1/sources');

    expect(answer.body).toEqual({ statusCode: 422, error: 'Unprocessable Entity', message: 'the registry is read-only' });
  });

  it('answers malformed JSON with 400', async () => {
    const answer = await send(sut, 'POST', '/api/v1/sources', '{"url": "https://e.org/f",');

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(sut.backends.sources.addSource.requests).toHaveLength(0);
  });

  it('keeps the 413 of an oversized body', async () => {
    const answer = await send(sut, 'POST', '/api/v1/sources', { url: 'https://e.org/f', title: 'x'.repeat(200_000) });

    expect(answer.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'the request body is larger than the limit of 102400 bytes' });
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    const answer = await send(sut, 'GET', '/api/v1/nothing-here');

    expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/v1/nothing-here' });
  });
});
