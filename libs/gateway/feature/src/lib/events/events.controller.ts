import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { CreateEventDto, EventCreatedDto } from './event.dto';
import { mapRecordEventRequest } from './events.mapper';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Post()
  @ApiCreatedResponse({ type: EventCreatedDto })
  async record(@Body() body: CreateEventDto): Promise<EventCreatedDto> {
    const { eventId } = await this.recommender.recordEvent(mapRecordEventRequest(body));
    return { eventId };
  }
}
