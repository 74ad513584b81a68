import { Writable } from 'node:stream';
import { runWithRequestId } from '../request-context';
import { createPinoLogger } from './process-logger';
import { REDACTED } from './redaction';

/** A logger writing into memory; `lines()` parses what it wrote. */
function capture(level: 'info' | 'warn' = 'info') {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const sut = createPinoLogger({ logLevel: level, logPretty: false }, 'spec-service', stream);
  const lines = () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { sut, lines };
}

describe(createPinoLogger.name, () => {
  it('writes one JSON object per line with the level name, the service and the message', () => {
    const { sut, lines } = capture();

    sut.info('started');

    expect(lines()).toEqual([expect.objectContaining({ level: 'info', service: 'spec-service', msg: 'started', time: expect.any(String) })]);
  });

  it('adds the correlation id of the unit of work running', () => {
    const { sut, lines } = capture();

    runWithRequestId('req-42', () => sut.info('inside'));
    sut.info('outside');

    expect(lines()).toEqual([expect.objectContaining({ msg: 'inside', requestId: 'req-42' }), expect.not.objectContaining({ requestId: expect.anything() })]);
  });

  it('redacts credentials headers, API keys, passwords, tokens and webhook secrets', () => {
    const { sut, lines } = capture();

    sut.info(
      {
        req: { headers: { authorization: 'Bearer k', cookie: 'sid=1', 'x-api-key': 'k2', accept: 'text/html' } },
        res: { headers: { 'set-cookie': 'sid=2' } },
        password: 'p',
        apiKey: 'k3',
        source: { webhookSecret: 's', token: 't', url: 'https://example.org/feed' },
      },
      'request',
    );

    const [line] = lines();
    expect(line).toMatchObject({
      req: { headers: { authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: 'text/html' } },
      res: { headers: { 'set-cookie': REDACTED } },
      password: REDACTED,
      apiKey: REDACTED,
      source: { webhookSecret: REDACTED, token: REDACTED, url: 'https://example.org/feed' },
    });
    expect(JSON.stringify(line)).not.toMatch(/Bearer k|sid=|k2|k3/);
  });

  it('redacts secrets two levels down, Google Reader\'s Passwd and the CSRF header', () => {
    const { sut, lines } = capture();

    sut.info({ webhook: { endpoint: { secret: 'whsec_1', url: 'https://hooks.example.org/' } }, form: { Passwd: 'agl_2' }, req: { headers: { 'x-csrf-token': 'c3' } } }, 'nested');

    const [line] = lines();
    expect(line).toMatchObject({ webhook: { endpoint: { secret: REDACTED, url: 'https://hooks.example.org/' } }, form: { Passwd: REDACTED }, req: { headers: { 'x-csrf-token': REDACTED } } });
    expect(JSON.stringify(line)).not.toMatch(/whsec_1|agl_2|c3/);
  });

  it('redacts passwords and secret query parameters of the URLs a message names', () => {
    const { sut, lines } = capture();

    sut.warn('full text of https://reader:pw9@news.example.org/a?token=t0k&id=7 unavailable');

    expect(lines()[0]['msg']).toBe(`full text of https://reader:${REDACTED}@news.example.org/a?token=${REDACTED}&id=7 unavailable`);
  });

  it('writes nothing below the configured level', () => {
    const { sut, lines } = capture('warn');

    sut.info('quiet');
    sut.warn('loud');

    expect(lines().map((line) => line['msg'])).toEqual(['loud']);
  });
});
