import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { errors, generators, Issuer, type BaseClient } from 'openid-client';
import { APP_CONFIG, type AppConfig, type OidcConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { httpOnlyCookie } from '../auth/session-token';
import { WebSessions, type OpenedSession } from './web-sessions.service';

/** The cookie that carries a sign-in in progress from the redirect to the callback (state, nonce, PKCE verifier). */
export const OIDC_COOKIE = 'autoglm_oidc';
/** It lives only as long as a person takes to sign in at the provider. */
export const OIDC_COOKIE_MAX_AGE_SECONDS = 600;
const OIDC_COOKIE_PATH = '/api/v1/session/oidc';

/** What the browser keeps between the redirect to the provider and its way back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  /** Set when a signed-in user links the identity to their account instead of signing in: that user's id. */
  linkUserId?: string;
}

/** The callback's query: what the provider sent back (a type, not an interface: openid-client takes it as a record). */
export type OidcCallbackParams = {
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  error_description?: string;
};

const RANDOM = /^[A-Za-z0-9_-]{32,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function pendingCookie(pending: PendingSignIn | null, secure: boolean): string {
  const value = pending
    ? Buffer.from(JSON.stringify({ s: pending.state, n: pending.nonce, v: pending.verifier, ...(pending.linkUserId ? { l: pending.linkUserId } : {}) })).toString('base64url')
    : '';
  return httpOnlyCookie(OIDC_COOKIE, value, OIDC_COOKIE_PATH, pending ? OIDC_COOKIE_MAX_AGE_SECONDS : 0, secure);
}

/** The sign-in in progress a cookie value holds; undefined for anything this instance did not set. */
export function readPendingCookie(value: string | undefined): PendingSignIn | undefined {
  if (!value || value.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  try {
    const { s, n, v, l } = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof s !== 'string' || typeof n !== 'string' || typeof v !== 'string' || ![s, n, v].every((part) => RANDOM.test(part))) return undefined;
    if (l !== undefined && (typeof l !== 'string' || !UUID.test(l))) return undefined;
    return { state: s, nonce: n, verifier: v, ...(l ? { linkUserId: l } : {}) };
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const withoutSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Sign-in with an OpenID Connect provider (authorization code flow with PKCE and a nonce, through
 * openid-client): the browser goes to the provider with a fresh state, nonce and code challenge kept
 * in a short-lived HttpOnly cookie, comes back with a code, which is exchanged and whose ID token is
 * checked (issuer, audience, nonce, signature); the account linked to the token's issuer and subject
 * (made at the first sign-in) gets a session like a password sign-in. Every bad callback — no
 * sign-in in progress, a state that does not match, no code, another issuer, a refused code — is
 * INVALID_ARGUMENT (400); an unreachable provider is UNAVAILABLE (503).
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('oidc');
  private client: Promise<BaseClient> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    private readonly sessions: WebSessions,
  ) {}

  /** The provider's name for the sign-in button; null when OIDC sign-in is off. */
  providerName(): string | null {
    return this.config.web.oidc?.name ?? null;
  }

  /**
   * Where to send the browser, and the sign-in to remember until it comes back; with `linkUserId` (a signed-in
   * user's id) the identity the provider answers is linked to that user instead of signing in.
   */
  async start(linkUserId?: string): Promise<{ url: string; pending: PendingSignIn }> {
    const client = await this.clientOf(this.settings());
    const pending: PendingSignIn = {
      state: generators.state(),
      nonce: generators.nonce(),
      verifier: generators.codeVerifier(),
      ...(linkUserId ? { linkUserId } : {}),
    };
    const url = client.authorizationUrl({
      scope: 'openid profile email',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: generators.codeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /** Checks the provider's answer against the sign-in in progress and opens a session for the linked account. */
  async finish(params: OidcCallbackParams, pending: PendingSignIn | undefined): Promise<OpenedSession & { created: boolean }> {
    const { issuer, subject, hint } = await this.identityOf(params, pending);
    const { user, created } = await this.storage.signInWithIdentity({ issuer, subject, nameHint: hint });
    if (!user) throw DomainError.unavailable('storage answered no user');
    return { ...(await this.sessions.open(user)), created };
  }

  /**
   * Checks the provider's answer against a linking in progress (started by `callerUserId`, who must still be the
   * one signed in in this browser) and links the identity to that user: FAILED_PRECONDITION when another account
   * has it.
   */
  async finishLink(params: OidcCallbackParams, pending: PendingSignIn | undefined, callerUserId: string | undefined): Promise<void> {
    if (!pending?.linkUserId) throw DomainError.invalidArgument('no linking is in progress in this browser: start again');
    if (pending.linkUserId !== callerUserId) {
      throw DomainError.invalidArgument('the account that started linking is no longer the one signed in in this browser: start again');
    }
    const { issuer, subject } = await this.identityOf(params, pending);
    await this.storage.linkIdentity({ issuer, subject }, { actor: pending.linkUserId });
  }

  /** The provider's answer checked (state, code, ID token): the person's issuer, subject and a name for them. */
  private async identityOf(params: OidcCallbackParams, pending: PendingSignIn | undefined): Promise<{ issuer: string; subject: string; hint: string }> {
    const settings = this.settings();
    if (!pending) throw DomainError.invalidArgument('no sign-in is in progress in this browser (or it took longer than 10 minutes): start again');
    if (typeof params.state !== 'string' || !sameText(params.state, pending.state)) {
      throw DomainError.invalidArgument('state does not match the sign-in in progress');
    }
    if (typeof params.error === 'string' && params.error) {
      throw DomainError.invalidArgument(`the provider refused the sign-in: ${params.error.slice(0, 100)}`);
    }
    if (typeof params.code !== 'string' || !params.code) throw DomainError.invalidArgument('code is missing from the provider\'s answer');
    const client = await this.clientOf(settings);
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.callback(settings.redirectUrl, params, { state: pending.state, nonce: pending.nonce, code_verifier: pending.verifier });
      claims = tokens.claims();
    } catch (error) {
      throw this.callbackError(error);
    }
    const subject = claims['sub'];
    const issuer = claims['iss'];
    if (typeof subject !== 'string' || typeof issuer !== 'string') throw DomainError.invalidArgument('the ID token names no issuer or subject');
    const hint = [claims['preferred_username'], claims['email'], claims['name'], subject].find((value): value is string => typeof value === 'string' && value.trim() !== '');
    return { issuer, subject, hint: hint ?? subject };
  }

  private settings(): OidcConfig {
    const settings = this.config.web.oidc;
    if (!settings) throw DomainError.notFound('OpenID Connect sign-in is not configured on this instance (OIDC_ISSUER_URL)');
    return settings;
  }

  /** The provider's client, from its discovery document (read once; again after a failure). */
  private clientOf(settings: OidcConfig): Promise<BaseClient> {
    this.client ??= this.discover(settings).catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async discover(settings: OidcConfig): Promise<BaseClient> {
    let issuer: Issuer;
    try {
      issuer = await Issuer.discover(settings.issuerUrl);
    } catch (error) {
      this.logger.warn(`OpenID provider discovery at ${settings.issuerUrl} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw DomainError.unavailable('the OpenID provider cannot be reached; try again later');
    }
    if (withoutSlash(String(issuer.metadata.issuer)) !== withoutSlash(settings.issuerUrl)) {
      this.logger.warn(`the OpenID provider at ${settings.issuerUrl} calls itself ${String(issuer.metadata.issuer)}: check OIDC_ISSUER_URL`);
      throw DomainError.unavailable('the OpenID provider is misconfigured (its issuer differs from OIDC_ISSUER_URL)');
    }
    return new issuer.Client({
      client_id: settings.clientId,
      ...(settings.clientSecret ? { client_secret: settings.clientSecret } : { token_endpoint_auth_method: 'none' }),
      redirect_uris: [settings.redirectUrl],
      response_types: ['code'],
    });
  }

  /** openid-client's refusals are the caller's (400); anything else means the provider could not be used (503). */
  private callbackError(error: unknown): DomainError {
    if (error instanceof errors.OPError) return DomainError.invalidArgument(`the provider refused the sign-in: ${error.error}`);
    if (error instanceof errors.RPError) return DomainError.invalidArgument(`the provider's answer was refused: ${error.message}`);
    this.logger.warn(`OpenID sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    return DomainError.unavailable('the OpenID provider cannot be reached; try again later');
  }
}
