import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { PUSH_BUS, type PushBus, type PushNotice } from '@autoglm/shared-push-bus';
import { mapPushEvent } from './push.mapper';

/** Events read from storage per page while a stream catches up. */
const PAGE = 100;
const EVENT_ID = /^\d{1,19}$/;
/** What a client waits before reconnecting (the SSE `retry` field). */
const RETRY_MS = 3_000;

/** The `Last-Event-ID` a client resumes from, or undefined for a new stream; anything but a decimal id is INVALID_ARGUMENT. */
export function parseLastEventId(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const id = value.trim();
  if (!EVENT_ID.test(id)) throw DomainError.invalidArgument('Last-Event-ID must be a decimal event id');
  return id;
}

/** One SSE frame of an event. JSON never holds a raw line break, so `data` is one line. */
export function eventFrame(event: storage.PushEvent): string {
  return `id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(mapPushEvent(event))}\n\n`;
}

/** One open stream. Exported for its spec. */
export class StreamConnection {
  /** The last event id sent (the next read starts after it). */
  cursor = '0';
  private reading = false;
  private readAgain = false;
  closed = false;

  constructor(
    readonly userId: string,
    private readonly res: ServerResponse,
    private readonly maxBufferedBytes: number,
    private readonly onClose: (connection: StreamConnection) => void,
  ) {}

  /** Once the response has started: a client that goes away closes the connection. */
  started(): void {
    this.res.on('close', () => this.close(true));
    if (this.res.destroyed) this.close(true);
  }

  /**
   * Writes a frame, unless the client has not read what was written before: when the bytes waiting
   * for it are past the bound, it is dropped instead (it resumes with Last-Event-ID). Between two
   * pages of events the socket gets to flush, so a reading client never reaches the bound; the most
   * held per connection is the bound plus one page.
   */
  write(frame: string): void {
    if (this.closed) return;
    if (this.res.writableLength > this.maxBufferedBytes) {
      this.close(true);
      return;
    }
    this.res.write(frame);
  }

  close(destroy = false): void {
    if (this.closed) return;
    this.closed = true;
    if (destroy) this.res.destroy();
    else if (this.res.headersSent) this.res.end();
    this.onClose(this);
  }

  /** Reads and sends the events after the cursor, one reader at a time (a notice during a read reads again after it). */
  async catchUp(read: (afterId: string) => Promise<storage.PushEvent[]>): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.readAgain = false;
        for (;;) {
          const events = await read(this.cursor);
          for (const event of events) {
            if (this.closed) return;
            this.write(eventFrame(event));
            this.cursor = event.id;
          }
          if (events.length < PAGE || this.closed) break;
        }
      } while (this.readAgain && !this.closed);
    } finally {
      this.reading = false;
    }
  }
}

/**
 * The open push streams of this gateway replica. A stream starts after the user's newest event, or
 * after its Last-Event-ID (at most push.stream.replayLimit missed events are replayed from the
 * database; past that, a `gap` event says where it skipped to). New events are announced on the
 * push bus (Redis pub/sub across replicas, in memory when embedded) and read from storage, so every
 * replica holding a stream of that user sends them. Heartbeat comments keep idle connections open;
 * memory is bounded per connection (unread bytes) and per user (open streams).
 */
@Injectable()
export class PushStreams implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PushStreams.name);
  private readonly byUser = new Map<string, Set<StreamConnection>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private closing = false;

  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(PUSH_BUS) private readonly bus: PushBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe((notice) => this.onNotice(notice));
    this.heartbeat = setInterval(() => this.beat(), this.config.push.stream.heartbeatSeconds * 1000);
    this.heartbeat.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closeAll();
    this.unsubscribe?.();
    await this.bus.close();
  }

  /** How many streams are open (all users). */
  get openStreams(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /**
   * Opens a stream on `res`. Everything that can fail (the limit, reading storage) happens before the
   * response starts, so a failure is an ordinary error answer.
   */
  async open(userId: string, lastEventId: string | undefined, res: ServerResponse): Promise<void> {
    if (this.closing) throw DomainError.unavailable('the gateway is stopping');
    const { maxStreamsPerUser, maxBufferedBytes, replayLimit } = this.config.push.stream;
    const streams = this.byUser.get(userId) ?? new Set<StreamConnection>();
    if (streams.size >= maxStreamsPerUser) {
      throw DomainError.resourceExhausted(`at most ${maxStreamsPerUser} open streams per user (push.stream.maxStreamsPerUser)`);
    }
    const connection = new StreamConnection(userId, res, maxBufferedBytes, (c) => this.forget(c));
    // Counted before the first await: concurrent opens cannot pass the limit together.
    streams.add(connection);
    this.byUser.set(userId, streams);
    let replay: storage.PushEvent[] = [];
    let latestId = '0';
    try {
      const page = await this.storage.listPushEvents({ afterId: lastEventId ?? '0', limit: Math.max(1, replayLimit) }, { actor: userId });
      latestId = page.latestId;
      if (lastEventId !== undefined && replayLimit > 0) replay = page.events;
    } catch (error) {
      this.forget(connection);
      throw error;
    }
    if (res.destroyed || res.writableEnded || connection.closed) {
      // The client left (or the gateway began stopping) while the events were read.
      connection.close(true);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    connection.started();
    // From here on the response has started: a failure ends the stream (the client resumes), never an error answer.
    try {
      res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
      connection.cursor = lastEventId ?? latestId;
      for (const event of replay) {
        connection.write(eventFrame(event));
        connection.cursor = event.id;
      }
      if (lastEventId !== undefined && BigInt(connection.cursor) < BigInt(latestId)) {
        // More were missed than a resume replays: say so, and go on from the newest.
        connection.write(`event: gap\ndata: ${JSON.stringify({ resumedAfter: connection.cursor, skippedTo: latestId })}\n\n`);
        connection.cursor = latestId;
      }
    } catch (error) {
      this.logger.warn(`push stream of ${userId} ended while starting: ${(error as Error).stack ?? String(error)}`);
      connection.close(true);
    }
  }

  /** Ends every stream (shutdown): clients reconnect elsewhere and resume with Last-Event-ID. */
  closeAll(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const set of [...this.byUser.values()]) for (const connection of [...set]) connection.close();
  }

  private onNotice(notice: PushNotice): void {
    const streams = this.byUser.get(notice.userId);
    if (!streams) return;
    for (const connection of streams) {
      if (BigInt(notice.eventId) <= BigInt(connection.cursor)) continue;
      connection
        .catchUp(async (afterId) => (await this.storage.listPushEvents({ afterId, limit: PAGE }, { actor: connection.userId })).events)
        .catch((error: Error) => this.logger.warn(`push stream of ${connection.userId} could not read its events: ${error.message}`));
    }
  }

  private beat(): void {
    for (const set of this.byUser.values()) for (const connection of [...set]) connection.write(': heartbeat\n\n');
  }

  private forget(connection: StreamConnection): void {
    const set = this.byUser.get(connection.userId);
    if (!set) return;
    set.delete(connection);
    if (set.size === 0) this.byUser.delete(connection.userId);
  }
}
