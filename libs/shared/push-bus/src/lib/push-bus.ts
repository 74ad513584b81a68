import { Logger } from '@nestjs/common';
import { createClient } from 'redis';

/**
 * "User U has new push events up to id N": the whole message. The events themselves are rows in
 * PostgreSQL; a gateway replica holding a stream of U reads them from storage (after the last id
 * it sent), so a lost or duplicated notice costs nothing but a read.
 */
export interface PushNotice {
  userId: string;
  /** The newest event id (a decimal string: ids are bigint). */
  eventId: string;
}

export type PushNoticeHandler = (notice: PushNotice) => void;

/** Fan-out of push notices to every gateway replica: Redis pub/sub when distributed, in memory when embedded. */
export interface PushBus {
  publish(notice: PushNotice): Promise<void>;
  /** Registers a handler; the returned function removes it. */
  subscribe(handler: PushNoticeHandler): Promise<() => void>;
  close(): Promise<void>;
}

/** Injection token of the PushBus. */
export const PUSH_BUS = Symbol('PUSH_BUS');

export const PUSH_CHANNEL = 'autoglm:push:notices';

/**
 * Embedded mode: every service runs in this process, so one set of handlers is shared by all
 * of them (as the in-process queues are), whichever module made its bus.
 */
const inProcessHandlers = new Set<PushNoticeHandler>();

export class InProcessPushBus implements PushBus {
  private readonly mine = new Set<PushNoticeHandler>();

  async publish(notice: PushNotice): Promise<void> {
    for (const handler of [...inProcessHandlers]) handler(notice);
  }

  async subscribe(handler: PushNoticeHandler): Promise<() => void> {
    inProcessHandlers.add(handler);
    this.mine.add(handler);
    return () => {
      inProcessHandlers.delete(handler);
      this.mine.delete(handler);
    };
  }

  async close(): Promise<void> {
    for (const handler of this.mine) inProcessHandlers.delete(handler);
    this.mine.clear();
  }
}

/** Distributed mode: one PUBLISH per notice on PUSH_CHANNEL; each replica subscribes once (lazily) and dispatches locally. */
export class RedisPushBus implements PushBus {
  private readonly logger = new Logger('push-bus');
  private readonly handlers = new Set<PushNoticeHandler>();
  private publisher: ReturnType<typeof createClient> | undefined;
  private subscriber: Promise<ReturnType<typeof createClient>> | undefined;

  constructor(
    private readonly url: string,
    private readonly channel = PUSH_CHANNEL,
  ) {}

  async publish(notice: PushNotice): Promise<void> {
    if (!this.publisher) {
      const client = createClient({ url: this.url });
      client.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
      this.publisher = client;
      await client.connect();
    }
    await this.publisher.publish(this.channel, JSON.stringify(notice));
  }

  async subscribe(handler: PushNoticeHandler): Promise<() => void> {
    this.handlers.add(handler);
    this.subscriber ??= this.connectSubscriber();
    await this.subscriber;
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    const publisher = this.publisher;
    this.publisher = undefined;
    await Promise.allSettled([subscriber?.then((c) => c.quit()), publisher?.quit()]);
  }

  private async connectSubscriber(): Promise<ReturnType<typeof createClient>> {
    const client = createClient({ url: this.url });
    client.on('error', (error: Error) => this.logger.warn(`redis subscriber: ${error.message}`));
    await client.connect();
    await client.subscribe(this.channel, (message) => {
      const notice = parseNotice(message);
      if (!notice) return;
      for (const handler of [...this.handlers]) handler(notice);
    });
    return client;
  }
}

/** A notice from the channel, or undefined for anything else (the channel is shared; never trust its shape). */
export function parseNotice(message: string): PushNotice | undefined {
  try {
    const value = JSON.parse(message) as Partial<PushNotice>;
    if (typeof value.userId !== 'string' || typeof value.eventId !== 'string' || !/^\d{1,19}$/.test(value.eventId)) return undefined;
    return { userId: value.userId, eventId: value.eventId };
  } catch {
    return undefined;
  }
}

/** The bus of a deployment: Redis pub/sub with a Redis URL, else the in-process one. */
export function createPushBus(redisUrl: string): PushBus {
  return redisUrl ? new RedisPushBus(redisUrl) : new InProcessPushBus();
}
