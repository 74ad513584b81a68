import { Inject, Injectable } from '@nestjs/common';
import { EventType, type storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp } from '@autoglm/shared-grpc';
import { articleNotFound } from '../articles/articles.service';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { USER_EVENT_COLUMNS, type UserEventRow } from './user-event-row';

const MAX_USER_ID_LENGTH = 128;
const DEFAULT_EVENTS = 100;
const MAX_EVENTS = 1000;

/** Reading events: what users did with articles (the recommender's input). */
@Injectable()
export class EventsService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
  ) {}

  async record(actorUserId: string, input: storage.RecordEventRequest): Promise<string> {
    const userId = checkActorId(actorUserId);
    if (input.type === EventType.EVENT_TYPE_UNSPECIFIED || !Object.values(EventType).includes(input.type)) {
      throw DomainError.invalidArgument('type must be one of OPEN, DWELL, LIKE, HIDE');
    }
    if (!Number.isFinite(input.dwellSeconds) || input.dwellSeconds < 0) {
      throw DomainError.invalidArgument('dwell_seconds must be a number ≥ 0');
    }
    if (!isUuid(input.articleId)) throw articleNotFound(input.articleId);
    const occurredAt = fromTimestamp(input.occurredAt) ?? this.clock.now();
    const rows = (await this.db.dataSource.query(
      `INSERT INTO reading_events (user_id, article_id, type, dwell_seconds, occurred_at)
       SELECT $1, a.id, $3, $4, $5 FROM articles a WHERE a.id = $2
       RETURNING id`,
      [userId, input.articleId, input.type, input.dwellSeconds, occurredAt],
    )) as Array<{ id: string }>;
    if (!rows[0]) throw articleNotFound(input.articleId);
    return rows[0].id;
  }

  /** The user's events, newest first. */
  async listForUser(userId: string, limit: number): Promise<UserEventRow[]> {
    const user = checkActorId(userId);
    const size = limit || DEFAULT_EVENTS;
    if (!Number.isInteger(size) || size < 1 || size > MAX_EVENTS) {
      throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_EVENTS}`);
    }
    return (await this.db.dataSource.query(
      `SELECT ${USER_EVENT_COLUMNS} FROM reading_events WHERE user_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`,
      [user, size],
    )) as UserEventRow[];
  }
}

/** The acting user of per-user rows that are not tied to an account (events, feed controls): trimmed, 1–128 characters. */
export function checkActorId(raw: string): string {
  const userId = raw.trim();
  if (!userId) throw DomainError.invalidArgument('user_id is required');
  if (userId.length > MAX_USER_ID_LENGTH) {
    throw DomainError.invalidArgument(`user_id must be at most ${MAX_USER_ID_LENGTH} characters`);
  }
  return userId;
}
