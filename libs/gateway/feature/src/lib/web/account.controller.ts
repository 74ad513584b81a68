import { Body, Controller, Delete, HttpCode, HttpStatus, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller, type CallerRequest } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { UserDto } from '../me/me.dto';
import { mapUser } from '../me/me.mapper';
import { SessionsEndedDto, SetPasswordDto } from './web-session.dto';
import { WebSessions } from './web-sessions.service';

/** The caller's password and web-reader sessions. */
@ApiTags('me')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me')
export class AccountController {
  constructor(private readonly sessions: WebSessions) {}

  @Put('password')
  @ApiOperation({ summary: 'Set your web-reader password; your other signed-in browsers are signed out.' })
  @ApiOkResponse({ type: UserDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'A signed-in browser gave a wrong current password.' })
  async setPassword(@CurrentCaller() caller: Caller, @Req() request: CallerRequest, @Body() body: SetPasswordDto): Promise<UserDto> {
    return mapUser(await this.sessions.setPassword(caller, request.sessionToken, body.password, body.currentPassword));
  }

  @Delete('sessions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Log out everywhere: every web-reader session of yours ends (API keys stay valid).' })
  @ApiOkResponse({ type: SessionsEndedDto })
  async signOutEverywhere(@CurrentCaller() caller: Caller): Promise<SessionsEndedDto> {
    return { sessionsEnded: await this.sessions.signOutEverywhere(caller) };
  }
}
