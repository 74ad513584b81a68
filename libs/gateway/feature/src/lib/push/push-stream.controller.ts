import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { parseLastEventId, PushStreams } from './push-streams.service';

/** The caller's push stream (Server-Sent Events). */
@ApiTags('push')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me')
export class PushStreamController {
  constructor(private readonly streams: PushStreams) {}

  @Get('stream')
  @ApiOperation({
    summary:
      'Server-Sent Events: `for_you` (a new article the recommender ranks high for you) and `rule_hit` (a new article met a rule with "notify"). ' +
      'Each event has an id; reconnect with Last-Event-ID to get what you missed. Comment lines are heartbeats.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (EventSource sends it on reconnect).' })
  @ApiOkResponse({ description: 'An event stream; each data line is a PushEvent (JSON).' })
  async stream(@CurrentCaller() caller: Caller, @Headers('last-event-id') lastEventId: string | undefined, @Res() res: ServerResponse): Promise<void> {
    await this.streams.open(caller.userId, parseLastEventId(lastEventId), res);
  }
}
