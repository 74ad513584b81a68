import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import type {
  AppConfig,
  ConfiguredSource,
  ConfiguredSourceKind,
  JsonApiFields,
  JsonApiOptions,
  ServiceName,
  WebPageOptions,
} from './app-config';

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
    secrets: {},
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
  if (existsSync(path)) applyFile(config, path, env);
  applyEnv(config, env);
  if (options.overrides) deepMerge(config as unknown as Record<string, unknown>, options.overrides as Record<string, unknown>);
  validate(config);
  return config;
}

function applyFile(config: AppConfig, path: string, env: Env): void {
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
  if (sources !== undefined) config.sources = parseSources(sources, path, config.scheduler.defaultIntervalSeconds, env, config.secrets);
}

function parseSources(value: unknown, path: string, defaultInterval: number, env: Env, secrets: Record<string, string>): ConfiguredSource[] {
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
    const where = `${path}: sources[${i}]`;
    const kind = parseKind(item['kind'], where);
    const source: ConfiguredSource = {
      url: item['url'],
      title: typeof item['title'] === 'string' ? item['title'] : '',
      intervalSeconds: interval,
      fullText,
      kind,
    };
    const options = item['options'];
    if (kind === 'feed') {
      if (options !== undefined) throw new ConfigError(`${where}.options: a feed takes no options (set kind: json_api or web_page)`);
    } else if (!isMapping(options)) {
      throw new ConfigError(`${where}.options must be a mapping (the ${kind} source's ${kind === 'json_api' ? 'item path and fields' : 'selectors'})`);
    } else if (kind === 'json_api') {
      source.jsonApi = parseJsonApiOptions(options, `${where}.options`, env, secrets);
    } else {
      source.webPage = parseWebPageOptions(options, `${where}.options`);
    }
    return source;
  });
}

const SOURCE_KINDS: readonly ConfiguredSourceKind[] = ['feed', 'json_api', 'web_page'];
const JSON_API_FIELDS: ReadonlyArray<keyof JsonApiFields> = ['id', 'title', 'url', 'published', 'content', 'author'];
/** A dot path: names (any characters but dots and spaces) or array indexes, joined with dots. */
const DOT_PATH = /^[^.\s]+(\.[^.\s]+)*$/;
const HTTP_HEADER_NAME = /^[!#$%&'*+.^`|~\w-]+$/;
const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseKind(value: unknown, where: string): ConfiguredSourceKind {
  if (value === undefined) return 'feed';
  if (typeof value === 'string' && (SOURCE_KINDS as readonly string[]).includes(value)) return value as ConfiguredSourceKind;
  throw new ConfigError(`${where}.kind must be one of ${SOURCE_KINDS.join(', ')}, not ${JSON.stringify(value)}`);
}

/** An option under its camelCase or snake_case name. */
function option(options: Record<string, unknown>, camel: string): unknown {
  return options[camel] ?? options[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function stringOption(options: Record<string, unknown>, name: string, where: string, fallback: string | null): string {
  const value = option(options, name);
  if (value === undefined || value === null || value === '') {
    if (fallback === null) throw new ConfigError(`${where}.${name} is required`);
    return fallback;
  }
  if (typeof value !== 'string') throw new ConfigError(`${where}.${name} must be a string`);
  return value.trim();
}

function parseJsonApiOptions(options: Record<string, unknown>, where: string, env: Env, secrets: Record<string, string>): JsonApiOptions {
  const itemsPath = stringOption(options, 'itemsPath', where, '');
  if (itemsPath && !DOT_PATH.test(itemsPath)) throw new ConfigError(`${where}.itemsPath "${itemsPath}" is not a dot path like data.items`);
  const rawFields = options['fields'];
  if (!isMapping(rawFields)) throw new ConfigError(`${where}.fields must map ${JSON_API_FIELDS.join('/')} to dot paths in each item`);
  for (const name of Object.keys(rawFields)) {
    if (!(JSON_API_FIELDS as readonly string[]).includes(name)) {
      throw new ConfigError(`${where}.fields.${name} is not a field (use ${JSON_API_FIELDS.join(', ')})`);
    }
  }
  const fields = {} as JsonApiFields;
  for (const name of JSON_API_FIELDS) {
    const path = stringOption(rawFields, name, `${where}.fields`, '');
    if (path && !DOT_PATH.test(path)) throw new ConfigError(`${where}.fields.${name} "${path}" is not a dot path like attributes.title`);
    fields[name] = path;
  }
  if (!fields.title && !fields.url) throw new ConfigError(`${where}.fields needs at least a "title" or a "url" path`);
  const rawHeaders = options['headers'] ?? {};
  if (!isMapping(rawHeaders)) throw new ConfigError(`${where}.headers must be a mapping of header names to values`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (!HTTP_HEADER_NAME.test(name)) throw new ConfigError(`${where}.headers: "${name}" is not a valid HTTP header name`);
    if (typeof value !== 'string' && typeof value !== 'number') throw new ConfigError(`${where}.headers.${name} must be a string`);
    headers[name] = checkHeaderValue(String(value), `${where}.headers.${name}`, env, secrets);
  }
  return { itemsPath, fields, headers };
}

/**
 * A header value as written. For "env:VAR" the variable must be set (checked now, so a missing
 * secret fails at boot); its value goes to config.secrets and the option keeps the reference, so
 * the secret is never written to the database.
 */
function checkHeaderValue(value: string, where: string, env: Env, secrets: Record<string, string>): string {
  const reference = ENV_REFERENCE.exec(value.trim());
  const resolved = reference ? env[reference[1]] : value;
  if (reference && (resolved === undefined || resolved === '')) {
    throw new ConfigError(`${where} refers to the environment variable ${reference[1]}, which is not set`);
  }
  if (/[\r\n\0]/.test(resolved as string)) throw new ConfigError(`${where} must be a single line`);
  if (!reference) return value;
  secrets[reference[1]] = resolved as string;
  return `env:${reference[1]}`;
}

function parseWebPageOptions(options: Record<string, unknown>, where: string): WebPageOptions {
  const selectors: WebPageOptions = {
    itemSelector: stringOption(options, 'itemSelector', where, null),
    linkSelector: stringOption(options, 'linkSelector', where, 'a'),
    titleSelector: stringOption(options, 'titleSelector', where, ''),
  };
  for (const name of Object.keys(options)) {
    if (/^xpath|_xpath$|Xpath$/i.test(name)) throw new ConfigError(`${where}.${name}: XPath is not supported; use a CSS selector`);
  }
  return selectors;
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
