import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Put, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { fromTimestamp, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller, type CallerRequest } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { UserDto } from '../me/me.dto';
import { mapUser } from '../me/me.mapper';
import { IdentitiesDto, SessionsEndedDto, SetPasswordDto, UnlinkIdentityQueryDto } from './web-session.dto';
import { WebSessions } from './web-sessions.service';

/** The caller's password, web-reader sessions and the identities (OpenID Connect) that sign in to their account. */
@ApiTags('me')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me')
export class AccountController {
  constructor(
    private readonly sessions: WebSessions,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
  ) {}

  @Put('password')
  @ApiOperation({ summary: 'Set your web-reader password; your other signed-in browsers are signed out.' })
  @ApiOkResponse({ type: UserDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'A signed-in browser gave a wrong current password.' })
  async setPassword(@CurrentCaller() caller: Caller, @Req() request: CallerRequest, @Body() body: SetPasswordDto): Promise<UserDto> {
    return mapUser(await this.sessions.setPassword(caller, request.sessionToken, body.password, body.currentPassword));
  }

  @Get('identities')
  @ApiOperation({ summary: 'The identities at an OpenID Connect provider that sign in to your account (link one with GET /api/v1/session/oidc/link).' })
  @ApiOkResponse({ type: IdentitiesDto })
  async identities(@CurrentCaller() caller: Caller): Promise<IdentitiesDto> {
    const { identities } = await this.storage.listIdentities({}, { actor: caller.userId });
    return {
      items: identities.map((identity) => ({
        issuer: identity.issuer,
        subject: identity.subject,
        createdAt: fromTimestamp(identity.createdAt)?.toISOString() ?? '',
      })),
    };
  }

  @Delete('identities')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Unlink one of your identities: it no longer signs in to your account.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such identity is linked to your account.' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'It is your only way to sign in to the web reader (no password, no other identity).' })
  async unlinkIdentity(@CurrentCaller() caller: Caller, @Query() query: UnlinkIdentityQueryDto): Promise<void> {
    await this.storage.unlinkIdentity({ issuer: query.issuer, subject: query.subject }, { actor: caller.userId });
  }

  @Delete('sessions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Log out everywhere: every web-reader session of yours ends (API keys stay valid).' })
  @ApiOkResponse({ type: SessionsEndedDto })
  async signOutEverywhere(@CurrentCaller() caller: Caller): Promise<SessionsEndedDto> {
    return { sessionsEnded: await this.sessions.signOutEverywhere(caller) };
  }
}
