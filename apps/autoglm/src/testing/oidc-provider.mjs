// A loopback OpenID Connect provider for the sign-in specs (oidc-provider, which is ESM-only: run as a child
// process). Arguments: port, client id, client secret, redirect URI. Its development login page takes any
// login name and password; the account's id is the login name (sub), also its preferred_username and e-mail.
// Prints "ready <issuer>" when it listens.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'] },
  // The profile claims go into the ID token, which is all the relying party reads.
  conformIdTokenClaims: false,
  cookies: { keys: ['loopback-test-provider-only'] },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, preferred_username: id, name: id, email: `${id}@example.org` }),
  }),
});
provider.listen(Number(port), '127.0.0.1');
process.stdout.write(`ready ${issuer}\n`);
process.on('SIGTERM', () => process.exit(0));
