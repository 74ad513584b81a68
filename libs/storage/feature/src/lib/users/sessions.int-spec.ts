import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import type { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { toTimestamp } from '@autoglm/shared-grpc';
import { rejection, startStorageHarness, TEST_BACKENDS, type StorageHarness } from '../testing/storage-harness';
import { SessionsService } from './sessions.service';

const HOUR_MS = 3_600_000;

function newKey(): storage.NewApiKey {
  const key = `agl_${randomBytes(32).toString('base64url')}`;
  return { name: 'laptop', prefix: key.slice(0, 12), keyHash: createHash('sha256').update(key).digest('hex') };
}

function tokenHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

const PASSWORD_HASH = `scrypt$15$8$3$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

describe.each(TEST_BACKENDS)(`${SessionsService.name} on %s`, (backend) => {
  let harness: StorageHarness;
  let alice: storage.User;
  let bob: storage.User;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
    alice = (await harness.sut.createUser({ name: 'alice', apiKey: newKey(), passwordHash: PASSWORD_HASH }, { actor: '' })).user as storage.User;
    bob = (await harness.sut.createUser({ name: 'bob', apiKey: newKey() }, { actor: alice.id })).user as storage.User;
  });

  afterAll(() => harness?.close());

  it('keeps a password hash given at creation or set later, and finds it by name for signing in', async () => {
    const { sut } = harness;
    expect(alice.hasPassword).toBe(true);
    expect(bob.hasPassword).toBe(false);
    expect(await sut.getPasswordHash({ name: 'Alice' })).toMatchObject({ user: { id: alice.id, name: 'alice' }, passwordHash: PASSWORD_HASH });
    // No such user and no password answer alike, so sign-in tells neither.
    for (const name of ['bob', 'nobody', '', 'x'.repeat(65)]) {
      expect(await rejection(sut.getPasswordHash({ name }))).toMatchObject({ code: ErrorCode.NotFound, message: 'no user with a password by that name' });
    }
    const bobHash = PASSWORD_HASH.replace('scrypt$15', 'scrypt$14');
    expect(await sut.setPassword({ passwordHash: bobHash, keepTokenHash: '' }, { actor: bob.id })).toMatchObject({ user: { hasPassword: true }, sessionsEnded: 0 });
    expect((await sut.getPasswordHash({ name: 'bob' })).passwordHash).toBe(bobHash);
    for (const passwordHash of ['', 'plain text password', 'scrypt$short']) {
      expect(await rejection(sut.setPassword({ passwordHash, keepTokenHash: '' }, { actor: bob.id }))).toMatchObject({ code: ErrorCode.InvalidArgument });
    }
    expect(await rejection(sut.setPassword({ passwordHash: bobHash, keepTokenHash: '' }))).toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('opens sessions, authenticates them by token hash until they end or expire, and ends one or all', async () => {
    const { sut } = harness;
    const expiresAt = toTimestamp(new Date(Date.now() + HOUR_MS));
    const [laptop, phone, bobs] = [tokenHash(), tokenHash(), tokenHash()];
    const opened = await sut.createSession({ tokenHash: laptop, expiresAt }, { actor: alice.id });
    expect(opened.session).toMatchObject({ id: expect.any(String), expiresAt });
    await sut.createSession({ tokenHash: phone, expiresAt }, { actor: alice.id });
    await sut.createSession({ tokenHash: bobs, expiresAt }, { actor: bob.id });
    expect(await sut.authenticateSession({ tokenHash: laptop })).toMatchObject({ user: { id: alice.id, isAdmin: true }, session: { id: opened.session?.id } });

    // Bad requests: a token that is not a hash, an expiry in the past or too far, no actor.
    expect(await rejection(sut.createSession({ tokenHash: 'token', expiresAt }, { actor: alice.id }))).toMatchObject({ code: ErrorCode.InvalidArgument });
    const past = toTimestamp(new Date(Date.now() - 1000));
    const farAway = toTimestamp(new Date(Date.now() + 400 * 24 * HOUR_MS));
    for (const when of [past, farAway, undefined]) {
      expect(await rejection(sut.createSession({ tokenHash: tokenHash(), expiresAt: when }, { actor: alice.id }))).toMatchObject({ code: ErrorCode.InvalidArgument });
    }
    expect(await rejection(sut.createSession({ tokenHash: tokenHash(), expiresAt }))).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(await rejection(sut.authenticateSession({ tokenHash: tokenHash() }))).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(await rejection(sut.authenticateSession({ tokenHash: 'nonsense' }))).toMatchObject({ code: ErrorCode.Unauthenticated });

    // Bob cannot end Alice's session by naming its token.
    expect(await sut.deleteSessions({ tokenHash: laptop }, { actor: bob.id })).toEqual({ sessionsEnded: 0 });
    expect((await sut.authenticateSession({ tokenHash: laptop })).user?.id).toBe(alice.id);
    // Logging out ends that one session; logging out everywhere ends the rest of hers, not Bob's.
    expect(await sut.deleteSessions({ tokenHash: laptop }, { actor: alice.id })).toEqual({ sessionsEnded: 1 });
    expect(await rejection(sut.authenticateSession({ tokenHash: laptop }))).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect((await sut.authenticateSession({ tokenHash: phone })).user?.id).toBe(alice.id);
    expect(await sut.deleteSessions({ tokenHash: '' }, { actor: alice.id })).toEqual({ sessionsEnded: 1 });
    expect(await rejection(sut.authenticateSession({ tokenHash: phone }))).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect((await sut.authenticateSession({ tokenHash: bobs })).user?.id).toBe(bob.id);
  });

  it('ends the other sessions when a password changes, keeping the one that changed it', async () => {
    const { sut } = harness;
    const expiresAt = toTimestamp(new Date(Date.now() + HOUR_MS));
    const [current, other] = [tokenHash(), tokenHash()];
    await sut.createSession({ tokenHash: current, expiresAt }, { actor: bob.id });
    await sut.createSession({ tokenHash: other, expiresAt }, { actor: bob.id });
    const changed = await sut.setPassword({ passwordHash: PASSWORD_HASH, keepTokenHash: current }, { actor: bob.id });
    expect(changed.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect((await sut.authenticateSession({ tokenHash: current })).user?.id).toBe(bob.id);
    expect(await rejection(sut.authenticateSession({ tokenHash: other }))).toMatchObject({ code: ErrorCode.Unauthenticated });
  });
});
