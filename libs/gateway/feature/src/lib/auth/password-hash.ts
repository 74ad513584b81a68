import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes: scrypt (node:crypto) with a random 16-byte salt per hash, stored as
 * `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64url) so that the cost can rise later without
 * breaking existing hashes. N = 2^15, r = 8, p = 3 is one of OWASP's equivalent scrypt settings
 * (32 MiB per hash).
 */
const SCHEME = 'scrypt';
const LOG2_N = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 3;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** The longest password hashed: scrypt's cost does not grow with length, but nothing needs more. */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 8;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  // Node refuses more than maxmem (32 MiB by default); 128·N·r bytes are needed, plus some headroom.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, HASH_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, LOG2_N, BLOCK_SIZE, PARALLELISM);
  return [SCHEME, LOG2_N, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether the password matches the stored hash (compared in constant time); false for a hash this code did not make. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== SCHEME) return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every(Number.isInteger) || log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < SALT_BYTES || expected.length !== HASH_BYTES) return false;
  const actual = await derive(password, salt, log2N, r, p);
  return timingSafeEqual(actual, expected);
}
