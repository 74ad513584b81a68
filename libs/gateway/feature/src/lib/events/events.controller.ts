import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { DomainError } from '@autoglm/shared-errors';
import { Access, AccessPolicy } from '../auth/access';
import { ActingUser } from '../auth/caller';
import { CreateEventDto, EventCreatedDto } from './event.dto';
import { mapRecordEventRequest } from './events.mapper';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Post()
  @Access(AccessPolicy.Owner, { in: 'body', name: 'userId' })
  @ApiCreatedResponse({ type: EventCreatedDto })
  async record(@Body() body: CreateEventDto, @ActingUser() userId: string): Promise<EventCreatedDto> {
    if (!userId) throw DomainError.invalidArgument('userId is required (or send an API key to record events as its user)');
    const { eventId } = await this.recommender.recordEvent(mapRecordEventRequest(body), { actor: userId });
    return { eventId };
  }
}
