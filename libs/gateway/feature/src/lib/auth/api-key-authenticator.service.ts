import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { hashApiKey, isWellFormedApiKey } from './api-key';
import type { Caller } from './caller';

const MAX_CACHED_KEYS = 10_000;

/**
 * Turns a presented API key into its user. Verified keys are trusted for auth.keyCacheSeconds so
 * that a request is not a storage round trip; only hashes are kept, never keys.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly cache: LRUCache<string, Caller> | null;

  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const ttl = config.auth.keyCacheSeconds * 1000;
    this.cache = ttl > 0 ? new LRUCache<string, Caller>({ max: MAX_CACHED_KEYS, ttl }) : null;
  }

  async authenticate(key: string): Promise<Caller> {
    if (!isWellFormedApiKey(key)) throw DomainError.unauthenticated('the API key is not valid (it should look like agl_…)');
    const keyHash = hashApiKey(key);
    const cached = this.cache?.get(keyHash);
    if (cached) return cached;
    const { user } = await this.storage.authenticateApiKey({ keyHash });
    if (!user) throw DomainError.unauthenticated('the API key is not valid (unknown or revoked)');
    const caller: Caller = { userId: user.id, name: user.name, isAdmin: user.isAdmin };
    this.cache?.set(keyHash, caller);
    return caller;
  }

  /** Forgets every cached verification (after a revocation made through this gateway). */
  forgetAll(): void {
    this.cache?.clear();
  }
}
