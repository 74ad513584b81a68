import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { fromTimestamp, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import type { Caller } from './caller';
import { hashSessionToken } from './session-token';

const MAX_CACHED_SESSIONS = 10_000;

interface KnownSession {
  caller: Caller;
  expiresAt: number;
}

/**
 * Turns a web-reader session cookie into its user. Like API keys, a verified session is trusted for
 * auth.keyCacheSeconds (never past its expiry) so that a page's requests are not each a storage
 * round trip; only token hashes are kept.
 */
@Injectable()
export class SessionAuthenticator {
  private readonly cache: LRUCache<string, KnownSession> | null;

  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const ttl = config.auth.keyCacheSeconds * 1000;
    this.cache = ttl > 0 ? new LRUCache<string, KnownSession>({ max: MAX_CACHED_SESSIONS, ttl }) : null;
  }

  /** The caller of a session token, or undefined when the session is unknown, ended or expired (a stale cookie is no error). */
  async authenticate(token: string): Promise<Caller | undefined> {
    const tokenHash = hashSessionToken(token);
    const cached = this.cache?.get(tokenHash);
    if (cached && cached.expiresAt > Date.now()) return cached.caller;
    try {
      const { user, session } = await this.storage.authenticateSession({ tokenHash });
      if (!user) return undefined;
      const caller: Caller = { userId: user.id, name: user.name, isAdmin: user.isAdmin };
      this.cache?.set(tokenHash, { caller, expiresAt: fromTimestamp(session?.expiresAt)?.getTime() ?? 0 });
      return caller;
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.Unauthenticated) return undefined;
      throw error;
    }
  }

  /** Forgets a session this gateway just ended (other replicas trust it for at most auth.keyCacheSeconds). */
  forget(token: string): void {
    this.cache?.delete(hashSessionToken(token));
  }

  /** Forgets every cached session (after "log out everywhere" or a password change). */
  forgetAll(): void {
    this.cache?.clear();
  }
}
