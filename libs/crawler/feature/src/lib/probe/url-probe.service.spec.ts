import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { freePort } from '@autoglm/shared-testing';
import { GuardedFetcher } from '../fetch/guarded-fetcher';
import { FixtureServer } from '../testing/fixture-server';
import { UrlProbe } from './url-probe.service';

async function domainFailure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof DomainError) return error;
  throw new Error(`expected a DomainError, got ${String(error)}`);
}

describe(UrlProbe.name, () => {
  const server = new FixtureServer();
  let fetcher: GuardedFetcher;
  let sut: UrlProbe;

  beforeAll(async () => {
    await server.start();
    const config: AppConfig = defaultConfig();
    config.crawler = { ...config.crawler, timeoutMs: 300, allowHosts: ['127.0.0.1'] };
    fetcher = new GuardedFetcher(config.crawler);
    sut = new UrlProbe(fetcher, config);
  });
  afterAll(async () => {
    await fetcher.close();
    await server.stop();
  });
  beforeEach(() => server.reset());

  it('reports the final URL, status and content type', async () => {
    server.redirect('/feed', '/feed.xml', 301);
    server.serve('/feed.xml', '<rss/>', 'application/rss+xml');

    await expect(sut.probe(server.url('/feed'))).resolves.toEqual({
      finalUrl: server.url('/feed.xml'),
      httpStatus: 200,
      contentType: 'application/rss+xml',
    });
  });

  it('returns an HTTP error status instead of failing', async () => {
    const result = await sut.probe(server.url('/missing'));

    expect(result.httpStatus).toBe(404);
  });

  it.each([
    ['', 'url is required'],
    ['not a url', 'is not a valid URL'],
    ['ftp://example.com/feed', 'only http and https'],
    ['file:///etc/passwd', 'only http and https'],
    ['http://10.0.0.1/feed', 'refusing to fetch 10.0.0.1: private address'],
    ['http://[::1]/feed', 'loopback address'],
  ])('refuses %p as an invalid argument', async (url, message) => {
    const error = await domainFailure(sut.probe(url));

    expect(error.code).toBe(ErrorCode.InvalidArgument);
    expect(error.message).toContain(message);
  });

  it('reports an unreachable host as a failed precondition', async () => {
    const port = await freePort();

    const error = await domainFailure(sut.probe(`http://127.0.0.1:${port}/feed`));

    expect(error.code).toBe(ErrorCode.FailedPrecondition);
    expect(error.message).toMatch(new RegExp(`^could not reach 127\\.0\\.0\\.1:${port}: `));
  });

  it('reports a host that does not answer in time as a failed precondition', async () => {
    server.route('/slow', () => undefined);

    const error = await domainFailure(sut.probe(server.url('/slow')));

    expect(error.code).toBe(ErrorCode.FailedPrecondition);
    expect(error.message).toContain('timed out after 300 ms');
  });
});
