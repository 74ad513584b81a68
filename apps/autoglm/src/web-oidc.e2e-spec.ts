import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';

/**
 * Signing in to the web reader with an OpenID Connect provider (authorization code + PKCE through
 * openid-client), in Chromium, against a loopback provider (the oidc-provider package, run as a child
 * process: it is ESM-only). A person clicks "Sign in with Loopback ID", logs in at the provider and lands
 * signed in; the identity's first sign-in made the account (the instance's first: its administrator), the
 * next finds it again. Every forged or broken way back is a 400 and signs nobody in. A password account links
 * an identity from its account page, signs in with it, cannot take another account's, and unlinks it.
 */

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..', '..');
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const WAIT = { timeout: 60_000 };
const CLIENT = { id: 'autoglm-web', secret: 'loopback-client-secret' };

/** Runs the loopback provider; resolves once it listens. */
async function startProvider(port: number, redirectUri: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, 'testing', 'oidc-provider.mjs'), String(port), CLIENT.id, CLIENT.secret, redirectUri], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (String(chunk).startsWith('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the OpenID provider exited (${String(code)})`)));
  });
  return child;
}

describe('OpenID Connect sign-in in Chromium', () => {
  let provider: ChildProcess;
  let system: EmbeddedSystem;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  let issuer: string;
  const pageErrors: string[] = [];

  /** Starts a sign-in outside the browser: the pending cookie (name=value) and the state the provider was sent. */
  const startSignIn = async (): Promise<{ cookie: string; state: string }> => {
    const response = await fetch(`${system.url}/api/v1/session/oidc`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${issuer}/auth`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('client_id')).toBe(CLIENT.id);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^autoglm_oidc=[A-Za-z0-9_-]+; Path=\/api\/v1\/session\/oidc; Max-Age=600; HttpOnly; SameSite=Lax/);
    return { cookie: setCookie.split(';')[0] ?? '', state: location.searchParams.get('state') ?? '' };
  };
  /**
   * From the account page: signs out, then in again with the provider (which remembers the person; it may ask for
   * consent once more) and answers who the reader says is signed in.
   */
  const signOutAndBackInWithProvider = async (tab: Page): Promise<{ id: string; name: string }> => {
    await tab.getByRole('button', { name: 'Sign out', exact: true }).click();
    await tab.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await tab.getByRole('link', { name: 'Sign in with Loopback ID' }).click();
    const forYou = tab.getByRole('heading', { name: 'For You' });
    const consent = tab.getByRole('button', { name: 'Continue' });
    await forYou.or(consent).first().waitFor(WAIT);
    if (await consent.isVisible()) await consent.click();
    await forYou.waitFor(WAIT);
    return ((await tab.evaluate(() => fetch('/api/v1/session').then((r) => r.json()))) as { user: { id: string; name: string } }).user;
  };
  const callback = (query: string, cookie?: string) =>
    fetch(`${system.url}/api/v1/session/oidc/callback?${query}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-oidc-'));
    const assetsDir = join(dataDir, 'web');
    execFileSync(process.execPath, [join(ROOT, 'tools', 'scripts', 'build-web.js'), '--out', assetsDir], { stdio: 'pipe' });
    const [httpPort, providerPort] = await Promise.all([freePort(), freePort()]);
    issuer = `http://127.0.0.1:${providerPort}`;
    const redirectUrl = `http://127.0.0.1:${httpPort}/api/v1/session/oidc/callback`;
    provider = await startProvider(providerPort, redirectUrl);
    system = await startEmbedded(
      await embeddedTestConfig(dataDir, {
        http: { host: '127.0.0.1', port: httpPort },
        web: { assetsDir, oidc: { issuerUrl: issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUrl, name: 'Loopback ID' } },
        // Every browser here signs in from the same address: more than the 10 sign-ins a minute a real one is allowed.
        rateLimit: { routes: { signIn: { limit: 100, windowSeconds: 60 } } },
      }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', colorScheme: 'light' })).newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(String(error)));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    provider?.kill('SIGTERM');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it.each([
    ['no sign-in in progress', 'code=abc&state=xyz', false, 'no sign-in is in progress in this browser (or it took longer than 10 minutes): start again'],
    ['a forged state', 'code=abc&state=forged', true, 'state does not match the sign-in in progress'],
    ['a missing code', 'state={state}', true, "code is missing from the provider's answer"],
    ['the provider refusing', 'error=access_denied&state={state}', true, 'the provider refused the sign-in: access_denied'],
    ['another issuer', 'code=abc&state={state}&iss=http%3A%2F%2Fevil.example', true, "the provider's answer was refused: iss mismatch"],
    ['no issuer (the provider always names itself)', 'code=abc&state={state}', true, "the provider's answer was refused: iss missing from the response"],
    ['a forged code', 'code=forged-code&state={state}&iss={iss}', true, 'the provider refused the sign-in: invalid_grant'],
  ])('answers 400 for %s, and signs nobody in', async (_label, query, withCookie, message) => {
    const { cookie, state } = await startSignIn();
    const response = await callback(query.replace('{state}', state).replace('{iss}', encodeURIComponent(issuer)), withCookie ? cookie : undefined);
    const body = (await response.json()) as { statusCode: number; message: string };
    expect({ status: response.status, message: body.message }).toEqual({ status: 400, message: expect.stringContaining(message) as unknown });
    expect(response.headers.get('set-cookie')).not.toContain('autoglm_session=');
    expect((await (await fetch(`${system.url}/api/v1/session`)).json()) as { accounts: boolean }).toMatchObject({ accounts: false });
  });

  it('redirects a browser to the provider and back, signed in to a new account, then to the same one', async () => {
    await page.goto(system.url);
    await page.getByRole('heading', { name: 'Create the first account' }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Sign in with Loopback ID' }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-oidc.png') });

    await page.getByRole('link', { name: 'Sign in with Loopback ID' }).click();
    await page.waitForURL((url) => url.origin === issuer, WAIT);
    await page.locator('input[name="login"]').fill('carol');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'For You' }).waitFor(WAIT);

    const session = (await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()))) as { user: { id: string; name: string; isAdmin: boolean }; via: string; oidc: string };
    expect(session).toMatchObject({ user: { name: 'carol', isAdmin: true }, via: 'session', oidc: 'Loopback ID' });

    // Signed out, the sign-in page offers the provider; the provider remembers the person, the instance the account.
    await page.evaluate(() => (location.hash = '#/account'));
    expect((await signOutAndBackInWithProvider(page)).id).toBe(session.user.id);
  });

  it("links a password account to an identity at the provider from its account page, signs it in with it, refuses another account's identity, and unlinks", async () => {
    // carol (the administrator, signed in above) makes dave, who has a password.
    const made = await page.evaluate(async () => {
      const { csrfToken } = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const response = await fetch('/api/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ name: 'dave', password: 'dave password 1' }),
      });
      return response.status;
    });
    expect(made).toBe(201);

    /** A browser of its own (the provider's sign-in is per browser), signed in as dave with his password, on his account page. */
    const daveBrowser = async (): Promise<Page> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
      const tab = await context.newPage();
      tab.setDefaultTimeout(30_000);
      tab.on('pageerror', (error) => pageErrors.push(String(error)));
      await tab.goto(system.url);
      await tab.getByLabel('User name').fill('dave');
      await tab.getByLabel('Password').fill('dave password 1');
      await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
      await tab.getByRole('heading', { name: 'For You' }).waitFor(WAIT);
      await tab.evaluate(() => (location.hash = '#/account'));
      await tab.getByRole('heading', { name: 'Sign-ins with Loopback ID' }).waitFor(WAIT);
      return tab;
    };
    const signInAtProvider = async (tab: Page, login: string): Promise<void> => {
      await tab.waitForURL((url) => url.origin === issuer, WAIT);
      await tab.locator('input[name="login"]').fill(login);
      await tab.locator('input[name="password"]').fill('any password');
      await tab.getByRole('button', { name: 'Sign-in' }).click();
      await tab.getByRole('button', { name: 'Continue' }).click();
    };

    const dave = await daveBrowser();
    await dave.getByText('No identity is linked yet.').waitFor(WAIT);
    await dave.getByRole('link', { name: 'Link a Loopback ID identity' }).click();
    await signInAtProvider(dave, 'dave.at.provider');
    await dave.getByText('Linked: you can sign in with Loopback ID now.').waitFor(WAIT);
    await dave.getByText(`${issuer} · dave.at.provider`).waitFor(WAIT);
    await dave.screenshot({ path: join(SCREENSHOTS, 'account-linked-sign-in.png') });

    // Signed out, the provider's identity opens dave's account (no new account is made).
    expect((await signOutAndBackInWithProvider(dave)).name).toBe('dave');

    // carol's identity signs in carol: linking it to dave is refused, and says why.
    const other = await daveBrowser();
    await other.getByRole('link', { name: 'Link a Loopback ID identity' }).click();
    await signInAtProvider(other, 'carol');
    await other.getByText('Linking failed: this identity already signs in another user; unlink it there first').waitFor(WAIT);
    expect(other.url()).toContain('#/account?linkError=');
    const identities = (await other.evaluate(() => fetch('/api/v1/me/identities').then((r) => r.json()))) as { items: Array<{ subject: string }> };
    expect(identities.items.map((identity) => identity.subject)).toEqual(['dave.at.provider']);

    // dave has a password, so his only identity may go.
    await other.getByRole('button', { name: 'Unlink' }).click();
    await other.getByText('No identity is linked yet.').waitFor(WAIT);
    await Promise.all([dave.context().close(), other.context().close()]);
  });
});

declare const location: { hash: string };
