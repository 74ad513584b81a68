import { createHash, randomBytes } from 'node:crypto';

/** Keys look like `agl_<43 base64url characters>`: 256 random bits, recognisable in logs and secret scanners. */
export const API_KEY_PREFIX = 'agl_';
const API_KEY = /^agl_[A-Za-z0-9_-]{43}$/;
/** How much of a key is kept in clear to recognise it by (prefix + 8 characters). */
const SHOWN_CHARACTERS = API_KEY_PREFIX.length + 8;

export interface GeneratedApiKey {
  /** The key itself: shown once to its owner, never stored. */
  key: string;
  prefix: string;
  keyHash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, SHOWN_CHARACTERS), keyHash: hashApiKey(key) };
}

export function isWellFormedApiKey(key: string): boolean {
  return API_KEY.test(key);
}

/**
 * The API key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`; '' when none.
 * Other Authorization schemes are not ours (a reverse proxy's Basic auth, say) and are ignored.
 */
export function presentedApiKey(headers: Record<string, string | string[] | undefined>): string {
  const single = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
  const authorization = single(headers['authorization']);
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (bearer?.[1]) return bearer[1];
  return single(headers['x-api-key']);
}

/**
 * The token of a Google Reader client's `Authorization: GoogleLogin auth=<token>` header (the API key
 * ClientLogin handed out); '' when there is none. Only the feed-reader routes accept it as credentials.
 */
export function googleLoginToken(headers: Record<string, string | string[] | undefined>): string {
  const authorization = headers['authorization'];
  const header = (Array.isArray(authorization) ? (authorization[0] ?? '') : (authorization ?? '')).trim();
  return /^GoogleLogin\s+auth=(\S+)$/i.exec(header)?.[1] ?? '';
}
