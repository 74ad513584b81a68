import { createClient } from 'redis';

export type FailFastRedis = ReturnType<typeof createClient>;

/**
 * A Redis client for work that must not wait for Redis (rate limits, per-host fetch slots): commands
 * fail at once while it is disconnected instead of queueing, connecting gives up after 2 s, and it
 * reconnects in the background (100 ms doubling up to 3 s). Errors go to `onError` (without a
 * listener they would be unhandled 'error' events).
 */
export function failFastRedisClient(url: string, onError: (error: Error) => void): FailFastRedis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 3_000) },
  });
  client.on('error', onError);
  return client;
}
