import 'reflect-metadata';
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
