import { freePort } from '@autoglm/shared-testing';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { OIDC_COOKIE, OidcSignIn, pendingCookie, readPendingCookie, type PendingSignIn } from './oidc-sign-in.service';

const PENDING: PendingSignIn = { state: 's'.repeat(43), nonce: 'n'.repeat(43), verifier: 'v'.repeat(43) };
const USER_ID = '11111111-1111-4111-8111-111111111111';
const cookieHeader = (pending: PendingSignIn) => ({ cookie: `other=1; ${pendingCookie(pending, false).split(';')[0] ?? ''}` });

describe(OidcSignIn.name, () => {
  describe('the pending sign-in cookie', () => {
    it('reads back what it wrote, scoped to the OIDC routes, HttpOnly, for 10 minutes', () => {
      const header = pendingCookie(PENDING, true);
      expect(header).toMatch(new RegExp(`^${OIDC_COOKIE}=[A-Za-z0-9_-]+; Path=/api/v1/session/oidc; Max-Age=600; HttpOnly; SameSite=Lax; Secure$`));
      expect(readPendingCookie(header.split(';')[0]?.split('=')[1])).toEqual(PENDING);
      expect(pendingCookie(null, false)).toBe(`${OIDC_COOKIE}=; Path=/api/v1/session/oidc; Max-Age=0; HttpOnly; SameSite=Lax`);
    });

    it('carries the user who started a linking, and only as a user id', () => {
      const linking = { ...PENDING, linkUserId: USER_ID };
      expect(readPendingCookie(pendingCookie(linking, false).split(';')[0]?.split('=')[1])).toEqual(linking);
      const forged = (l: unknown) => Buffer.from(JSON.stringify({ s: PENDING.state, n: PENDING.nonce, v: PENDING.verifier, l })).toString('base64url');
      for (const l of ['me', 'x'.repeat(36), 42, '']) expect(readPendingCookie(forged(l))).toBeUndefined();
    });

    it.each([
      ['nothing', undefined],
      ['an empty value', ''],
      ['not base64url', 'a b'],
      ['not JSON', Buffer.from('{').toString('base64url')],
      ['a short state', Buffer.from(JSON.stringify({ s: 'x', n: PENDING.nonce, v: PENDING.verifier })).toString('base64url')],
      ['a missing verifier', Buffer.from(JSON.stringify({ s: PENDING.state, n: PENDING.nonce })).toString('base64url')],
      ['an overlong value', 'a'.repeat(1001)],
    ])('refuses %s', (_label, value) => {
      expect(readPendingCookie(value)).toBeUndefined();
    });
  });

  describe('without a provider configured', () => {
    let sut: TestGateway;
    beforeAll(async () => {
      sut = await startTestGateway();
    });
    afterAll(() => sut.close());

    it('answers 404 to both routes and names no provider in the session', async () => {
      sut.backends.storage.countUsers.returns({ count: 0 });
      expect((await send(sut, 'GET', '/api/v1/session/oidc')).status).toBe(404);
      expect((await send(sut, 'GET', `/api/v1/session/oidc/callback?code=c&state=${PENDING.state}`, undefined, cookieHeader(PENDING))).status).toBe(404);
      expect((await send(sut, 'GET', '/api/v1/session')).body).toMatchObject({ user: null, oidc: null });
    });
  });

  describe('with a provider that cannot be reached', () => {
    let sut: TestGateway;
    beforeAll(async () => {
      const port = await freePort();
      sut = await startTestGateway({
        oidc: { issuerUrl: `http://127.0.0.1:${port}`, clientId: 'web', clientSecret: '', redirectUrl: 'http://127.0.0.1:1/api/v1/session/oidc/callback', name: 'Example ID' },
      });
    });
    afterAll(() => sut.close());

    it('names the provider in the session', async () => {
      sut.backends.storage.countUsers.returns({ count: 1 });
      expect((await send(sut, 'GET', '/api/v1/session')).body).toMatchObject({ user: null, oidc: 'Example ID' });
    });

    it('answers 503 when starting a sign-in', async () => {
      const answer = await send(sut, 'GET', '/api/v1/session/oidc');
      expect(answer).toMatchObject({ status: 503, body: { message: 'the OpenID provider cannot be reached; try again later' } });
    });

    it.each([
      ['no sign-in in progress', `code=c&state=${PENDING.state}`, false, 'no sign-in is in progress in this browser (or it took longer than 10 minutes): start again'],
      ['a state that does not match', 'code=c&state=forged', true, 'state does not match the sign-in in progress'],
      ['two states', `code=c&state=${PENDING.state}&state=${PENDING.state}`, true, 'state does not match the sign-in in progress'],
      ['no state', 'code=c', true, 'state does not match the sign-in in progress'],
      ['no code', `state=${PENDING.state}`, true, "code is missing from the provider's answer"],
      ['an error from the provider', `error=access_denied&state=${PENDING.state}`, true, 'the provider refused the sign-in: access_denied'],
    ])('answers 400 for %s, before asking the provider, and clears the pending sign-in', async (_label, query, withCookie, message) => {
      const response = await fetch(`${sut.baseUrl}/api/v1/session/oidc/callback?${query}`, { redirect: 'manual', headers: withCookie ? cookieHeader(PENDING) : {} });
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message } });
      expect(response.headers.get('set-cookie')).toBe(pendingCookie(null, false));
    });

    it('sends a linking back to the account page with the reason when the browser is not signed in as the user who started it', async () => {
      const linking = { ...PENDING, linkUserId: USER_ID };
      const response = await fetch(`${sut.baseUrl}/api/v1/session/oidc/callback?code=c&state=${PENDING.state}`, { redirect: 'manual', headers: cookieHeader(linking) });
      expect(response.status).toBe(302);
      expect(decodeURIComponent(response.headers.get('location') ?? '')).toBe(
        '/#/account?linkError=the account that started linking is no longer the one signed in in this browser: start again',
      );
      expect(response.headers.get('set-cookie')).toBe(pendingCookie(null, false));
      expect(sut.backends.storage.linkIdentity.requests).toEqual([]);
    });

    it('asks for a key or session before starting a linking', async () => {
      expect((await send(sut, 'GET', '/api/v1/session/oidc/link')).status).toBe(401);
    });

    it('answers 503 for a well-formed answer it cannot check with the provider', async () => {
      const answer = await send(sut, 'GET', `/api/v1/session/oidc/callback?code=c&state=${PENDING.state}`, undefined, cookieHeader(PENDING));
      expect(answer.status).toBe(503);
      expect(sut.backends.storage.signInWithIdentity.requests).toEqual([]);
    });
  });
});
