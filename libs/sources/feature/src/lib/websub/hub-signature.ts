import { createHmac, timingSafeEqual } from 'node:crypto';

/** The digests a hub may sign with (W3C WebSub §8: sha1, sha256, sha384, sha512). */
const ALGORITHMS: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * Checks an `X-Hub-Signature: <algorithm>=<hex HMAC of the body>` header against the secret we
 * gave the hub. The comparison is constant-time; an unknown algorithm, a malformed or missing
 * header is invalid (we always subscribe with a secret, so unsigned content is not from our hub).
 */
export function checkHubSignature(header: string, body: Buffer, secret: string): SignatureCheck {
  const value = header.trim();
  if (!value) return { valid: false, reason: 'the X-Hub-Signature header is missing' };
  const match = /^([A-Za-z0-9]+)=([0-9A-Fa-f]+)$/.exec(value);
  if (!match) return { valid: false, reason: 'the X-Hub-Signature header is not <algorithm>=<hex digest>' };
  const algorithm = match[1].toLowerCase();
  const length = ALGORITHMS[algorithm];
  if (length === undefined) return { valid: false, reason: `the signature algorithm ${algorithm} is not sha1, sha256, sha384 or sha512` };
  const given = Buffer.from(match[2], 'hex');
  if (match[2].length !== length * 2 || given.length !== length) {
    return { valid: false, reason: `the ${algorithm} signature does not have ${length * 2} hex digits` };
  }
  const expected = createHmac(algorithm, secret).update(body).digest();
  return timingSafeEqual(given, expected) ? { valid: true } : { valid: false, reason: 'the signature does not match the body' };
}
