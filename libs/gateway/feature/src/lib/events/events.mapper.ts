import { EventType, type recommender } from '@autoglm/contracts';
import { assertUnreachable } from '@autoglm/shared-errors';
import type { CreateEventDto, ReadingEventType } from './event.dto';

export function mapEventType(type: ReadingEventType): EventType {
  switch (type) {
    case 'open':
      return EventType.EVENT_TYPE_OPEN;
    case 'dwell':
      return EventType.EVENT_TYPE_DWELL;
    case 'like':
      return EventType.EVENT_TYPE_LIKE;
    case 'hide':
      return EventType.EVENT_TYPE_HIDE;
    default:
      return assertUnreachable(type, 'event type');
  }
}

export function mapRecordEventRequest(body: CreateEventDto, userId: string): recommender.RecordEventRequest {
  return {
    userId,
    articleId: body.articleId,
    type: mapEventType(body.type),
    dwellSeconds: body.dwellSeconds ?? 0,
  };
}
