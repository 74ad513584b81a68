import type { Provider } from '@nestjs/common';
import { getOptionsToken, getStorageToken, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { AppConfig } from '@autoglm/shared-config';
import { InMemoryRateLimitStore } from './in-memory-rate-limit-store';
import { throttlersOf } from './rate-limit.guard';
import { RedisRateLimitStore } from './redis-rate-limit-store';
import { TrustedProxies } from './trusted-proxies';

/**
 * What RateLimitGuard needs: its budgets, where counters live (this process in embedded mode;
 * Redis, shared by the replicas, when redis.url is set) and the trusted proxies. The guard itself
 * is registered as an APP_GUARD by the module, before the auth guard.
 */
export function rateLimitProviders(config: AppConfig): Provider[] {
  const options: ThrottlerModuleOptions = { throttlers: throttlersOf(config.rateLimit), setHeaders: false };
  return [
    { provide: getOptionsToken(), useValue: options },
    { provide: getStorageToken(), useFactory: (): ThrottlerStorage => rateLimitStore(config) },
    TrustedProxies,
  ];
}

function rateLimitStore(config: AppConfig): ThrottlerStorage {
  // Switched off, nothing is counted: no reason to hold a Redis connection.
  if (!config.redis.url || !config.rateLimit.enabled) return new InMemoryRateLimitStore();
  return new RedisRateLimitStore({ url: config.redis.url, keyPrefix: config.rateLimit.redisKeyPrefix, timeoutMs: config.rateLimit.redisTimeoutMs });
}
