import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '@autoglm/shared-config';

/**
 * The environment variables the configuration reads: loadConfig runs once on an environment that records every
 * name looked up (with an empty config file, so nothing else decides the path taken).
 */
export function configEnvNames(): Set<string> {
  const read = new Set<string>();
  const record = (key: string | symbol) => {
    if (typeof key === 'string') read.add(key);
  };
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_, key) => (record(key), undefined),
    has: (_, key) => (record(key), false),
  });
  configFromEnv(env);
  return read;
}

/**
 * The configuration a process started with `env` (and no config.yaml) would run with: what it listens on is
 * read from here, not from a copy of the defaults.
 */
export function configFromEnv(env: Record<string, string | undefined>): AppConfig {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-config-'));
  try {
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, '');
    return loadConfig({ env, configPath });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Variables read by other than the configuration: APP by the image's CMD, OTEL_* by the OpenTelemetry SDK. */
const READ_ELSEWHERE = [/^APP$/, /^OTEL_[A-Z0-9_]+$/];

/** Names a deployment sets that nothing reads (a typo, or a setting that no longer exists). */
export function unknownEnvNames(names: Iterable<string>, known: Set<string>): string[] {
  return [...new Set(names)].filter((name) => !known.has(name) && !READ_ELSEWHERE.some((pattern) => pattern.test(name))).sort();
}
