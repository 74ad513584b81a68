import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type AppConfig, type DeepPartial } from '@autoglm/shared-config';
import { freePort } from '@autoglm/shared-testing';

/**
 * The configuration of an embedded system under test: an empty config.yaml in dataDir, free
 * loopback ports for the gateway and every service, PGlite in dataDir, the in-process queue, the
 * crawler allowed onto 127.0.0.1 (the fixture servers), a fast scheduler, no read cache in the
 * gateway and the repository's models; `overrides` win, merged one level deep (e.g. `{ database: { url } }` keeps the rest).
 */
export async function embeddedTestConfig(dataDir: string, overrides: DeepPartial<AppConfig> = {}): Promise<AppConfig> {
  const configPath = join(dataDir, 'config.yaml');
  writeFileSync(configPath, 'sources: []\n');
  const [http, storage, sources, crawler, analysis, recommender] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePort()));
  const defaults: DeepPartial<AppConfig> = {
    http: { host: '127.0.0.1', port: http },
    grpc: {
      storage: `127.0.0.1:${storage}`,
      sources: `127.0.0.1:${sources}`,
      crawler: `127.0.0.1:${crawler}`,
      analysis: `127.0.0.1:${analysis}`,
      recommender: `127.0.0.1:${recommender}`,
    },
    database: { url: '', dataDir: join(dataDir, 'pglite') },
    redis: { url: '' },
    crawler: { allowHosts: ['127.0.0.1'] },
    scheduler: { tickMs: 300 },
    // Specs read right after they change things; the gateway's read cache has its own spec.
    api: { readCacheMs: 0 },
    analysis: { modelDir: join(__dirname, '..', '..', '..', '..', 'models') },
  };
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return loadConfig({ env: {}, configPath, overrides: merged as DeepPartial<AppConfig> });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
