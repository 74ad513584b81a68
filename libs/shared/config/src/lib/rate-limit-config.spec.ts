import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';
import { defaultRateLimitConfig, parseTrustProxy } from './rate-limit-config';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'autoglm-ratelimit-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

const load = (env: Record<string, string>, yaml = '') => loadConfig({ env, configPath: yamlFile(yaml) }).rateLimit;

describe('rate limit configuration', () => {
  it('is on by default, trusts no proxy, and has smaller budgets for expensive routes', () => {
    const sut = load({});
    expect(sut).toEqual(defaultRateLimitConfig());
    expect(sut.enabled).toBe(true);
    expect(sut.trustProxy).toBe(false);
    expect(sut.routes.search.limit).toBeLessThan(sut.perClient.limit);
  });

  it('takes budgets from config.yaml, then the environment as <limit> or <limit>/<seconds>', () => {
    const sut = load(
      { RATE_LIMIT_SEARCH: '5/10', RATE_LIMIT_PER_CLIENT: '99', RATE_LIMIT_ENABLED: 'false' },
      'rateLimit:\n  perClient: { limit: 10, windowSeconds: 30 }\n  routes:\n    modelPull: { limit: 2, windowSeconds: 60 }',
    );
    expect(sut.enabled).toBe(false);
    expect(sut.perClient).toEqual({ limit: 99, windowSeconds: 30 });
    expect(sut.routes.search).toEqual({ limit: 5, windowSeconds: 10 });
    expect(sut.routes.modelPull).toEqual({ limit: 2, windowSeconds: 60 });
    expect(sut.routes.opmlImport).toEqual(defaultRateLimitConfig().routes.opmlImport);
  });

  it.each([
    ['', false],
    ['false', false],
    ['0', false],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1,loopback', ['10.0.0.0/8', '127.0.0.1', 'loopback']],
    ['fd00::/8', ['fd00::/8']],
  ])('reads TRUST_PROXY=%p as %p', (raw, expected) => {
    expect(load({ TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it.each([
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY=true would believe any X-Forwarded-For/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /"10.0.0.0\/33" is not an IP address, a CIDR/],
    [{ TRUST_PROXY: 'proxy.example.org' }, /is not an IP address/],
    [{ TRUST_PROXY: '99' }, /hop count must be an integer between 1 and 32/],
    [{ RATE_LIMIT_ENABLED: 'yes' }, /RATE_LIMIT_ENABLED must be true or false/],
    [{ RATE_LIMIT_SEARCH: 'lots' }, /RATE_LIMIT_SEARCH must be <limit> or <limit>\/<window seconds>/],
    [{ RATE_LIMIT_SEARCH: '0' }, /rateLimit.routes.search.limit must be an integer between 1/],
    [{ RATE_LIMIT_PER_CLIENT: '5/0' }, /rateLimit.perClient.windowSeconds must be an integer between 1 and 86400/],
  ])('names the variable when %p is wrong', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });

  it('lets the per-address ceiling be switched off with 0, but not the per-client budget', () => {
    expect(load({ RATE_LIMIT_PER_ADDRESS: '0' }).perAddress.limit).toBe(0);
    expect(() => load({ RATE_LIMIT_PER_CLIENT: '0' })).toThrow(/rateLimit.perClient.limit/);
  });

  it('rejects unknown routes, a hop count of true and a bad key prefix in config.yaml', () => {
    expect(() => load({}, 'rateLimit:\n  routes:\n    everything: { limit: 1, windowSeconds: 1 }')).toThrow(/rateLimit.routes.everything is not a rate-limited route/);
    expect(() => load({}, 'rateLimit:\n  trustProxy: true')).toThrow(/rateLimit.trustProxy must be false, a hop count, or a list/);
    expect(() => load({}, 'rateLimit:\n  redisKeyPrefix: "has space"')).toThrow(/rateLimit.redisKeyPrefix/);
  });

  it('parses TRUST_PROXY without a config around it', () => {
    expect(parseTrustProxy(' 1 ', (m) => new Error(m))).toBe(1);
  });
});
