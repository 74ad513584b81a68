import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, OptionalCaller, type Caller, type CallerRequest } from '../auth/caller';
import { InstanceAccounts } from '../auth/instance-accounts.service';
import { cookieOf, csrfTokenFor, sessionCookie } from '../auth/session-token';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { httpStatusOf } from '../errors/error-status';
import { mapUser } from '../me/me.mapper';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { assertSameOrigin } from './same-origin';
import { SessionDto, SignInDto } from './web-session.dto';
import { OIDC_COOKIE, OidcSignIn, pendingCookie, readPendingCookie, type OidcCallbackParams } from './oidc-sign-in.service';
import { WebSessions } from './web-sessions.service';

/** The callback parameters taken from the query (each only as a single string; providers add others, which are ignored). */
const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description'] as const;

/** The web reader's sign-in: a session in an HttpOnly, SameSite=Lax cookie. */
@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: InstanceAccounts,
    private readonly sessions: WebSessions,
    private readonly oidc: OidcSignIn,
  ) {}

  @Get()
  @Access(AccessPolicy.Visitor)
  @ApiOperation({ summary: 'Who is signed in (session cookie or API key), the CSRF token of a signed-in browser, and whether the instance has accounts.' })
  @ApiOkResponse({ type: SessionDto })
  async current(@OptionalCaller() caller: Caller | undefined, @Req() request: CallerRequest): Promise<SessionDto> {
    const oidc = this.oidc.providerName();
    if (!caller) return { user: null, via: null, csrfToken: null, accounts: await this.accounts.exist(), oidc };
    const { user } = await this.storage.getUser({}, { actor: caller.userId });
    const token = request.sessionToken;
    return { user: mapUser(user), via: token ? 'session' : 'api-key', csrfToken: token ? csrfTokenFor(token) : null, accounts: true, oidc };
  }

  // Not rate-limited like signing in: it only builds the provider's URL (its discovery document is read once).
  @Get('oidc')
  @Access(AccessPolicy.Public)
  @ApiOperation({ summary: 'Sign in with the OpenID Connect provider: redirects the browser there (authorization code + PKCE).' })
  @ApiFoundResponse({ description: "Location: the provider's authorization endpoint; a short-lived cookie keeps the sign-in in progress." })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No provider is configured (OIDC_ISSUER_URL).' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The provider cannot be reached.' })
  async startOidc(@Req() request: Request, @Res() response: Response): Promise<void> {
    const { url, pending } = await this.oidc.start();
    response.setHeader('set-cookie', pendingCookie(pending, this.secure(request)));
    response.redirect(HttpStatus.FOUND, url);
  }

  // Starting is harmless, so a GET (a link the reader's account page shows): the provider answers with the
  // identity of whoever signs in there, and only the account that started is given it.
  @Get('oidc/link')
  @Access(AccessPolicy.KeyHolder)
  @ApiOperation({
    summary: 'Link your account to an identity at the OpenID Connect provider: redirects the browser there; when it comes back, signing in with that identity opens your account.',
  })
  @ApiFoundResponse({ description: "Location: the provider's authorization endpoint; back at the callback, the reader's account page (#/account?linked=1, or ?linkError=…)." })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No provider is configured (OIDC_ISSUER_URL).' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The provider cannot be reached.' })
  async startOidcLink(@CurrentCaller() caller: Caller, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { url, pending } = await this.oidc.start(caller.userId);
    response.setHeader('set-cookie', pendingCookie(pending, this.secure(request)));
    response.redirect(HttpStatus.FOUND, url);
  }

  @Get('oidc/callback')
  @Access(AccessPolicy.Visitor)
  @RateLimit('signIn')
  @ApiOperation({
    summary:
      "The provider's way back (OIDC_REDIRECT_URL): checks the answer, signs the linked account in and redirects to the reader — or, for a linking started by the account signed in in this browser, links the identity to it.",
  })
  @ApiFoundResponse({
    description:
      'Location: / — signed in (the session cookie is set); the first sign-in of an identity creates its account. After a linking: #/account?linked=1, or #/account?linkError=… (the identity signs in another account; the browser is signed in as someone else).',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'No sign-in in progress, a state that does not match, no code, another issuer, or a code the provider refuses.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The provider cannot be reached.' })
  async finishOidc(@OptionalCaller() caller: Caller | undefined, @Req() request: Request, @Res() response: Response): Promise<void> {
    const params: OidcCallbackParams = {};
    for (const name of CALLBACK_PARAMS) {
      const value: unknown = request.query[name];
      if (typeof value === 'string') params[name] = value;
    }
    const pending = readPendingCookie(cookieOf(request.headers, OIDC_COOKIE));
    // The sign-in in progress is used once, whatever the outcome.
    response.setHeader('set-cookie', pendingCookie(null, this.secure(request)));
    if (pending?.linkUserId) {
      try {
        await this.oidc.finishLink(params, pending, caller?.userId);
        response.redirect(HttpStatus.FOUND, '/#/account?linked=1');
      } catch (error) {
        // The reader shows why on its account page; an unreachable provider or storage stays a 503.
        if (!(error instanceof DomainError) || httpStatusOf(error.code) >= 500) throw error;
        response.redirect(HttpStatus.FOUND, `/#/account?linkError=${encodeURIComponent(error.message)}`);
      }
      return;
    }
    const opened = await this.oidc.finish(params, pending);
    response.setHeader('set-cookie', [pendingCookie(null, this.secure(request)), sessionCookie(opened.token, opened.maxAgeSeconds, this.secure(request))]);
    response.redirect(HttpStatus.FOUND, '/#/foryou');
  }

  @Post()
  @Access(AccessPolicy.Public)
  @RateLimit('signIn')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with a user name and password: sets the session cookie and answers the CSRF token.' })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Wrong user name or password.' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'The request came from another site.' })
  async signIn(@Body() body: SignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionDto> {
    assertSameOrigin(request.headers);
    const opened = await this.sessions.signIn(body.name, body.password);
    response.setHeader('set-cookie', sessionCookie(opened.token, opened.maxAgeSeconds, this.secure(request)));
    return { user: mapUser(opened.user), via: 'session', csrfToken: opened.csrfToken, accounts: true, oidc: this.oidc.providerName() };
  }

  @Delete()
  @Access(AccessPolicy.Visitor)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign this browser out: its session ends and the cookie is cleared (the CSRF token is needed like for any change).' })
  @ApiNoContentResponse()
  async signOut(@OptionalCaller() caller: Caller | undefined, @Req() request: Request & CallerRequest, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.sessions.signOut(caller, request.sessionToken);
    response.setHeader('set-cookie', sessionCookie('', 0, this.secure(request)));
  }

  private secure(request: Request): boolean {
    const setting = this.config.web.cookieSecure;
    return setting === 'always' || (setting === 'auto' && request.secure);
  }
}
