import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { ErrorCode } from '@autoglm/shared-errors';
import { RedisTokenBudget, remainingTokens } from './llm-token-budget';

const REDIS_URL = 'redis://127.0.0.1:6379';

describe(RedisTokenBudget.name, () => {
  const clients: Array<ReturnType<typeof createClient>> = [];
  let now = Date.parse('2026-12-07T10:00:00Z');
  // A prefix of its own: parallel runs of this spec never share a counter.
  const prefix = `autoglm:test:llm:${randomUUID()}`;

  const replica = async () => {
    const client = createClient({ url: REDIS_URL, disableOfflineQueue: true });
    await client.connect();
    clients.push(client);
    return new RedisTokenBudget(100, client, () => now, prefix);
  };

  afterAll(async () => {
    const [first] = clients;
    if (first) {
      const keys = await first.keys(`${prefix}:*`);
      if (keys.length) await first.del(keys);
    }
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('is one budget for every replica: what one spends, the others see, and concurrent charges all count', async () => {
    const [a, b] = [await replica(), await replica()];

    await a.record(30);
    expect(await b.spent()).toBe(30);
    await Promise.all([...Array.from({ length: 10 }, () => a.record(3)), ...Array.from({ length: 10 }, () => b.record(4))]);
    expect(await a.spent()).toBe(100);
    await expect(remainingTokens(b)).rejects.toMatchObject({ code: ErrorCode.ResourceExhausted });

    // A new UTC day starts from zero, and the day's key expires by itself.
    now = Date.parse('2026-12-08T00:00:01Z');
    expect(await remainingTokens(a)).toBe(100);
    const ttl = await clients[0]!.ttl(`${prefix}:2026-12-07`);
    expect(ttl).toBeGreaterThan(86_400);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400);
  });

  it('refuses with UNAVAILABLE when Redis does not answer, rather than spending without a limit', async () => {
    const client = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true });
    client.on('error', () => undefined);
    const sut = new RedisTokenBudget(100, client, () => now, prefix);

    await expect(remainingTokens(sut)).rejects.toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringContaining('token budget in Redis cannot be read') });
  });
});
