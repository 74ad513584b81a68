import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The web reader's session cookie: 256 random bits; storage keeps only their SHA-256. */
export const SESSION_COOKIE = 'autoglm_session';
/** Where a cookie-authenticated request that changes something carries its CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The session's CSRF token: an HMAC of a fixed label under the session token, so only someone who
 * holds the (HttpOnly) cookie's value can compute it, and nothing more needs to be stored. The page
 * gets it from GET /api/v1/session, which another origin cannot read.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('autoglm csrf v1').digest('base64url');
}

export function isValidCsrfToken(sessionToken: string, presented: string | string[] | undefined): boolean {
  const value = Array.isArray(presented) ? presented[0] : presented;
  if (!value) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(value);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The session token a request's Cookie header carries; '' when none or malformed. */
export function sessionTokenOf(headers: Record<string, string | string[] | undefined>): string {
  const value = cookieOf(headers, SESSION_COOKIE) ?? '';
  return TOKEN.test(value) ? value : '';
}

/** The value of the first cookie named `name` in a request's Cookie header; undefined when there is none. */
export function cookieOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const header = headers['cookie'];
  const cookies = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of cookies.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    return part.slice(separator + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie value for an HttpOnly, SameSite=Lax cookie; maxAgeSeconds 0 clears it. */
export function httpOnlyCookie(name: string, value: string, path: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${name}=${value}`, `Path=${path}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

/** The Set-Cookie value that stores a session (maxAgeSeconds > 0) or clears it (0). */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return httpOnlyCookie(SESSION_COOKIE, token, '/', maxAgeSeconds, secure);
}
