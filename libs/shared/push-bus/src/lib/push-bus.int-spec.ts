import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { InProcessPushBus, parseNotice, RedisPushBus, type PushNotice } from './push-bus';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** Polls until `done` holds (a util lib may not use the testing lib's waitFor). */
async function until(what: string, done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(RedisPushBus.name, () => {
  // A channel of this run only, so parallel runs do not hear each other.
  const channel = `autoglm:test:push:${randomUUID()}`;
  const buses: RedisPushBus[] = [];
  afterAll(async () => {
    for (const bus of buses) await bus.close();
  });

  it('fans a notice out to every replica, and ignores what is not a notice', async () => {
    const [replicaA, replicaB, publisher] = [0, 1, 2].map(() => new RedisPushBus(REDIS_URL, channel));
    buses.push(replicaA, replicaB, publisher);
    const heardA: PushNotice[] = [];
    const heardB: PushNotice[] = [];
    await replicaA.subscribe((n) => heardA.push(n));
    const unsubscribe = await replicaB.subscribe((n) => heardB.push(n));

    const raw = createClient({ url: REDIS_URL });
    await raw.connect();
    await raw.publish(channel, 'not json');
    await raw.publish(channel, JSON.stringify({ userId: 'u', eventId: '1; DROP' }));
    await raw.quit();
    await publisher.publish({ userId: 'u1', eventId: '42' });

    await until('both replicas', () => heardA.length === 1 && heardB.length === 1);
    expect(heardA).toEqual([{ userId: 'u1', eventId: '42' }]);
    unsubscribe();
    await publisher.publish({ userId: 'u1', eventId: '43' });
    await until('replica A', () => heardA.length === 2);
    expect(heardB).toHaveLength(1);
  });
});

describe(InProcessPushBus.name, () => {
  it('shares its handlers across the buses of one process and drops a closed bus’s handlers', async () => {
    const gateway = new InProcessPushBus();
    const storage = new InProcessPushBus();
    const heard: PushNotice[] = [];
    await gateway.subscribe((n) => heard.push(n));
    await storage.publish({ userId: 'u', eventId: '7' });
    await gateway.close();
    await storage.publish({ userId: 'u', eventId: '8' });
    expect(heard).toEqual([{ userId: 'u', eventId: '7' }]);
    expect(parseNotice('{"userId":"u","eventId":"12345678901234567890"}')).toBeUndefined();
  });
});
