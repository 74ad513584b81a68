import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import type { AppConfig, ConfiguredSource, ServiceName } from './app-config';

/** A configuration problem, named precisely so the operator can fix it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export interface LoadConfigOptions {
  env?: Env;
  /** Path of config.yaml; defaults to AUTOGLM_CONFIG or ./config.yaml (optional file). */
  configPath?: string;
  /** Values that win over the file and the environment (used by tests and the embedded launcher). */
  overrides?: DeepPartial<AppConfig>;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

const SERVICES: ServiceName[] = ['storage', 'sources', 'crawler', 'analysis', 'recommender'];
const DEFAULT_GRPC_PORTS: Record<ServiceName, number> = {
  storage: 50051,
  sources: 50052,
  crawler: 50053,
  analysis: 50054,
  recommender: 50055,
};

export function defaultConfig(): AppConfig {
  return {
    http: { host: '0.0.0.0', port: 3000 },
    grpc: Object.fromEntries(SERVICES.map((s) => [s, `127.0.0.1:${DEFAULT_GRPC_PORTS[s]}`])) as Record<ServiceName, string>,
    rpcDeadlineMs: 15_000,
    database: { url: '', dataDir: './data/pglite' },
    redis: { url: '' },
    sources: [],
    scheduler: {
      enabled: true,
      tickMs: 5_000,
      defaultIntervalSeconds: 900,
      batchSize: 20,
      pauseAfterFailures: 10,
      minIntervalSeconds: 300,
      maxIntervalSeconds: 86_400,
    },
    crawler: {
      timeoutMs: 15_000,
      maxBytes: 10 * 1024 * 1024,
      maxRedirects: 5,
      userAgent: 'Open-AutoGLM/0.1 (+https://github.com/open-autoglm; feed reader)',
      allowHosts: [],
      concurrency: 4,
    },
    analysis: { modelDir: './models', maxBatchSize: 32, maxQueueDelayMs: 5, concurrency: 2 },
  };
}

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const config = defaultConfig();
  const path = resolve(options.configPath ?? env['AUTOGLM_CONFIG'] ?? 'config.yaml');
  if (options.configPath || env['AUTOGLM_CONFIG']) {
    if (!existsSync(path)) throw new ConfigError(`config file not found: ${path} (AUTOGLM_CONFIG)`);
  }
  if (existsSync(path)) applyFile(config, path);
  applyEnv(config, env);
  if (options.overrides) deepMerge(config as unknown as Record<string, unknown>, options.overrides as Record<string, unknown>);
  validate(config);
  return config;
}

function applyFile(config: AppConfig, path: string): void {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (doc === null || doc === undefined) return;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${path}: the top level must be a mapping`);
  const { sources, ...rest } = doc as Record<string, unknown>;
  deepMerge(config as unknown as Record<string, unknown>, rest);
  if (sources !== undefined) config.sources = parseSources(sources, path, config.scheduler.defaultIntervalSeconds);
}

function parseSources(value: unknown, path: string, defaultInterval: number): ConfiguredSource[] {
  if (!Array.isArray(value)) throw new ConfigError(`${path}: "sources" must be a list`);
  return value.map((entry, i) => {
    const item = typeof entry === 'string' ? { url: entry } : (entry as Record<string, unknown>);
    if (!item || typeof item !== 'object' || typeof item['url'] !== 'string' || !item['url']) {
      throw new ConfigError(`${path}: sources[${i}] needs a "url"`);
    }
    const interval = item['interval_seconds'] ?? item['intervalSeconds'] ?? defaultInterval;
    if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 30) {
      throw new ConfigError(`${path}: sources[${i}].interval_seconds must be an integer ≥ 30`);
    }
    const fullText = item['full_text'] ?? item['fullText'] ?? false;
    if (typeof fullText !== 'boolean') throw new ConfigError(`${path}: sources[${i}].full_text must be true or false`);
    return { url: item['url'], title: typeof item['title'] === 'string' ? item['title'] : '', intervalSeconds: interval, fullText };
  });
}

function applyEnv(config: AppConfig, env: Env): void {
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
    return n;
  };
  const port = int('PORT');
  if (port !== undefined) config.http.port = port;
  if (env['HOST']) config.http.host = env['HOST'];
  if (env['DATABASE_URL'] !== undefined) config.database.url = env['DATABASE_URL'];
  if (env['DATA_DIR']) config.database.dataDir = env['DATA_DIR'];
  if (env['REDIS_URL'] !== undefined) config.redis.url = env['REDIS_URL'];
  if (env['MODEL_DIR']) config.analysis.modelDir = env['MODEL_DIR'];
  if (env['AUTOGLM_ALLOW_HOSTS']) config.crawler.allowHosts = env['AUTOGLM_ALLOW_HOSTS'].split(',').map((s) => s.trim()).filter(Boolean);
  if (env['SCHEDULER_ENABLED'] !== undefined) config.scheduler.enabled = env['SCHEDULER_ENABLED'] !== 'false';
  const tick = int('SCHEDULER_TICK_MS');
  if (tick !== undefined) config.scheduler.tickMs = tick;
  const pauseAfter = int('SCHEDULER_PAUSE_AFTER_FAILURES');
  if (pauseAfter !== undefined) config.scheduler.pauseAfterFailures = pauseAfter;
  const minInterval = int('SCHEDULER_MIN_INTERVAL_SECONDS');
  if (minInterval !== undefined) config.scheduler.minIntervalSeconds = minInterval;
  const maxInterval = int('SCHEDULER_MAX_INTERVAL_SECONDS');
  if (maxInterval !== undefined) config.scheduler.maxIntervalSeconds = maxInterval;
  const deadline = int('RPC_DEADLINE_MS');
  if (deadline !== undefined) config.rpcDeadlineMs = deadline;
  for (const s of SERVICES) {
    const v = env[`GRPC_${s.toUpperCase()}_URL`];
    if (v) config.grpc[s] = v;
  }
}

function validate(config: AppConfig): void {
  if (config.http.port > 65535) throw new ConfigError(`http.port must be ≤ 65535 (PORT)`);
  for (const s of SERVICES) {
    if (!/^[^:\s]+:\d{1,5}$/.test(config.grpc[s])) {
      throw new ConfigError(`grpc.${s} must be host:port, got "${config.grpc[s]}" (GRPC_${s.toUpperCase()}_URL)`);
    }
  }
  if (config.database.url && !/^postgres(ql)?:\/\//.test(config.database.url)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  if (config.redis.url && !/^rediss?:\/\//.test(config.redis.url)) {
    throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  }
  if (config.rpcDeadlineMs < 100) throw new ConfigError('rpcDeadlineMs must be at least 100 (RPC_DEADLINE_MS)');
  if (config.analysis.maxBatchSize < 1) throw new ConfigError('analysis.maxBatchSize must be ≥ 1');
  validateScheduler(config.scheduler);
}

function validateScheduler(s: AppConfig['scheduler']): void {
  const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
  if (!isInt(s.pauseAfterFailures) || s.pauseAfterFailures < 1) {
    throw new ConfigError(`scheduler.pauseAfterFailures must be an integer ≥ 1, got ${String(s.pauseAfterFailures)} (SCHEDULER_PAUSE_AFTER_FAILURES)`);
  }
  if (!isInt(s.minIntervalSeconds) || s.minIntervalSeconds < 30) {
    throw new ConfigError(`scheduler.minIntervalSeconds must be an integer ≥ 30, got ${String(s.minIntervalSeconds)} (SCHEDULER_MIN_INTERVAL_SECONDS)`);
  }
  if (!isInt(s.maxIntervalSeconds) || s.maxIntervalSeconds < s.minIntervalSeconds || s.maxIntervalSeconds > 30 * 86_400) {
    throw new ConfigError(
      `scheduler.maxIntervalSeconds must be an integer between scheduler.minIntervalSeconds (${s.minIntervalSeconds}) and 2592000, ` +
        `got ${String(s.maxIntervalSeconds)} (SCHEDULER_MAX_INTERVAL_SECONDS)`,
    );
  }
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const current = target[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)) {
      deepMerge(current as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}
