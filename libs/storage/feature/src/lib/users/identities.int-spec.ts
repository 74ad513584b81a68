import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import type { storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { rejection, startStorageHarness, TEST_BACKENDS, type StorageHarness } from '../testing/storage-harness';

const ISSUER = 'https://id.example.org';

describe.each(TEST_BACKENDS)('accounts linked to an OpenID Connect identity (SignInWithIdentity) on %s', (backend) => {
  let harness: StorageHarness;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
  });

  afterAll(() => harness?.close());

  const signIn = (subject: string, nameHint: string, issuer = ISSUER) => harness.sut.signInWithIdentity({ issuer, subject, nameHint });

  it('creates the first user as the administrator, then finds the same user by issuer and subject', async () => {
    const first = await signIn('sub-ann', 'Ann.Lee@example.org');
    expect(first).toMatchObject({ created: true, user: { name: 'ann.lee', isAdmin: true, hasPassword: false } });

    const again = await signIn('sub-ann', 'someone else now');
    expect(again).toEqual({ created: false, user: first.user });
    expect((await harness.sut.countUsers({})).count).toBe(1);
  });

  it('makes later users plain users with a unique handle, and keeps issuers apart', async () => {
    const other = await signIn('sub-ann', 'ann.lee', 'https://other-id.example.org');
    expect(other).toMatchObject({ created: true, user: { name: 'ann.lee-2', isAdmin: false } });
    const third = await signIn('sub-3', 'ann.lee');
    expect(third.user?.name).toBe('ann.lee-3');
    const nameless = await signIn('sub-4', '!!!');
    expect(nameless.user?.name).toBe('user');
  });

  it('signs the same new identity in twice at once as one user', async () => {
    const [a, b] = await Promise.all([signIn('sub-race', 'racer'), signIn('sub-race', 'racer')]);
    expect(a.user?.id).toBe(b.user?.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
  });

  it.each([
    ['an empty issuer', { issuer: ' ', subject: 'x' }, 'issuer must be 1..1000 characters'],
    ['an empty subject', { issuer: ISSUER, subject: '' }, 'subject must be 1..1000 characters'],
    ['an overlong subject', { issuer: ISSUER, subject: 's'.repeat(1001) }, 'subject must be 1..1000 characters'],
  ])('answers INVALID_ARGUMENT for %s', async (_label, request, message) => {
    expect(await rejection(harness.sut.signInWithIdentity({ nameHint: 'x', ...request }))).toMatchObject({ code: ErrorCode.InvalidArgument, message });
  });
});

describe.each(TEST_BACKENDS)('identities linked to an existing user (LinkIdentity, ListIdentities, UnlinkIdentity) on %s', (backend) => {
  let harness: StorageHarness;
  let ann: storage.User;
  let bob: storage.User;
  const newKey = (): storage.NewApiKey => {
    const key = randomBytes(16).toString('hex');
    return { name: 'k', prefix: key.slice(0, 8), keyHash: createHash('sha256').update(key).digest('hex') };
  };
  const passwordHash = `scrypt$15$8$3$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
    // Ann has a password; Bob signs in only through an identity.
    ann = (await harness.sut.createUser({ name: 'ann', apiKey: newKey(), passwordHash }, { actor: '' })).user as storage.User;
    bob = (await harness.sut.signInWithIdentity({ issuer: ISSUER, subject: 'sub-bob', nameHint: 'bob' })).user as storage.User;
  });

  afterAll(() => harness?.close());

  const link = (actor: string, subject: string, issuer = ISSUER) => harness.sut.linkIdentity({ issuer, subject }, { actor });
  const list = async (actor: string) => (await harness.sut.listIdentities({}, { actor })).identities.map((i) => `${i.issuer} ${i.subject}`);

  it('links an identity to the acting user, after which signing in with it opens that account', async () => {
    const linked = await link(ann.id, 'sub-ann');
    expect(linked.identity).toMatchObject({ issuer: ISSUER, subject: 'sub-ann' });
    expect(await harness.sut.signInWithIdentity({ issuer: ISSUER, subject: 'sub-ann', nameHint: 'someone' })).toEqual({ created: false, user: ann });
    // Linking it again is a no-op that answers the same identity.
    expect((await link(ann.id, 'sub-ann')).identity).toEqual(linked.identity);
    expect(await list(ann.id)).toEqual([`${ISSUER} sub-ann`]);
  });

  it("refuses an identity another user has (FAILED_PRECONDITION) and never moves it", async () => {
    expect(await rejection(link(ann.id, 'sub-bob'))).toMatchObject({ code: ErrorCode.FailedPrecondition, message: expect.stringContaining('another user') });
    expect(await list(bob.id)).toEqual([`${ISSUER} sub-bob`]);
    expect(await list(ann.id)).toEqual([`${ISSUER} sub-ann`]);
  });

  it('unlinks only the acting user’s own identities, and never the last way in of a user without a password', async () => {
    expect(await rejection(harness.sut.unlinkIdentity({ issuer: ISSUER, subject: 'sub-bob' }, { actor: ann.id }))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await rejection(harness.sut.unlinkIdentity({ issuer: ISSUER, subject: 'sub-bob' }, { actor: bob.id }))).toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringContaining('only way'),
    });
    await link(bob.id, 'sub-bob-2', 'https://other-id.example.org');
    await harness.sut.unlinkIdentity({ issuer: ISSUER, subject: 'sub-bob' }, { actor: bob.id });
    expect(await list(bob.id)).toEqual(['https://other-id.example.org sub-bob-2']);
    // Ann has a password: her only identity can go; signing in with it then makes a new account.
    await harness.sut.unlinkIdentity({ issuer: ISSUER, subject: 'sub-ann' }, { actor: ann.id });
    expect(await list(ann.id)).toEqual([]);
    expect(await harness.sut.signInWithIdentity({ issuer: ISSUER, subject: 'sub-ann', nameHint: 'ann' })).toMatchObject({ created: true, user: { name: 'ann-2' } });
  });

  it('answers UNAUTHENTICATED without an actor and INVALID_ARGUMENT for a bad identity', async () => {
    expect(await rejection(harness.sut.listIdentities({}))).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(await rejection(harness.sut.linkIdentity({ issuer: ISSUER, subject: 'x' }))).toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(await rejection(link(ann.id, ''))).toMatchObject({ code: ErrorCode.InvalidArgument, message: 'subject must be 1..1000 characters' });
    expect(await rejection(harness.sut.unlinkIdentity({ issuer: ' ', subject: 'x' }, { actor: ann.id }))).toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});
