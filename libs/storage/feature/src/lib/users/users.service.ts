import { Inject, Injectable } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { API_KEY_COLUMNS, USER_COLUMNS, type ApiKeyRow, type IdentityRow, type UserRow } from './user-rows';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const KEY_HASH = /^[0-9a-f]{64}$/;
const MAX_KEY_NAME = 100;
const MAX_KEYS_PER_USER = 100;
/** last_used_at is refreshed at most this often, so authenticating is not a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function userNotFound(id: string): DomainError {
  return DomainError.notFound(`user ${id} not found`);
}

/** A user id from an authenticated caller: a UUID (anything else cannot exist). */
export function checkUserId(id: string): string {
  if (!isUuid(id)) throw userNotFound(id);
  return id;
}

function checkNewKey(key: storage.NewApiKey | undefined): storage.NewApiKey {
  if (!key) throw DomainError.invalidArgument('api_key is required');
  const name = key.name.trim();
  if (name.length > MAX_KEY_NAME) throw DomainError.invalidArgument(`an API key's name must be at most ${MAX_KEY_NAME} characters`);
  if (!KEY_HASH.test(key.keyHash)) throw DomainError.invalidArgument('api_key.key_hash must be a hex SHA-256');
  if (!key.prefix || key.prefix.length > 16) throw DomainError.invalidArgument('api_key.prefix must be 1..16 characters');
  return { name: name || 'default', prefix: key.prefix, keyHash: key.keyHash };
}

/** A password hash as the gateway makes it (e.g. `scrypt$15$8$3$<salt>$<hash>`): printable ASCII, bounded. */
const PASSWORD_HASH = /^[a-z0-9]+\$[\x21-\x7e]{16,500}$/;

export function checkPasswordHash(hash: string): string {
  if (!PASSWORD_HASH.test(hash)) throw DomainError.invalidArgument('password_hash must be a hash made by the gateway (scheme$parameters…)');
  return hash;
}

type Query = (text: string, params?: unknown[]) => Promise<unknown>;

/** Longest issuer or subject kept (OpenID Connect caps the subject at 255 ASCII characters). */
const MAX_IDENTITY_PART = 1000;

/** An identity's issuer (trimmed) and subject: 1..MAX_IDENTITY_PART characters each, INVALID_ARGUMENT otherwise. */
function checkIdentity(request: { issuer: string; subject: string }): { issuer: string; subject: string } {
  const issuer = request.issuer.trim();
  const subject = request.subject;
  if (!issuer || issuer.length > MAX_IDENTITY_PART) throw DomainError.invalidArgument(`issuer must be 1..${MAX_IDENTITY_PART} characters`);
  if (!subject || subject.length > MAX_IDENTITY_PART) throw DomainError.invalidArgument(`subject must be 1..${MAX_IDENTITY_PART} characters`);
  return { issuer, subject };
}

/**
 * A valid handle made from what a provider calls the person: lower-case, the local part of an
 * e-mail address, other characters as "-", at most 56 characters (room for a "-N" suffix); "user"
 * when nothing usable is left.
 */
export function handleFrom(hint: string): string {
  const local = hint.trim().toLowerCase().split('@')[0] ?? '';
  const cleaned = local
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents dropped: "zoë" → "zoe"
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 56)
    .replace(/[._-]+$/, '');
  return cleaned || 'user';
}

/** Users and their API keys. Keys are stored as SHA-256 only; the caller makes and shows the key. */
@Injectable()
export class UsersService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Creates a user with a first API key. On an instance without users anyone may create the first
   * one, who becomes its administrator; after that only an administrator may. `actorUserId` is the
   * user the call acts for, from the call's authenticated metadata ('' for none).
   */
  async create(request: storage.CreateUserRequest, actorUserId: string): Promise<{ user: UserRow; apiKey: ApiKeyRow }> {
    const name = request.name.trim().toLowerCase();
    if (!USER_NAME.test(name)) {
      throw DomainError.invalidArgument('name must be 1..64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');
    }
    const key = checkNewKey(request.apiKey);
    const passwordHash = request.passwordHash ? checkPasswordHash(request.passwordHash) : null;
    const now = this.clock.now();
    return this.db.dataSource.transaction(async (manager) => {
      const query: Query = (text, params) => manager.query(text, params);
      // Serialises user creation so that two "first users" cannot both become admin.
      await query(`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`);
      const [{ count }] = (await query(`SELECT count(*)::int AS count FROM users`)) as [{ count: number }];
      if (count > 0) await this.requireAdmin(query, actorUserId);
      const taken = (await query(`SELECT 1 FROM users WHERE name = $1`, [name])) as unknown[];
      if (taken.length > 0) throw DomainError.alreadyExists(`a user named ${name} already exists`);
      const [user] = (await query(
        `INSERT INTO users AS u (name, is_admin, created_at, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
        [name, count === 0, now, passwordHash],
      )) as [UserRow];
      const apiKey = await this.insertKey(query, user.id, key, now);
      return { user, apiKey };
    });
  }

  /**
   * The user linked to an external identity (issuer + subject), or a new user linked to it: named
   * after the provider's name for the person, made a valid handle and unique ("ann", "ann-2", …),
   * administrator when it is the instance's first user (as with CreateUser). Serialised with user
   * creation, so one identity never makes two users.
   */
  async signInWithIdentity(request: storage.SignInWithIdentityRequest): Promise<{ user: UserRow; created: boolean }> {
    const { issuer, subject } = checkIdentity(request);
    const linked = async (query: Query) =>
      ((await query(`SELECT ${USER_COLUMNS} FROM user_identities i JOIN users u ON u.id = i.user_id WHERE i.issuer = $1 AND i.subject = $2`, [
        issuer,
        subject,
      ])) as UserRow[])[0];
    const known = await linked((text, params) => this.db.dataSource.query(text, params));
    if (known) return { user: known, created: false };
    const now = this.clock.now();
    return this.db.dataSource.transaction(async (manager) => {
      const query: Query = (text, params) => manager.query(text, params);
      await query(`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`);
      const raced = await linked(query);
      if (raced) return { user: raced, created: false };
      const [{ count }] = (await query(`SELECT count(*)::int AS count FROM users`)) as [{ count: number }];
      const base = handleFrom(request.nameHint);
      const taken = new Set(
        ((await query(`SELECT name FROM users WHERE name = $1 OR name LIKE $2`, [base, `${base}-%`])) as Array<{ name: string }>).map((row) => row.name),
      );
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
      const [user] = (await query(`INSERT INTO users AS u (name, is_admin, created_at) VALUES ($1, $2, $3) RETURNING ${USER_COLUMNS}`, [
        name,
        count === 0,
        now,
      ])) as [UserRow];
      await query(`INSERT INTO user_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)`, [issuer, subject, user.id, now]);
      return { user, created: true };
    });
  }

  /**
   * Links an identity to a user (signing in with it opens their account from then on); linking it to them
   * again changes nothing. FAILED_PRECONDITION when another user has it: an identity signs in one account.
   */
  async linkIdentity(userId: string, request: storage.LinkIdentityRequest): Promise<IdentityRow> {
    const { issuer, subject } = checkIdentity(request);
    await this.get(userId);
    const [row] = (await this.db.dataSource.query(
      `WITH added AS (
         INSERT INTO user_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (issuer, subject) DO NOTHING
         RETURNING issuer, subject, user_id, created_at)
       SELECT issuer, subject, user_id AS "userId", created_at AS "createdAt" FROM added
       UNION ALL
       SELECT issuer, subject, user_id AS "userId", created_at AS "createdAt" FROM user_identities
        WHERE issuer = $1 AND subject = $2 AND NOT EXISTS (SELECT 1 FROM added)`,
      [issuer, subject, userId, this.clock.now()],
    )) as Array<IdentityRow & { userId: string }>;
    if (!row) throw DomainError.unavailable('the identity could not be linked; try again');
    if (row.userId !== userId) throw DomainError.failedPrecondition('this identity already signs in another user; unlink it there first');
    return { issuer: row.issuer, subject: row.subject, createdAt: row.createdAt };
  }

  /** The identities linked to a user, oldest first. */
  async listIdentities(userId: string): Promise<IdentityRow[]> {
    await this.get(userId);
    return (await this.db.dataSource.query(
      `SELECT issuer, subject, created_at AS "createdAt" FROM user_identities WHERE user_id = $1 ORDER BY created_at, issuer, subject`,
      [userId],
    )) as IdentityRow[];
  }

  /**
   * Unlinks one of a user's identities. NOT_FOUND when it is not theirs; FAILED_PRECONDITION when it is their
   * last way to sign in to the web reader (no password and no other identity: they would be locked out).
   */
  async unlinkIdentity(userId: string, request: storage.UnlinkIdentityRequest): Promise<void> {
    const { issuer, subject } = checkIdentity(request);
    await this.get(userId);
    await this.db.dataSource.transaction(async (manager) => {
      // The user's row is locked so two unlinks at once cannot both leave the other identity as "another way in".
      const [user] = (await manager.query(`SELECT password_hash IS NOT NULL AS "hasPassword" FROM users WHERE id = $1 FOR UPDATE`, [userId])) as Array<{
        hasPassword: boolean;
      }>;
      const identities = (await manager.query(`SELECT issuer, subject FROM user_identities WHERE user_id = $1`, [userId])) as Array<{ issuer: string; subject: string }>;
      if (!identities.some((i) => i.issuer === issuer && i.subject === subject)) throw DomainError.notFound('no such identity is linked to this user');
      if (!user?.hasPassword && identities.length === 1) {
        throw DomainError.failedPrecondition('this identity is the only way this user signs in: set a password (or link another identity) first');
      }
      await manager.query(`DELETE FROM user_identities WHERE issuer = $1 AND subject = $2 AND user_id = $3`, [issuer, subject, userId]);
    });
  }

  /** How many accounts the instance has (the gateway's access policies open up while there are none). */
  async count(): Promise<number> {
    const [row] = (await this.db.dataSource.query(`SELECT count(*)::int AS count FROM users`)) as [{ count: number }];
    return row.count;
  }

  async get(userId: string): Promise<UserRow> {
    const rows = (await this.db.dataSource.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [checkUserId(userId)])) as UserRow[];
    if (!rows[0]) throw userNotFound(userId);
    return rows[0];
  }

  /** The user of an unrevoked key, by the key's SHA-256; UNAUTHENTICATED otherwise. */
  async authenticate(keyHash: string): Promise<{ user: UserRow; apiKeyId: string }> {
    const invalid = DomainError.unauthenticated('the API key is not valid (unknown or revoked)');
    if (!KEY_HASH.test(keyHash)) throw invalid;
    const rows = (await this.db.dataSource.query(
      `SELECT ${USER_COLUMNS}, k.id AS "apiKeyId", k.last_used_at AS "lastUsedAt"
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [keyHash],
    )) as Array<UserRow & { apiKeyId: string; lastUsedAt: Date | null }>;
    const row = rows[0];
    if (!row) throw invalid;
    const now = this.clock.now();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.db.dataSource.query(`UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, [row.apiKeyId, now]);
    }
    return { user: { id: row.id, name: row.name, isAdmin: row.isAdmin, createdAt: row.createdAt, hasPassword: row.hasPassword }, apiKeyId: row.apiKeyId };
  }

  async createApiKey(userId: string, newKey: storage.NewApiKey | undefined): Promise<ApiKeyRow> {
    const key = checkNewKey(newKey);
    const user = await this.get(userId);
    return this.db.dataSource.transaction(async (manager) => {
      const query: Query = (text, params) => manager.query(text, params);
      const [{ count }] = (await query(`SELECT count(*)::int AS count FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL`, [
        user.id,
      ])) as [{ count: number }];
      if (count >= MAX_KEYS_PER_USER) {
        throw DomainError.failedPrecondition(`a user can have at most ${MAX_KEYS_PER_USER} active API keys; revoke one first`);
      }
      return this.insertKey(query, user.id, key, this.clock.now());
    });
  }

  async listApiKeys(userId: string): Promise<ApiKeyRow[]> {
    await this.get(userId);
    return (await this.db.dataSource.query(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys k WHERE k.user_id = $1 ORDER BY k.created_at, k.id`,
      [userId],
    )) as ApiKeyRow[];
  }

  /** Revokes one of the user's keys (revoking twice keeps the first time); another user's key is NOT_FOUND. */
  async revokeApiKey(userId: string, apiKeyId: string): Promise<ApiKeyRow> {
    const notFound = DomainError.notFound(`API key ${apiKeyId} not found`);
    if (!isUuid(apiKeyId)) throw notFound;
    const rows = (await this.db.dataSource.query(
      `WITH k AS (UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE id = $1 AND user_id = $2 RETURNING *)
       SELECT ${API_KEY_COLUMNS} FROM k`,
      [apiKeyId, checkUserId(userId), this.clock.now()],
    )) as ApiKeyRow[];
    const row = rows[0];
    if (!row) throw notFound;
    return row;
  }

  private async requireAdmin(query: Query, actorUserId: string): Promise<void> {
    if (!actorUserId) {
      throw DomainError.unauthenticated('this instance already has users: creating another one needs an administrator\'s API key');
    }
    const rows = (isUuid(actorUserId) ? await query(`SELECT is_admin AS "isAdmin" FROM users WHERE id = $1`, [actorUserId]) : []) as Array<{
      isAdmin: boolean;
    }>;
    if (!rows[0]?.isAdmin) throw DomainError.permissionDenied('only an administrator can create users');
  }

  private async insertKey(query: Query, userId: string, key: storage.NewApiKey, now: Date): Promise<ApiKeyRow> {
    const taken = (await query(`SELECT 1 FROM api_keys WHERE key_hash = $1`, [key.keyHash])) as unknown[];
    // 256-bit keys do not collide; a repeated hash means the caller reused a key.
    if (taken.length > 0) throw DomainError.alreadyExists('this API key is already registered');
    const [row] = (await query(
      `INSERT INTO api_keys AS k (user_id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${API_KEY_COLUMNS}`,
      [userId, key.name, key.prefix, key.keyHash, now],
    )) as [ApiKeyRow];
    return row;
  }
}
