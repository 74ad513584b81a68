import { REDACTED, redactQuery, redactRequestLog, redactUrl, redactUrlsInText } from './redaction';

describe(redactUrl.name, () => {
  it.each([
    ['https://user:hunter2@feeds.example.org/a.xml', `https://user:${REDACTED}@feeds.example.org/a.xml`],
    ['https://ghp_token123@example.org/feed', `https://${REDACTED}@example.org/feed`],
    ['redis://:s3cret@redis:6379/0', `redis://:${REDACTED}@redis:6379/0`],
    ['/fever/?api&api_key=0123abcd&items', `/fever/?api&api_key=${REDACTED}&items`],
    ['/accounts/ClientLogin?Email=ann&Passwd=agl_key', `/accounts/ClientLogin?Email=ann&Passwd=${REDACTED}`],
    ['https://api.example.org/v1?Token=abc&page=2&API-KEY=k#top', `https://api.example.org/v1?Token=${REDACTED}&page=2&API-KEY=${REDACTED}`],
    ['https://api.example.org/v1?access%5Ftoken=abc', `https://api.example.org/v1?access%5Ftoken=${REDACTED}`],
    ['https://example.org/feed.xml?page=2', 'https://example.org/feed.xml?page=2'],
    ['/api/v1/articles?limit=5', '/api/v1/articles?limit=5'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves a malformed escape in a parameter name as it is', () => {
    expect(redactUrl('/x?%E0%A4%A=1&token=2')).toBe(`/x?%E0%A4%A=1&token=${REDACTED}`);
  });
});

describe(redactUrlsInText.name, () => {
  it('redacts every URL in a message and leaves the rest of the text alone', () => {
    expect(redactUrlsInText('fetch of https://u:pw@a.example/feed?key=k1 failed; retry "http://b.example/?sig=zz&x=1".')).toBe(
      `fetch of https://u:${REDACTED}@a.example/feed?key=${REDACTED} failed; retry "http://b.example/?sig=${REDACTED}&x=1".`,
    );
    expect(redactUrlsInText('no address here: password=1')).toBe('no address here: password=1');
  });
});

describe(redactRequestLog.name, () => {
  it('redacts the URL and the parsed query of a request log', () => {
    const req = { method: 'POST', url: '/fever/?api&api_key=abc', query: { api: '', api_key: 'abc', PASSWD: 'p' } };

    expect(redactRequestLog(req)).toEqual({ method: 'POST', url: `/fever/?api&api_key=${REDACTED}`, query: { api: '', api_key: REDACTED, PASSWD: REDACTED } });
    expect(redactQuery(undefined)).toBeUndefined();
  });
});
