import { csrfTokenFor, generateSessionToken, isValidCsrfToken, SESSION_COOKIE, sessionCookie, sessionTokenOf } from './session-token';

describe('session tokens', () => {
  it('reads the session cookie among others, and nothing malformed', () => {
    const token = generateSessionToken();
    expect(sessionTokenOf({ cookie: `theme=dark; ${SESSION_COOKIE}=${token}; lang=zh` })).toBe(token);
    expect(sessionTokenOf({ cookie: [`a=1`, `${SESSION_COOKIE}=${token}`] })).toBe(token);
    expect(sessionTokenOf({})).toBe('');
    expect(sessionTokenOf({ cookie: `${SESSION_COOKIE}=short` })).toBe('');
    expect(sessionTokenOf({ cookie: `x${SESSION_COOKIE}=${token}` })).toBe('');
  });

  it('derives a CSRF token per session that only matches its own session', () => {
    const [one, two] = [generateSessionToken(), generateSessionToken()];
    expect(csrfTokenFor(one)).toBe(csrfTokenFor(one));
    expect(isValidCsrfToken(one, csrfTokenFor(one))).toBe(true);
    expect(isValidCsrfToken(one, [csrfTokenFor(one)])).toBe(true);
    expect(isValidCsrfToken(one, csrfTokenFor(two))).toBe(false);
    expect(isValidCsrfToken(one, undefined)).toBe(false);
    expect(isValidCsrfToken(one, '')).toBe(false);
    expect(isValidCsrfToken(one, csrfTokenFor(one).slice(1))).toBe(false);
  });

  it('sets the cookie HttpOnly and SameSite=Lax, Secure when asked, and clears it with Max-Age=0', () => {
    expect(sessionCookie('abc', 3600, false)).toBe(`${SESSION_COOKIE}=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax`);
    expect(sessionCookie('abc', 3600, true)).toMatch(/; Secure$/);
    expect(sessionCookie('', 0, true)).toBe(`${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure`);
  });
});
