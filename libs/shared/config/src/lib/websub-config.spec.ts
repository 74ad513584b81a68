import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webSubActivity, webSubMaxPushBytes } from './app-config';
import { ConfigError, defaultConfig, loadConfig } from './load-config';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'autoglm-websub-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

describe('websub configuration', () => {
  it('is enabled by default but inactive until a callback base URL is configured', () => {
    const sut = loadConfig({ env: {}, configPath: yamlFile('') }).websub;

    expect(sut).toEqual({ enabled: true, callbackBaseUrl: '', leaseSeconds: 864_000, pollIntervalSeconds: 21_600 });
    expect(webSubActivity(sut)).toEqual({ active: false, reason: expect.stringMatching(/WEBSUB_CALLBACK_BASE_URL/) });
  });

  it('reads the file, then the environment; a trailing slash of the base URL is dropped', () => {
    const path = yamlFile('websub:\n  callbackBaseUrl: https://file.example/\n  leaseSeconds: 3600\n  pollIntervalSeconds: 7200');

    const fromFile = loadConfig({ env: {}, configPath: path }).websub;
    const fromEnv = loadConfig({ env: { WEBSUB_CALLBACK_BASE_URL: 'https://news.example/reader/', WEBSUB_ENABLED: 'false' }, configPath: path }).websub;

    expect(fromFile).toEqual({ enabled: true, callbackBaseUrl: 'https://file.example', leaseSeconds: 3600, pollIntervalSeconds: 7200 });
    expect(webSubActivity(fromFile)).toEqual({ active: true });
    expect(fromEnv).toMatchObject({ enabled: false, callbackBaseUrl: 'https://news.example/reader' });
    expect(webSubActivity(fromEnv)).toEqual({ active: false, reason: expect.stringMatching(/WEBSUB_ENABLED/) });
  });

  it.each([
    ['websub:\n  callbackBaseUrl: ftp://x.example', /websub.callbackBaseUrl must be an http\(s\) URL/],
    ['websub:\n  callbackBaseUrl: https://x.example/?a=1', /without query/],
    ['websub:\n  leaseSeconds: 10', /websub.leaseSeconds must be an integer between 60/],
    ['websub:\n  pollIntervalSeconds: often', /websub.pollIntervalSeconds/],
    ['websub:\n  enabled: "yes"', /websub.enabled must be true or false/],
  ])('rejects %p with a message naming the setting', (yaml, message) => {
    expect(() => loadConfig({ env: {}, configPath: yamlFile(yaml) })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, configPath: yamlFile(yaml) })).toThrow(message);
  });

  it('bounds pushed documents by the crawler limit and one gRPC message', () => {
    const config = defaultConfig();

    expect(webSubMaxPushBytes(config)).toBe(4 * 1024 * 1024 - 64 * 1024);
    expect(webSubMaxPushBytes({ ...config, crawler: { ...config.crawler, maxBytes: 1000 } })).toBe(1000);
    expect(webSubMaxPushBytes({ ...config, grpcSecurity: { ...config.grpcSecurity, maxReceiveMessageBytes: 1024 * 1024 } })).toBe(
      1024 * 1024 - 64 * 1024,
    );
  });
});
