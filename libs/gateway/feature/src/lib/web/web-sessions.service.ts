import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, toTimestamp, type StorageClient } from '@autoglm/shared-grpc';
import type { storage } from '@autoglm/contracts';
import type { Caller } from '../auth/caller';
import { hashPassword, verifyPassword } from '../auth/password-hash';
import { SessionAuthenticator } from '../auth/session-authenticator.service';
import { csrfTokenFor, generateSessionToken, hashSessionToken } from '../auth/session-token';

const DAY_MS = 86_400_000;

export interface OpenedSession {
  user: storage.User;
  token: string;
  csrfToken: string;
  maxAgeSeconds: number;
}

function wrongCredentials(): DomainError {
  return DomainError.unauthenticated('wrong user name or password');
}

/**
 * Web-reader sign-in: passwords are checked here (scrypt, in constant time) and sessions opened and
 * ended through storage, which keeps only hashes.
 */
@Injectable()
export class WebSessions {
  /** A hash no password matches, checked when the name is unknown so that both failures take as long. */
  private decoy: Promise<string> | undefined;

  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionAuthenticator,
  ) {}

  async signIn(name: string, password: string): Promise<OpenedSession> {
    const found = await this.storage.getPasswordHash({ name }).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    });
    this.decoy ??= hashPassword(generateSessionToken());
    const matches = await verifyPassword(password, found?.passwordHash || (await this.decoy));
    if (!found?.user || !matches) throw wrongCredentials();
    return this.open(found.user);
  }

  /** Opens a session for a user whose identity was checked (a password, or an OpenID provider's ID token). */
  async open(user: storage.User): Promise<OpenedSession> {
    const token = generateSessionToken();
    const maxAgeSeconds = this.config.web.sessionDays * 86_400;
    await this.storage.createSession(
      { tokenHash: hashSessionToken(token), expiresAt: toTimestamp(new Date(Date.now() + this.config.web.sessionDays * DAY_MS)) },
      { actor: user.id },
    );
    return { user, token, csrfToken: csrfTokenFor(token), maxAgeSeconds };
  }

  /** Ends the session a browser is signed in with (nothing for a request without one). */
  async signOut(caller: Caller | undefined, sessionToken: string | undefined): Promise<void> {
    if (!caller || !sessionToken) return;
    await this.storage.deleteSessions({ tokenHash: hashSessionToken(sessionToken) }, { actor: caller.userId });
    this.sessions.forget(sessionToken);
  }

  /** "Log out everywhere": every session of the caller ends, this browser's too. */
  async signOutEverywhere(caller: Caller): Promise<number> {
    const { sessionsEnded } = await this.storage.deleteSessions({ tokenHash: '' }, { actor: caller.userId });
    this.sessions.forgetAll();
    return sessionsEnded;
  }

  /**
   * Sets the caller's password. A signed-in browser must give the current one when there is one (a
   * stolen cookie must not be enough); an API key, the stronger credential, may set it outright. The
   * caller's other sessions end; the one that asked stays open.
   */
  async setPassword(caller: Caller, sessionToken: string | undefined, password: string, currentPassword: string | undefined): Promise<storage.User> {
    const { user: current } = await this.storage.getUser({}, { actor: caller.userId });
    if (sessionToken && current?.hasPassword) {
      {
        const { passwordHash } = await this.storage.getPasswordHash({ name: caller.name });
        if (!currentPassword || !(await verifyPassword(currentPassword, passwordHash))) {
          throw DomainError.permissionDenied('the current password is wrong');
        }
      }
    }
    const { user } = await this.storage.setPassword(
      { passwordHash: await hashPassword(password), keepTokenHash: sessionToken ? hashSessionToken(sessionToken) : '' },
      { actor: caller.userId },
    );
    this.sessions.forgetAll();
    if (!user) throw DomainError.notFound(`user ${caller.userId} not found`);
    return user;
  }
}
