import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkGrpcAuthentication, ConfigError, defaultConfig, loadConfig } from './load-config';

const TOKEN = 'x'.repeat(16) + 'Y'.repeat(16) + '/+=';

describe('gRPC security configuration', () => {
  let dir: string;
  let configPath: string;
  const load = (env: Record<string, string>) => loadConfig({ env, configPath }).grpcSecurity;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'autoglm-grpc-security-'));
    configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, '');
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, name), 'pem');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no token, plaintext, 4 MiB messages and reflection (development) by default', () => {
    expect(load({})).toEqual({
      authToken: '',
      allowUnauthenticated: false,
      tls: { caFile: '', certFile: '', keyFile: '' },
      maxReceiveMessageBytes: 4 * 1024 * 1024,
      maxSendMessageBytes: 4 * 1024 * 1024,
      reflection: true,
    });
  });

  it('reads every setting from the environment', () => {
    expect(
      load({
        GRPC_AUTH_TOKEN: TOKEN,
        GRPC_ALLOW_UNAUTHENTICATED: 'true',
        GRPC_TLS_CA_FILE: join(dir, 'ca.pem'),
        GRPC_TLS_CERT_FILE: join(dir, 'cert.pem'),
        GRPC_TLS_KEY_FILE: join(dir, 'key.pem'),
        GRPC_MAX_RECEIVE_MESSAGE_BYTES: '1048576',
        GRPC_MAX_SEND_MESSAGE_BYTES: '2097152',
        GRPC_REFLECTION: 'false',
      }),
    ).toEqual({
      authToken: TOKEN,
      allowUnauthenticated: true,
      tls: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
      maxReceiveMessageBytes: 1_048_576,
      maxSendMessageBytes: 2_097_152,
      reflection: false,
    });
  });

  it.each([
    [{ GRPC_AUTH_TOKEN: 'short' }, 'GRPC_AUTH_TOKEN must be at least 32 printable ASCII characters'],
    [{ GRPC_AUTH_TOKEN: `${TOKEN} with spaces` }, 'GRPC_AUTH_TOKEN must be at least 32 printable ASCII characters'],
    [{ GRPC_AUTH_TOKEN: `${TOKEN}é` }, 'GRPC_AUTH_TOKEN must be at least 32 printable ASCII characters'],
    [{ GRPC_TLS_CA_FILE: 'ca.pem' }, 'mutual TLS needs all of GRPC_TLS_CA_FILE, GRPC_TLS_CERT_FILE, GRPC_TLS_KEY_FILE; only GRPC_TLS_CA_FILE set'],
    [{ GRPC_TLS_CA_FILE: '/nonexistent/ca.pem', GRPC_TLS_CERT_FILE: '/nonexistent/c.pem', GRPC_TLS_KEY_FILE: '/nonexistent/k.pem' }, 'GRPC_TLS_CA_FILE: no such file /nonexistent/ca.pem'],
    [{ GRPC_MAX_RECEIVE_MESSAGE_BYTES: '1000' }, 'GRPC_MAX_RECEIVE_MESSAGE_BYTES must be an integer between 65536 and 268435456'],
    [{ GRPC_MAX_SEND_MESSAGE_BYTES: String(2 ** 30) }, 'GRPC_MAX_SEND_MESSAGE_BYTES must be an integer between 65536 and 268435456'],
    [{ GRPC_MAX_SEND_MESSAGE_BYTES: 'lots' }, 'GRPC_MAX_SEND_MESSAGE_BYTES must be a non-negative integer'],
  ])('refuses %j', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });

  describe(checkGrpcAuthentication.name, () => {
    const security = (overrides: Partial<ReturnType<typeof defaultConfig>['grpcSecurity']>) => ({
      grpcSecurity: { ...defaultConfig().grpcSecurity, ...overrides },
    });

    it('refuses a distributed service without a token, naming both ways out', () => {
      expect(() => checkGrpcAuthentication(security({}), 'distributed')).toThrow(ConfigError);
      expect(() => checkGrpcAuthentication(security({}), 'distributed')).toThrow(/GRPC_AUTH_TOKEN is not set.*GRPC_ALLOW_UNAUTHENTICATED=true/);
    });

    it('accepts a distributed service with a token, or explicitly unauthenticated, and embedded mode without either', () => {
      expect(() => checkGrpcAuthentication(security({ authToken: TOKEN }), 'distributed')).not.toThrow();
      expect(() => checkGrpcAuthentication(security({ allowUnauthenticated: true }), 'distributed')).not.toThrow();
      expect(() => checkGrpcAuthentication(security({}), 'embedded')).not.toThrow();
    });
  });
});
