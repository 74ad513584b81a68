import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { OptionalCaller, type Caller, type CallerRequest } from '../auth/caller';
import { InstanceAccounts } from '../auth/instance-accounts.service';
import { csrfTokenFor, sessionCookie } from '../auth/session-token';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { mapUser } from '../me/me.mapper';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { assertSameOrigin } from './same-origin';
import { SessionDto, SignInDto } from './web-session.dto';
import { WebSessions } from './web-sessions.service';

/** The web reader's sign-in: a session in an HttpOnly, SameSite=Lax cookie. */
@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: InstanceAccounts,
    private readonly sessions: WebSessions,
  ) {}

  @Get()
  @Access(AccessPolicy.Visitor)
  @ApiOperation({ summary: 'Who is signed in (session cookie or API key), the CSRF token of a signed-in browser, and whether the instance has accounts.' })
  @ApiOkResponse({ type: SessionDto })
  async current(@OptionalCaller() caller: Caller | undefined, @Req() request: CallerRequest): Promise<SessionDto> {
    if (!caller) return { user: null, via: null, csrfToken: null, accounts: await this.accounts.exist() };
    const { user } = await this.storage.getUser({}, { actor: caller.userId });
    const token = request.sessionToken;
    return { user: mapUser(user), via: token ? 'session' : 'api-key', csrfToken: token ? csrfTokenFor(token) : null, accounts: true };
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
    return { user: mapUser(opened.user), via: 'session', csrfToken: opened.csrfToken, accounts: true };
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
