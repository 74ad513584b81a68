import { hashPassword, verifyPassword } from './password-hash';

describe('password hashes', () => {
  // Each hash is meant to be slow (scrypt, OWASP's cost): a few seconds on a busy machine.
  jest.setTimeout(60_000);

  it('verifies the password a hash was made of, and only that one', async () => {
    const sut = await hashPassword('correct horse battery');
    expect(sut).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery', sut)).toBe(true);
    expect(await verifyPassword('correct horse batterY', sut)).toBe(false);
    expect(await verifyPassword('', sut)).toBe(false);
  });

  it('salts every hash, so one password gives different hashes', async () => {
    const [first, second] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(first).not.toBe(second);
    expect(await verifyPassword('same password', second)).toBe(true);
  });

  it('treats Unicode forms of one password alike', async () => {
    const sut = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword('cafe\u0301 au lait', sut)).toBe(true);
  });

  it('refuses hashes it did not make instead of throwing', async () => {
    for (const stored of ['', 'plain', 'bcrypt$10$abc', 'scrypt$99$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA', 'scrypt$15$8$3$short$AAAA', 'scrypt$x$8$3$a$b']) {
      expect(await verifyPassword('anything at all', stored)).toBe(false);
    }
  });
});
