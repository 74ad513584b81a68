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

/** The request only: the acting user travels as the call's actor metadata. */
export function mapRecordEventRequest(body: CreateEventDto): recommender.RecordEventRequest {
  return {
    articleId: body.articleId,
    type: mapEventType(body.type),
    dwellSeconds: body.dwellSeconds ?? 0,
  };
}
