import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-config-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, text);
  return path;
}

describe(loadConfig.name, () => {
  it('reads sources and settings from config.yaml, then the environment wins', () => {
    const path = yamlFile(
      ['http:', '  port: 4000', 'sources:', '  - https://example.com/a.xml', '  - url: https://example.com/b.xml', '    title: B', '    interval_seconds: 600', '    full_text: true'].join('\n'),
    );
    const sut = loadConfig({ configPath: path, env: { PORT: '5000', REDIS_URL: 'redis://127.0.0.1:6379' } });
    expect(sut.http.port).toBe(5000);
    expect(sut.redis.url).toBe('redis://127.0.0.1:6379');
    expect(sut.sources).toEqual([
      { url: 'https://example.com/a.xml', title: '', intervalSeconds: 900, fullText: false },
      { url: 'https://example.com/b.xml', title: 'B', intervalSeconds: 600, fullText: true },
    ]);
  });

  it('works without a config file', () => {
    const sut = loadConfig({ env: { AUTOGLM_CONFIG: undefined }, configPath: undefined, overrides: { sources: [] } });
    expect(sut.grpc.storage).toBe('127.0.0.1:50051');
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a non-negative integer/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must start with redis/],
    [{ GRPC_STORAGE_URL: 'nope' }, /GRPC_STORAGE_URL/],
  ])('names the variable in error %p', (env, message) => {
    expect(() => loadConfig({ env: env as Record<string, string>, configPath: yamlFile('') })).toThrow(message);
  });

  it('rejects broken YAML, a missing file and bad sources clearly', () => {
    expect(() => loadConfig({ env: {}, configPath: yamlFile('http: [unclosed') })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, configPath: '/nonexistent/config.yaml' })).toThrow(/config file not found/);
    expect(() => loadConfig({ env: {}, configPath: yamlFile('sources:\n  - title: no url') })).toThrow(/sources\[0\] needs a "url"/);
    expect(() => loadConfig({ env: {}, configPath: yamlFile('sources:\n  - url: https://x\n    interval_seconds: 5') })).toThrow(/interval_seconds/);
  });

  it('has scheduler defaults for pausing and the adaptive interval, overridden by file then environment', () => {
    expect(loadConfig({ env: {}, configPath: yamlFile('') }).scheduler).toMatchObject({
      pauseAfterFailures: 10,
      minIntervalSeconds: 300,
      maxIntervalSeconds: 86_400,
    });
    const path = yamlFile('scheduler:\n  pauseAfterFailures: 3\n  minIntervalSeconds: 120\n  maxIntervalSeconds: 7200');
    expect(loadConfig({ env: {}, configPath: path }).scheduler).toMatchObject({
      pauseAfterFailures: 3,
      minIntervalSeconds: 120,
      maxIntervalSeconds: 7200,
    });
    const sut = loadConfig({
      env: { SCHEDULER_PAUSE_AFTER_FAILURES: '5', SCHEDULER_MIN_INTERVAL_SECONDS: '60', SCHEDULER_MAX_INTERVAL_SECONDS: '3600' },
      configPath: path,
    });
    expect(sut.scheduler).toMatchObject({ pauseAfterFailures: 5, minIntervalSeconds: 60, maxIntervalSeconds: 3600 });
  });

  it.each([
    [{ SCHEDULER_PAUSE_AFTER_FAILURES: '0' }, /pauseAfterFailures must be an integer ≥ 1.*SCHEDULER_PAUSE_AFTER_FAILURES/],
    [{ SCHEDULER_PAUSE_AFTER_FAILURES: 'ten' }, /SCHEDULER_PAUSE_AFTER_FAILURES must be a non-negative integer/],
    [{ SCHEDULER_MIN_INTERVAL_SECONDS: '10' }, /minIntervalSeconds must be an integer ≥ 30.*SCHEDULER_MIN_INTERVAL_SECONDS/],
    [{ SCHEDULER_MIN_INTERVAL_SECONDS: '600', SCHEDULER_MAX_INTERVAL_SECONDS: '300' }, /maxIntervalSeconds must be .*between.*\(600\)/],
    [{ SCHEDULER_MAX_INTERVAL_SECONDS: '99999999' }, /SCHEDULER_MAX_INTERVAL_SECONDS/],
  ])('rejects the scheduler setting %p with a message naming it', (env, message) => {
    expect(() => loadConfig({ env, configPath: yamlFile('') })).toThrow(message);
  });

  it('rejects a non-numeric scheduler setting from the file', () => {
    expect(() => loadConfig({ env: {}, configPath: yamlFile('scheduler:\n  pauseAfterFailures: often') })).toThrow(/pauseAfterFailures/);
  });
});
