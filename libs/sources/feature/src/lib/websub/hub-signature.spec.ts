import { createHmac } from 'node:crypto';
import { checkHubSignature } from './hub-signature';

const SECRET = 'a3f1'.repeat(16);
const BODY = Buffer.from('<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>');

function sign(algorithm: string, body: Buffer = BODY, secret = SECRET): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
}

describe(checkHubSignature.name, () => {
  it.each(['sha1', 'sha256', 'sha384', 'sha512'])('accepts a valid %s signature', (algorithm) => {
    expect(checkHubSignature(sign(algorithm), BODY, SECRET)).toEqual({ valid: true });
  });

  it('accepts upper-case hex and algorithm names', () => {
    expect(checkHubSignature(sign('sha256').toUpperCase(), BODY, SECRET)).toEqual({ valid: true });
  });

  it('rejects a tampered body', () => {
    const tampered = Buffer.from(BODY.toString().replace('<title>T', '<title>X'));

    expect(checkHubSignature(sign('sha256'), tampered, SECRET)).toEqual({ valid: false, reason: 'the signature does not match the body' });
  });

  it('rejects a signature made with another secret', () => {
    expect(checkHubSignature(sign('sha256', BODY, 'other'), BODY, SECRET).valid).toBe(false);
  });

  it('rejects an algorithm WebSub does not allow, even with a correct digest', () => {
    const sut = checkHubSignature(sign('md5'), BODY, SECRET);

    expect(sut).toEqual({ valid: false, reason: expect.stringMatching(/md5 is not sha1, sha256, sha384 or sha512/) });
  });

  it('rejects a digest of the wrong length for its algorithm (a sha1 digest labelled sha256)', () => {
    const sha1Digest = sign('sha1').split('=')[1];

    expect(checkHubSignature(`sha256=${sha1Digest}`, BODY, SECRET)).toEqual({ valid: false, reason: expect.stringMatching(/64 hex digits/) });
  });

  it.each([
    ['', /missing/],
    ['   ', /missing/],
    ['sha256', /<algorithm>=<hex digest>/],
    ['sha256=not-hex', /<algorithm>=<hex digest>/],
    ['sha256 = abc', /<algorithm>=<hex digest>/],
  ])('rejects the header %p', (header, reason) => {
    expect(checkHubSignature(header, BODY, SECRET)).toEqual({ valid: false, reason: expect.stringMatching(reason) });
  });
});
