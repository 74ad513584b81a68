import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { SESSION_COLUMNS, USER_COLUMNS, type SessionRow, type UserRow } from './user-rows';
import { checkPasswordHash, checkUserId, userNotFound } from './users.service';

const TOKEN_HASH = /^[0-9a-f]{64}$/;
/** Sessions a user may hold at once (browsers, devices); the oldest beyond it are ended. */
const MAX_SESSIONS_PER_USER = 50;
/** The longest session the gateway may ask for. */
const MAX_SESSION_MS = 366 * 24 * 3600 * 1000;

function checkTokenHash(hash: string): string {
  if (!TOKEN_HASH.test(hash)) throw DomainError.invalidArgument('token_hash must be a hex SHA-256');
  return hash;
}

/**
 * Passwords (hashes the gateway made) and web-reader sessions (SHA-256 of their tokens). Every
 * session is read and ended with its owner in the query, except when a token is presented to sign in.
 */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
  ) {}

  /** Replaces the user's password hash and ends their sessions except keepTokenHash's. */
  async setPassword(userId: string, passwordHash: string, keepTokenHash: string): Promise<{ user: UserRow; sessionsEnded: number }> {
    const hash = checkPasswordHash(passwordHash);
    const keep = keepTokenHash ? checkTokenHash(keepTokenHash) : '';
    return this.db.dataSource.transaction(async (manager) => {
      const users = (await manager.query(`UPDATE users AS u SET password_hash = $2 WHERE u.id = $1 RETURNING ${USER_COLUMNS}`, [
        checkUserId(userId),
        hash,
      ])) as [UserRow[], number];
      const user = users[0][0];
      if (!user) throw userNotFound(userId);
      const ended = (await manager.query(`DELETE FROM user_sessions WHERE user_id = $1 AND token_hash <> $2`, [user.id, keep])) as [unknown[], number];
      return { user, sessionsEnded: ended[1] };
    });
  }

  /** A user's password hash by name; NOT_FOUND alike for no such user and no password (sign-in tells neither). */
  async passwordHash(name: string): Promise<{ user: UserRow; passwordHash: string }> {
    const notFound = DomainError.notFound('no user with a password by that name');
    const handle = name.trim().toLowerCase();
    if (!handle || handle.length > 64) throw notFound;
    const rows = (await this.db.dataSource.query(`SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash" FROM users u WHERE u.name = $1`, [
      handle,
    ])) as Array<UserRow & { passwordHash: string | null }>;
    const row = rows[0];
    if (!row?.passwordHash) throw notFound;
    const { passwordHash, ...user } = row;
    return { user, passwordHash };
  }

  /** Opens a session; the user's expired sessions, and the oldest beyond the per-user bound, are dropped. */
  async create(userId: string, tokenHash: string, expiresAt: Date | undefined): Promise<SessionRow> {
    const hash = checkTokenHash(tokenHash);
    const now = this.clock.now();
    if (!expiresAt || expiresAt.getTime() <= now.getTime() || expiresAt.getTime() - now.getTime() > MAX_SESSION_MS) {
      throw DomainError.invalidArgument('expires_at must be in the future, within a year');
    }
    const id = checkUserId(userId);
    return this.db.dataSource.transaction(async (manager) => {
      const exists = (await manager.query(`SELECT 1 FROM users WHERE id = $1`, [id])) as unknown[];
      if (exists.length === 0) throw userNotFound(userId);
      await manager.query(`DELETE FROM user_sessions WHERE user_id = $1 AND expires_at <= $2`, [id, now]);
      await manager.query(
        `DELETE FROM user_sessions WHERE id IN (
           SELECT id FROM user_sessions WHERE user_id = $1 ORDER BY created_at DESC, id OFFSET $2)`,
        [id, MAX_SESSIONS_PER_USER - 1],
      );
      const [row] = (await manager.query(
        `INSERT INTO user_sessions AS s (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING ${SESSION_COLUMNS}`,
        [id, hash, now, expiresAt],
      )) as [SessionRow];
      return row;
    });
  }

  /** The user of an unexpired session, by its token's SHA-256; UNAUTHENTICATED otherwise. */
  async authenticate(tokenHash: string): Promise<{ user: UserRow; session: SessionRow }> {
    const invalid = DomainError.unauthenticated('the session is not valid (unknown, ended or expired)');
    if (!TOKEN_HASH.test(tokenHash)) throw invalid;
    const rows = (await this.db.dataSource.query(
      `SELECT ${USER_COLUMNS}, s.id AS "sessionId", s.created_at AS "sessionCreatedAt", s.expires_at AS "expiresAt"
         FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > $2`,
      [tokenHash, this.clock.now()],
    )) as Array<UserRow & { sessionId: string; sessionCreatedAt: Date; expiresAt: Date }>;
    const row = rows[0];
    if (!row) throw invalid;
    const { sessionId, sessionCreatedAt, expiresAt, ...user } = row;
    return { user, session: { id: sessionId, createdAt: sessionCreatedAt, expiresAt } };
  }

  /** Ends the user's session with tokenHash, or all of their sessions when tokenHash is ''. */
  async delete(userId: string, tokenHash: string): Promise<number> {
    const id = checkUserId(userId);
    const [, count] = (tokenHash
      ? await this.db.dataSource.query(`DELETE FROM user_sessions WHERE user_id = $1 AND token_hash = $2`, [id, checkTokenHash(tokenHash)])
      : await this.db.dataSource.query(`DELETE FROM user_sessions WHERE user_id = $1`, [id])) as [unknown[], number];
    return count;
  }
}
