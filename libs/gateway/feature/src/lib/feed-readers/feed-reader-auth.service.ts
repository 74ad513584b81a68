import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { googleLoginToken, presentedApiKey } from '../auth/api-key';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator.service';
import type { Caller } from '../auth/caller';

/** The prefix that marks a user's Fever key among their API keys (ordinary keys' prefixes start with agl_). */
export const FEVER_KEY_PREFIX = 'fever';
/** Fever's api_key: the hex MD5 of "username:password", as every Fever client computes it. */
const FEVER_API_KEY = /^[0-9a-f]{32}$/;
const POST_TOKEN_LENGTH = 57;

/** A Google Reader caller: the user, and the token (their API key) the request authenticated with. */
export interface ReaderCaller {
  caller: Caller;
  token: string;
}

export function feverApiKey(userName: string, password: string): string {
  // MD5 because the Fever protocol defines the key so; only the SHA-256 of this is stored, like any API key's.
  return createHash('md5').update(`${userName}:${password}`, 'utf8').digest('hex');
}

export function feverKeyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/**
 * Authentication of the feed-reader protocols, which bring their own credentials:
 * - Google Reader: ClientLogin takes the user's name (Email) and one of their API keys (Passwd) and
 *   hands the key back as the Auth token; each request then sends `Authorization: GoogleLogin auth=<key>`
 *   (or the API's ordinary Bearer / X-API-Key header). No session state: revoking the key ends it.
 * - Fever: api_key = md5(name:password) for a password the user set with PUT /api/v1/me/fever; it is
 *   stored as one of their API keys (prefix "fever", SHA-256 only).
 */
@Injectable()
export class FeedReaderAuth {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
  ) {}

  /** The caller whose name and API key these are; undefined for a wrong name or an invalid key. */
  async clientLogin(email: string, passwd: string): Promise<ReaderCaller | undefined> {
    const name = email.trim().toLowerCase();
    const token = passwd.trim();
    if (!name || !token) return undefined;
    const caller = await this.quietly(this.authenticator.authenticate(token));
    return caller && caller.name === name ? { caller, token } : undefined;
  }

  /** The caller of a Google Reader request; UNAUTHENTICATED without a valid token. */
  async googleReaderCaller(headers: Record<string, string | string[] | undefined>): Promise<ReaderCaller> {
    const token = googleLoginToken(headers) || presentedApiKey(headers);
    if (!token) throw DomainError.unauthenticated('send "Authorization: GoogleLogin auth=<token>" with the Auth token of /accounts/ClientLogin');
    return { caller: await this.authenticator.authenticate(token), token };
  }

  /** The write token of /reader/api/0/token: derived from the Auth token, so it needs no state and dies with the key. */
  postToken(token: string): string {
    return createHmac('sha256', 'autoglm google reader post token').update(token, 'utf8').digest('hex').slice(0, POST_TOKEN_LENGTH).padEnd(POST_TOKEN_LENGTH, 'Z');
  }

  /** Whether a T parameter is the caller's write token. */
  isPostToken(candidate: string, token: string): boolean {
    const expected = Buffer.from(this.postToken(token), 'utf8');
    const given = Buffer.from(candidate, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The owner of a Fever api_key; undefined when it is malformed, unknown or revoked. */
  async feverCaller(apiKey: string): Promise<Caller | undefined> {
    const key = apiKey.trim().toLowerCase();
    if (!FEVER_API_KEY.test(key)) return undefined;
    const answer = await this.quietly(this.storage.authenticateApiKey({ keyHash: feverKeyHash(key) }));
    const user = answer?.user;
    return user ? { userId: user.id, name: user.name, isAdmin: user.isAdmin } : undefined;
  }

  /** The value of an authentication call, or undefined when it says UNAUTHENTICATED (other failures propagate). */
  private async quietly<T>(call: Promise<T>): Promise<T | undefined> {
    try {
      return await call;
    } catch (error) {
      if (isDomainError(error) && error.code === ErrorCode.Unauthenticated) return undefined;
      throw error;
    }
  }
}
