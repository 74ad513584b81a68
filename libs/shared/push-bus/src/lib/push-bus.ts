import { Logger } from '@nestjs/common';
import { failFastRedisClient, type FailFastRedis } from '@autoglm/shared-cache';

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

/**
 * Distributed mode: one PUBLISH per notice on PUSH_CHANNEL; each replica subscribes once (lazily) and dispatches locally.
 * Redis being down never holds anything up: the clients connect in the background and reconnect by
 * themselves (the subscription is renewed on reconnect), a publish while disconnected fails at once
 * (the caller logs it; streams catch up from the database on the next notice or resume).
 */
export class RedisPushBus implements PushBus {
  private readonly logger = new Logger('push-bus');
  private readonly handlers = new Set<PushNoticeHandler>();
  private publisher: FailFastRedis | undefined;
  private publisherReady: Promise<unknown> = Promise.resolve();
  private subscriber: FailFastRedis | undefined;
  private subscribed: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly channel = PUSH_CHANNEL,
  ) {}

  async publish(notice: PushNotice): Promise<void> {
    if (!this.publisher) {
      this.publisher = failFastRedisClient(this.url, (error) => this.logger.warn(`redis: ${error.message}`));
      this.publisherReady = this.connectInBackground(this.publisher, 'publisher');
    }
    await atMost(this.publisherReady, CONNECT_WAIT_MS);
    await this.publisher.publish(this.channel, JSON.stringify(notice));
  }

  async subscribe(handler: PushNoticeHandler): Promise<() => void> {
    this.handlers.add(handler);
    if (!this.subscriber) {
      const client = failFastRedisClient(this.url, (error) => this.logger.warn(`redis subscriber: ${error.message}`));
      this.subscriber = client;
      // node-redis keeps a subscription across reconnects; the first one is made once connected.
      this.subscribed = new Promise<void>((resolve) => {
        client.once('ready', () => {
          client
            .subscribe(this.channel, (message) => {
              const notice = parseNotice(message);
              if (!notice) return;
              for (const each of [...this.handlers]) each(notice);
            })
            .then(resolve, (error: Error) => this.logger.warn(`redis subscribe: ${error.message}`));
        });
      });
      void this.connectInBackground(client, 'subscriber');
    }
    // Up to a moment for the subscription, so notices published right after count; never longer.
    await atMost(this.subscribed, CONNECT_WAIT_MS);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    const clients = [this.subscriber, this.publisher].filter((c): c is FailFastRedis => c !== undefined);
    this.subscriber = undefined;
    this.publisher = undefined;
    await Promise.allSettled(clients.map(async (c) => (c.isOpen ? c.disconnect() : undefined)));
  }

  private connectInBackground(client: FailFastRedis, role: string): Promise<unknown> {
    return client.connect().catch((error: Error) => this.logger.warn(`redis ${role} not connected yet: ${error.message}`));
  }
}

/** How long a publish or subscribe waits for Redis before going on without it. */
const CONNECT_WAIT_MS = 2_000;

/** Waits for `promise`, but no longer than `ms`. */
async function atMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
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
