import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import {
  LOG_LEVELS,
  type AppConfig,
  type LogLevel,
  type OpsProcessName, type ConfiguredSource, type ConfiguredSourceKind, type JsonApiOptions, type ServiceName, type WebPageOptions } from './app-config';
import { ConfigError } from './config-error';
import { validateDistinctPorts, type Deployment } from './deployment-config';
import { applyRateLimitEnv, defaultRateLimitConfig, validateRateLimit } from './rate-limit-config';
import { isMapping, readJsonApiOptions, readWebPageOptions, SECRET_NAME, SECRET_REFERENCE, SourceOptionsError } from './source-definition';
import { applyPushEnv, defaultPushConfig, validatePush } from './push-config';

export { ConfigError };

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
    auth: { required: false, allowAnonymousWrites: false, keyCacheSeconds: 10 },
    api: { maxJsonBodyBytes: 100 * 1024, maxJsonDepth: 32, graphQlIntrospection: true, readCacheMs: 2_000 },
    grpc: Object.fromEntries(SERVICES.map((s) => [s, `127.0.0.1:${DEFAULT_GRPC_PORTS[s]}`])) as Record<ServiceName, string>,
    rpcDeadlineMs: 15_000,
    grpcSecurity: {
      authToken: '',
      allowUnauthenticated: false,
      tls: { caFile: '', certFile: '', keyFile: '' },
      // grpc-js's own receive default; sends are bounded the same so a peer never gets more than it accepts.
      maxReceiveMessageBytes: 4 * 1024 * 1024,
      maxSendMessageBytes: 4 * 1024 * 1024,
      reflection: true,
    },
    shutdown: { timeoutMs: 15_000 },
    runtime: { heapGrowingPercent: 50 },
    database: { url: '', dataDir: './data/pglite', preparedStatements: 500 },
    redis: { url: '' },
    queue: { sweepIntervalMs: 30_000 },
    sources: [],
    secrets: {},
    sourceSecrets: [],
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
      robotsTxt: { enabled: true, cacheTtlSeconds: 86_400, maxCachedOrigins: 1_000 },
    },
    analysis: {
      modelDir: './models',
      maxBatchSize: 32,
      maxQueueDelayMs: 5,
      bulkQueueDelayMs: 25,
      concurrency: 16,
      summarySentenceVectors: 'word',
      preferredBatchSizes: [16],
      // 16 texts of a 512-token model.
      maxBatchTokens: 8_192,
      maxQueueSize: 20_000,
      executionProviders: ['tensorrt', 'cuda', 'cann', 'qnn', 'coreml', 'directml', 'openvino', 'cpu'],
      sessionPoolSize: 0,
      embeddingModels: ['intfloat/multilingual-e5-small', 'use-lite-en', 'wink-sg100d'],
      hubEndpoint: 'https://huggingface.co',
      streamMaxInFlight: 64,
      reembed: { enabled: true, pageSize: 100, maxTextsPerSecond: 200 },
    },
    llm: { baseUrl: '', model: '', apiKey: '', dailyTokenBudget: 200_000, timeoutMs: 30_000, maxOutputTokens: 400, summaryLanguage: '' },
    websub: { enabled: true, callbackBaseUrl: '', leaseSeconds: 10 * 86_400, pollIntervalSeconds: 6 * 3_600 },
    rateLimit: defaultRateLimitConfig(),
    push: defaultPushConfig(),
    web: { assetsDir: 'dist/web', sessionDays: 30, cookieSecure: 'auto', oidc: null },
    observability: {
      logLevel: 'info',
      logPretty: false,
      healthHost: '0.0.0.0',
      healthPorts: { gateway: null, storage: null, sources: null, crawler: null, analysis: null, recommender: null },
      tracing: { otlpEndpoint: '', serviceName: '' },
    },
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
  loadSourceSecrets(config, env);
  validate(config);
  return config;
}

/**
 * The secrets that sources added through the API may name ({"secretRef": NAME} in a header): the
 * environment variables listed in SOURCE_SECRETS (or config.yaml `sourceSecrets`), read once now into
 * config.secrets. Only listed variables can be named, so no request can send another of the
 * process's variables (such as GRPC_AUTH_TOKEN) to a server of its choosing.
 */
function loadSourceSecrets(config: AppConfig, env: Env): void {
  const names = env['SOURCE_SECRETS'] !== undefined ? env['SOURCE_SECRETS'].split(',') : config.sourceSecrets;
  if (!Array.isArray(names)) throw new ConfigError('sourceSecrets must be a list of environment variable names (SOURCE_SECRETS)');
  config.sourceSecrets = names.map((name) => String(name).trim()).filter(Boolean);
  for (const name of config.sourceSecrets) {
    if (!SECRET_NAME.test(name)) throw new ConfigError(`sourceSecrets: "${name}" is not an environment variable name (SOURCE_SECRETS)`);
    if (config.secrets[name]) continue;
    const value = env[name];
    if (value === undefined || value === '') throw new ConfigError(`sourceSecrets names ${name}, which is not set in the environment (SOURCE_SECRETS)`);
    if (/[\r\n\0]/.test(value)) throw new ConfigError(`the secret ${name} must be a single line`);
    config.secrets[name] = value;
  }
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

function parseKind(value: unknown, where: string): ConfiguredSourceKind {
  if (value === undefined) return 'feed';
  if (typeof value === 'string' && (SOURCE_KINDS as readonly string[]).includes(value)) return value as ConfiguredSourceKind;
  throw new ConfigError(`${where}.kind must be one of ${SOURCE_KINDS.join(', ')}, not ${JSON.stringify(value)}`);
}

/** The shared options reader's error, prefixed with the source it belongs to. */
function sourceOptions<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SourceOptionsError) throw new ConfigError(`${where}.${error.message}`);
    throw error;
  }
}

function parseJsonApiOptions(options: Record<string, unknown>, where: string, env: Env, secrets: Record<string, string>): JsonApiOptions {
  return sourceOptions(where, () =>
    readJsonApiOptions(options, (value, field) => {
      if (typeof value !== 'string' && typeof value !== 'number') throw new SourceOptionsError(field, `${field} must be a string`);
      return checkHeaderValue(String(value), field, env, secrets);
    }),
  );
}

/**
 * A header value as written. For "env:VAR" the variable must be set (checked now, so a missing
 * secret fails at boot); its value goes to config.secrets and the option keeps the reference, so
 * the secret is never written to the database.
 */
function checkHeaderValue(value: string, field: string, env: Env, secrets: Record<string, string>): string {
  const reference = SECRET_REFERENCE.exec(value.trim());
  const resolved = reference ? env[reference[1]] : value;
  if (reference && (resolved === undefined || resolved === '')) {
    throw new SourceOptionsError(field, `${field} refers to the environment variable ${reference[1]}, which is not set`);
  }
  if (/[\r\n\0]/.test(resolved as string)) throw new SourceOptionsError(field, `${field} must be a single line`);
  if (!reference) return value;
  secrets[reference[1]] = resolved as string;
  return `env:${reference[1]}`;
}

function parseWebPageOptions(options: Record<string, unknown>, where: string): WebPageOptions {
  return sourceOptions(where, () => readWebPageOptions(options));
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
  if (env['AUTH_REQUIRED'] !== undefined) config.auth.required = env['AUTH_REQUIRED'] === 'true';
  if (env['ALLOW_ANONYMOUS_WRITES'] !== undefined) config.auth.allowAnonymousWrites = env['ALLOW_ANONYMOUS_WRITES'] === 'true';
  applyApiEnv(config.api, env, int);
  if (env['DATABASE_URL'] !== undefined) config.database.url = env['DATABASE_URL'];
  if (env['DATA_DIR']) config.database.dataDir = env['DATA_DIR'];
  const preparedStatements = int('DATABASE_PREPARED_STATEMENTS');
  if (preparedStatements !== undefined) config.database.preparedStatements = preparedStatements;
  if (env['REDIS_URL'] !== undefined) config.redis.url = env['REDIS_URL'];
  const sweepInterval = int('QUEUE_SWEEP_INTERVAL_MS');
  if (sweepInterval !== undefined) config.queue.sweepIntervalMs = sweepInterval;
  if (env['MODEL_DIR']) config.analysis.modelDir = env['MODEL_DIR'];
  if (env['AUTOGLM_ALLOW_HOSTS']) config.crawler.allowHosts = env['AUTOGLM_ALLOW_HOSTS'].split(',').map((s) => s.trim()).filter(Boolean);
  if (env['CRAWLER_ROBOTS_TXT'] !== undefined) config.crawler.robotsTxt.enabled = env['CRAWLER_ROBOTS_TXT'] !== 'false';
  if (env['SCHEDULER_ENABLED'] !== undefined) config.scheduler.enabled = env['SCHEDULER_ENABLED'] !== 'false';
  const tick = int('SCHEDULER_TICK_MS');
  if (tick !== undefined) config.scheduler.tickMs = tick;
  const pauseAfter = int('SCHEDULER_PAUSE_AFTER_FAILURES');
  if (pauseAfter !== undefined) config.scheduler.pauseAfterFailures = pauseAfter;
  const minInterval = int('SCHEDULER_MIN_INTERVAL_SECONDS');
  if (minInterval !== undefined) config.scheduler.minIntervalSeconds = minInterval;
  const maxInterval = int('SCHEDULER_MAX_INTERVAL_SECONDS');
  if (maxInterval !== undefined) config.scheduler.maxIntervalSeconds = maxInterval;
  if (env['WEBSUB_ENABLED'] !== undefined) config.websub.enabled = env['WEBSUB_ENABLED'] !== 'false';
  if (env['WEBSUB_CALLBACK_BASE_URL'] !== undefined) config.websub.callbackBaseUrl = env['WEBSUB_CALLBACK_BASE_URL'];
  if (env['WEB_ASSETS_DIR']) config.web.assetsDir = env['WEB_ASSETS_DIR'];
  const sessionDays = int('WEB_SESSION_DAYS');
  if (sessionDays !== undefined) config.web.sessionDays = sessionDays;
  if (env['WEB_COOKIE_SECURE']) config.web.cookieSecure = env['WEB_COOKIE_SECURE'].trim() as AppConfig['web']['cookieSecure'];
  if (env['OIDC_ISSUER_URL']?.trim()) {
    config.web.oidc = {
      issuerUrl: env['OIDC_ISSUER_URL'].trim(),
      clientId: env['OIDC_CLIENT_ID']?.trim() ?? '',
      clientSecret: env['OIDC_CLIENT_SECRET'] ?? '',
      redirectUrl: env['OIDC_REDIRECT_URL']?.trim() ?? '',
      name: env['OIDC_NAME']?.trim() || 'OpenID Connect',
    };
  }
  if (env['HF_ENDPOINT']) config.analysis.hubEndpoint = env['HF_ENDPOINT'].trim();
  if (env['SUMMARY_SENTENCE_VECTORS']) config.analysis.summarySentenceVectors = env['SUMMARY_SENTENCE_VECTORS'] as AppConfig['analysis']['summarySentenceVectors'];
  if (env['EMBEDDING_MODELS']) config.analysis.embeddingModels = env['EMBEDDING_MODELS'].split(',').map((m) => m.trim()).filter(Boolean);
  if (env['EXECUTION_PROVIDERS']) config.analysis.executionProviders = env['EXECUTION_PROVIDERS'].split(',').map((p) => p.trim()).filter(Boolean);
  const sessionPool = int('SESSION_POOL_SIZE');
  if (sessionPool !== undefined) config.analysis.sessionPoolSize = sessionPool;
  if (env['REEMBED_ENABLED'] !== undefined) config.analysis.reembed.enabled = env['REEMBED_ENABLED'] !== 'false';
  applyLlmEnv(config.llm, env);
  applyRateLimitEnv(config.rateLimit, env, (message) => new ConfigError(message));
  applyPushEnv(config.push, env, (message) => new ConfigError(message));
  const deadline = int('RPC_DEADLINE_MS');
  if (deadline !== undefined) config.rpcDeadlineMs = deadline;
  const shutdownTimeout = int('SHUTDOWN_TIMEOUT_MS');
  if (shutdownTimeout !== undefined) config.shutdown.timeoutMs = shutdownTimeout;
  const heapGrowing = int('HEAP_GROWING_PERCENT');
  if (heapGrowing !== undefined) config.runtime.heapGrowingPercent = heapGrowing;
  for (const s of SERVICES) {
    const v = env[`GRPC_${s.toUpperCase()}_URL`];
    if (v) config.grpc[s] = v;
  }
  applyGrpcSecurityEnv(config.grpcSecurity, env, int);
  applyObservabilityEnv(config.observability, env, int);
}

const OPS_PROCESSES: OpsProcessName[] = ['gateway', ...SERVICES];

function applyObservabilityEnv(observability: AppConfig['observability'], env: Env, int: (name: string) => number | undefined): void {
  if (env['LOG_LEVEL']) observability.logLevel = env['LOG_LEVEL'].trim().toLowerCase() as LogLevel;
  const pretty = booleanEnv(env, 'LOG_PRETTY');
  if (pretty !== undefined) {
    if (pretty && env['NODE_ENV'] === 'production') throw new ConfigError('LOG_PRETTY=true is for development only: production logs are JSON (unset LOG_PRETTY or NODE_ENV)');
    observability.logPretty = pretty;
  }
  if (env['HEALTH_HOST']) observability.healthHost = env['HEALTH_HOST'];
  observability.tracing = tracingOf(env);
  const all = int('HEALTH_PORT');
  for (const name of OPS_PROCESSES) {
    const one = int(`HEALTH_PORT_${name.toUpperCase()}`);
    const port = one ?? all;
    if (port !== undefined) observability.healthPorts[name] = port;
  }
}

const DEFAULT_OTLP_TRACES_ENDPOINT = 'http://localhost:4318/v1/traces';

/** The standard OpenTelemetry variables, as far as this project uses them (traces over OTLP/HTTP). */
function tracingOf(env: Env): AppConfig['observability']['tracing'] {
  const exporter = (env['OTEL_TRACES_EXPORTER'] ?? '').trim().toLowerCase();
  const serviceName = (env['OTEL_SERVICE_NAME'] ?? '').trim();
  if (exporter && exporter !== 'otlp' && exporter !== 'none') {
    throw new ConfigError(`OTEL_TRACES_EXPORTER must be otlp or none, got "${exporter}"`);
  }
  const traces = (env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? '').trim();
  const base = (env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '').trim();
  if (exporter === 'none') return { otlpEndpoint: '', serviceName };
  const otlpEndpoint = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : exporter === 'otlp' ? DEFAULT_OTLP_TRACES_ENDPOINT : '');
  if (otlpEndpoint && !/^https?:\/\/[^\s]+$/.test(otlpEndpoint)) {
    throw new ConfigError(`the OTLP traces endpoint must be an http(s) URL, got "${otlpEndpoint}" (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)`);
  }
  return { otlpEndpoint, serviceName };
}

function validateObservability(observability: AppConfig['observability']): void {
  if (!(LOG_LEVELS as readonly string[]).includes(observability.logLevel)) {
    throw new ConfigError(`observability.logLevel must be one of ${LOG_LEVELS.join(', ')}, got "${observability.logLevel}" (LOG_LEVEL)`);
  }
  if (typeof observability.logPretty !== 'boolean') throw new ConfigError('observability.logPretty must be true or false (LOG_PRETTY)');
  for (const name of OPS_PROCESSES) {
    const port = observability.healthPorts[name];
    if (port !== null && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      throw new ConfigError(`observability.healthPorts.${name} must be an integer between 0 and 65535 (HEALTH_PORT_${name.toUpperCase()})`);
    }
  }
}

function applyGrpcSecurityEnv(security: AppConfig['grpcSecurity'], env: Env, int: (name: string) => number | undefined): void {
  if (env['GRPC_AUTH_TOKEN'] !== undefined) security.authToken = env['GRPC_AUTH_TOKEN'];
  if (env['GRPC_ALLOW_UNAUTHENTICATED'] !== undefined) security.allowUnauthenticated = env['GRPC_ALLOW_UNAUTHENTICATED'] === 'true';
  if (env['GRPC_TLS_CA_FILE'] !== undefined) security.tls.caFile = env['GRPC_TLS_CA_FILE'];
  if (env['GRPC_TLS_CERT_FILE'] !== undefined) security.tls.certFile = env['GRPC_TLS_CERT_FILE'];
  if (env['GRPC_TLS_KEY_FILE'] !== undefined) security.tls.keyFile = env['GRPC_TLS_KEY_FILE'];
  const receive = int('GRPC_MAX_RECEIVE_MESSAGE_BYTES');
  if (receive !== undefined) security.maxReceiveMessageBytes = receive;
  const send = int('GRPC_MAX_SEND_MESSAGE_BYTES');
  if (send !== undefined) security.maxSendMessageBytes = send;
  if (env['NODE_ENV'] === 'production') security.reflection = false;
  const reflection = booleanEnv(env, 'GRPC_REFLECTION');
  if (reflection !== undefined) security.reflection = reflection;
}

/** A true|false variable; undefined when unset or empty. */
function booleanEnv(env: Env, name: string): boolean | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value !== 'true' && value !== 'false') throw new ConfigError(`${name} must be true or false, got "${value}"`);
  return value === 'true';
}

/** Smallest message limit accepted: below it ordinary answers (a page of articles) would not fit. */
const MIN_GRPC_MESSAGE_BYTES = 64 * 1024;
/** Largest: grpc-js keeps a whole message in memory, so the limit bounds what one call can make a process hold. */
const MAX_GRPC_MESSAGE_BYTES = 256 * 1024 * 1024;

function validateGrpcSecurity(security: AppConfig['grpcSecurity']): void {
  if (typeof security.authToken !== 'string') throw new ConfigError('grpcSecurity.authToken must be a string (GRPC_AUTH_TOKEN)');
  // Sent as an ASCII metadata value: printable, no spaces; long enough not to be guessed.
  if (security.authToken && !/^[\x21-\x7e]{32,}$/.test(security.authToken)) {
    throw new ConfigError('GRPC_AUTH_TOKEN must be at least 32 printable ASCII characters without spaces (e.g. openssl rand -base64 48)');
  }
  if (typeof security.reflection !== 'boolean') throw new ConfigError('grpcSecurity.reflection must be true or false (GRPC_REFLECTION)');
  if (typeof security.allowUnauthenticated !== 'boolean') {
    throw new ConfigError('grpcSecurity.allowUnauthenticated must be true or false (GRPC_ALLOW_UNAUTHENTICATED)');
  }
  const files = { caFile: 'GRPC_TLS_CA_FILE', certFile: 'GRPC_TLS_CERT_FILE', keyFile: 'GRPC_TLS_KEY_FILE' } as const;
  const set = (Object.keys(files) as Array<keyof typeof files>).filter((k) => security.tls[k]);
  if (set.length > 0 && set.length < 3) {
    throw new ConfigError(`mutual TLS needs all of ${Object.values(files).join(', ')}; only ${set.map((k) => files[k]).join(', ')} set`);
  }
  for (const key of set) {
    if (!existsSync(security.tls[key])) throw new ConfigError(`${files[key]}: no such file ${security.tls[key]}`);
  }
  for (const [key, variable] of [
    ['maxReceiveMessageBytes', 'GRPC_MAX_RECEIVE_MESSAGE_BYTES'],
    ['maxSendMessageBytes', 'GRPC_MAX_SEND_MESSAGE_BYTES'],
  ] as const) {
    const value = security[key];
    if (!Number.isInteger(value) || value < MIN_GRPC_MESSAGE_BYTES || value > MAX_GRPC_MESSAGE_BYTES) {
      throw new ConfigError(`${variable} must be an integer between ${MIN_GRPC_MESSAGE_BYTES} and ${MAX_GRPC_MESSAGE_BYTES}, got ${value}`);
    }
  }
}

/**
 * Checks, at start-up, that the services of a distributed deployment authenticate each other: a
 * process that serves one service must be given the shared token, or be told explicitly to run
 * without (GRPC_ALLOW_UNAUTHENTICATED=true). Embedded mode needs neither: its services reach
 * each other over loopback with a token made for the process.
 */
export function checkGrpcAuthentication(config: Pick<AppConfig, 'grpcSecurity'>, deployment: Deployment): void {
  if (deployment === 'embedded' || config.grpcSecurity.authToken || config.grpcSecurity.allowUnauthenticated) return;
  throw new ConfigError(
    'GRPC_AUTH_TOKEN is not set: in distributed mode every service must be given the same token (e.g. openssl rand -base64 48), ' +
      'or GRPC_ALLOW_UNAUTHENTICATED=true to serve any caller that can reach the gRPC ports',
  );
}

function validate(config: AppConfig): void {
  if (config.http.port > 65535) throw new ConfigError(`http.port must be ≤ 65535 (PORT)`);
  for (const s of SERVICES) {
    if (!/^[^:\s]+:\d{1,5}$/.test(config.grpc[s])) {
      throw new ConfigError(`grpc.${s} must be host:port, got "${config.grpc[s]}" (GRPC_${s.toUpperCase()}_URL)`);
    }
  }
  validateDistinctPorts(config);
  if (config.database.url && !/^postgres(ql)?:\/\//.test(config.database.url)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const prepared = config.database.preparedStatements;
  if (!Number.isInteger(prepared) || prepared < 0 || prepared > 10_000) {
    throw new ConfigError(`database.preparedStatements must be an integer from 0 to 10000 (DATABASE_PREPARED_STATEMENTS), got ${JSON.stringify(prepared)}`);
  }
  if (config.redis.url && !/^rediss?:\/\//.test(config.redis.url)) {
    throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  }
  const sweepInterval = config.queue?.sweepIntervalMs;
  if (!isWholeNumber(sweepInterval) || sweepInterval < 200 || sweepInterval > 3_600_000) {
    throw new ConfigError(`queue.sweepIntervalMs must be an integer between 200 and 3600000, got ${JSON.stringify(sweepInterval)} (QUEUE_SWEEP_INTERVAL_MS)`);
  }
  if (config.rpcDeadlineMs < 100) throw new ConfigError('rpcDeadlineMs must be at least 100 (RPC_DEADLINE_MS)');
  validateGrpcSecurity(config.grpcSecurity);
  const shutdownTimeout = config.shutdown?.timeoutMs;
  if (!isWholeNumber(shutdownTimeout) || shutdownTimeout < 1_000 || shutdownTimeout > 600_000) {
    throw new ConfigError(`shutdown.timeoutMs must be an integer between 1000 and 600000, got ${JSON.stringify(shutdownTimeout)} (SHUTDOWN_TIMEOUT_MS)`);
  }
  const heapGrowingPercent = config.runtime?.heapGrowingPercent;
  if (!isWholeNumber(heapGrowingPercent) || heapGrowingPercent < 0 || heapGrowingPercent > 300) {
    throw new ConfigError(`runtime.heapGrowingPercent must be an integer between 0 and 300, got ${JSON.stringify(heapGrowingPercent)} (HEAP_GROWING_PERCENT)`);
  }

  if (typeof config.auth.required !== 'boolean') throw new ConfigError('auth.required must be true or false (AUTH_REQUIRED)');
  if (typeof config.auth.allowAnonymousWrites !== 'boolean') {
    throw new ConfigError('auth.allowAnonymousWrites must be true or false (ALLOW_ANONYMOUS_WRITES)');
  }
  if (!Number.isInteger(config.auth.keyCacheSeconds) || config.auth.keyCacheSeconds < 0 || config.auth.keyCacheSeconds > 3600) {
    throw new ConfigError('auth.keyCacheSeconds must be an integer between 0 and 3600');
  }
  validateApi(config.api);
  validateAnalysis(config.analysis);
  validateLlm(config.llm);
  validateScheduler(config.scheduler);
  validateRobotsTxt(config.crawler.robotsTxt);
  validateWebSub(config.websub);
  validateWeb(config.web);
  validateRateLimit(config.rateLimit, (message) => new ConfigError(message));
  validatePush(config.push, (message) => new ConfigError(message));
  validateObservability(config.observability);
}

function applyApiEnv(api: AppConfig['api'], env: Env, int: (name: string) => number | undefined): void {
  if (env['NODE_ENV'] === 'production') api.graphQlIntrospection = false;
  const introspection = booleanEnv(env, 'GRAPHQL_INTROSPECTION');
  if (introspection !== undefined) api.graphQlIntrospection = introspection;
  const maxBytes = int('API_MAX_JSON_BODY_BYTES');
  if (maxBytes !== undefined) api.maxJsonBodyBytes = maxBytes;
  const maxDepth = int('API_MAX_JSON_DEPTH');
  if (maxDepth !== undefined) api.maxJsonDepth = maxDepth;
  const readCache = int('API_READ_CACHE_MS');
  if (readCache !== undefined) api.readCacheMs = readCache;
}

function validateApi(api: AppConfig['api']): void {
  if (!Number.isInteger(api.maxJsonBodyBytes) || api.maxJsonBodyBytes < 1024 || api.maxJsonBodyBytes > 64 * 1024 * 1024) {
    throw new ConfigError('api.maxJsonBodyBytes must be an integer between 1024 and 67108864 (API_MAX_JSON_BODY_BYTES)');
  }
  // GraphQL requests nest {"variables": {"input": …}}: fewer than 4 levels would refuse ordinary calls.
  if (!Number.isInteger(api.maxJsonDepth) || api.maxJsonDepth < 4 || api.maxJsonDepth > 1000) {
    throw new ConfigError('api.maxJsonDepth must be an integer between 4 and 1000 (API_MAX_JSON_DEPTH)');
  }
  if (typeof api.graphQlIntrospection !== 'boolean') throw new ConfigError('api.graphQlIntrospection must be true or false (GRAPHQL_INTROSPECTION)');
  if (!Number.isInteger(api.readCacheMs) || api.readCacheMs < 0 || api.readCacheMs > 60_000) {
    throw new ConfigError('api.readCacheMs must be an integer between 0 and 60000 (API_READ_CACHE_MS)');
  }
}

function validateWeb(web: AppConfig['web']): void {
  if (typeof web.assetsDir !== 'string' || !web.assetsDir.trim()) throw new ConfigError('web.assetsDir must be a directory (WEB_ASSETS_DIR)');
  if (!Number.isInteger(web.sessionDays) || web.sessionDays < 1 || web.sessionDays > 365) {
    throw new ConfigError(`web.sessionDays must be an integer between 1 and 365, got ${String(web.sessionDays)} (WEB_SESSION_DAYS)`);
  }
  if (!['auto', 'always', 'never'].includes(web.cookieSecure)) {
    throw new ConfigError(`web.cookieSecure must be auto, always or never, got "${String(web.cookieSecure)}" (WEB_COOKIE_SECURE)`);
  }
  if (web.oidc) validateOidc(web.oidc);
}

function validateOidc(oidc: NonNullable<AppConfig['web']['oidc']>): void {
  const httpUrl = (value: string, variable: string) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new ConfigError(`${variable} must be an http(s) URL, got "${value}"`);
  };
  httpUrl(oidc.issuerUrl, 'OIDC_ISSUER_URL');
  if (!oidc.clientId) throw new ConfigError('OIDC_CLIENT_ID is required with OIDC_ISSUER_URL');
  if (!oidc.redirectUrl) throw new ConfigError('OIDC_REDIRECT_URL is required with OIDC_ISSUER_URL (https://your.host/api/v1/session/oidc/callback)');
  httpUrl(oidc.redirectUrl, 'OIDC_REDIRECT_URL');
  if (new URL(oidc.redirectUrl).pathname !== '/api/v1/session/oidc/callback') {
    throw new ConfigError(`OIDC_REDIRECT_URL must end in /api/v1/session/oidc/callback, got "${oidc.redirectUrl}"`);
  }
  if (oidc.name.length > 60) throw new ConfigError('OIDC_NAME must be at most 60 characters');
}

function validateWebSub(w: AppConfig['websub']): void {
  if (typeof w.enabled !== 'boolean') throw new ConfigError('websub.enabled must be true or false (WEBSUB_ENABLED)');
  if (typeof w.callbackBaseUrl !== 'string') throw new ConfigError('websub.callbackBaseUrl must be a URL (WEBSUB_CALLBACK_BASE_URL)');
  const base = w.callbackBaseUrl.trim().replace(/\/+$/, '');
  if (base) {
    let url: URL | undefined;
    try {
      url = new URL(base);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
      throw new ConfigError(`websub.callbackBaseUrl must be an http(s) URL without query, got "${w.callbackBaseUrl}" (WEBSUB_CALLBACK_BASE_URL)`);
    }
  }
  w.callbackBaseUrl = base;
  const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
  if (!isInt(w.leaseSeconds) || w.leaseSeconds < 60 || w.leaseSeconds > 365 * 86_400) {
    throw new ConfigError(`websub.leaseSeconds must be an integer between 60 and 31536000, got ${String(w.leaseSeconds)}`);
  }
  if (!isInt(w.pollIntervalSeconds) || w.pollIntervalSeconds < 30 || w.pollIntervalSeconds > 30 * 86_400) {
    throw new ConfigError(`websub.pollIntervalSeconds must be an integer between 30 and 2592000, got ${String(w.pollIntervalSeconds)}`);
  }
}

function validateRobotsTxt(r: AppConfig['crawler']['robotsTxt']): void {
  if (typeof r.enabled !== 'boolean') throw new ConfigError(`crawler.robotsTxt.enabled must be true or false (CRAWLER_ROBOTS_TXT)`);
  if (typeof r.cacheTtlSeconds !== 'number' || !Number.isInteger(r.cacheTtlSeconds) || r.cacheTtlSeconds < 1) {
    throw new ConfigError(`crawler.robotsTxt.cacheTtlSeconds must be a positive integer, got ${String(r.cacheTtlSeconds)}`);
  }
  if (typeof r.maxCachedOrigins !== 'number' || !Number.isInteger(r.maxCachedOrigins) || r.maxCachedOrigins < 1) {
    throw new ConfigError(`crawler.robotsTxt.maxCachedOrigins must be a positive integer, got ${String(r.maxCachedOrigins)}`);
  }
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

/** LLM_BASE_URL, LLM_MODEL, LLM_API_KEY, LLM_DAILY_TOKEN_BUDGET, LLM_TIMEOUT_MS. */
function applyLlmEnv(llm: AppConfig['llm'], env: Env): void {
  if (env['LLM_BASE_URL'] !== undefined) llm.baseUrl = env['LLM_BASE_URL'];
  if (env['LLM_MODEL'] !== undefined) llm.model = env['LLM_MODEL'];
  if (env['LLM_API_KEY'] !== undefined) llm.apiKey = env['LLM_API_KEY'];
  if (env['LLM_SUMMARY_LANGUAGE'] !== undefined) llm.summaryLanguage = env['LLM_SUMMARY_LANGUAGE'];
  for (const [name, key] of [
    ['LLM_DAILY_TOKEN_BUDGET', 'dailyTokenBudget'],
    ['LLM_TIMEOUT_MS', 'timeoutMs'],
  ] as const) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
    llm[key] = value;
  }
}

const isWholeNumber = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

function httpUrl(value: unknown): URL | undefined {
  try {
    const url = new URL(String(value));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function validateAnalysis(a: AppConfig['analysis']): void {
  const atLeast = (name: string, value: unknown, min: number, variable = ''): void => {
    if (!isWholeNumber(value) || value < min) {
      throw new ConfigError(`analysis.${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}${variable ? ` (${variable})` : ''}`);
    }
  };
  atLeast('maxBatchSize', a.maxBatchSize, 1);
  if (typeof a.maxQueueDelayMs !== 'number' || !(a.maxQueueDelayMs >= 0)) {
    throw new ConfigError(`analysis.maxQueueDelayMs must be a number ≥ 0, got ${JSON.stringify(a.maxQueueDelayMs)}`);
  }
  if (typeof a.bulkQueueDelayMs !== 'number' || !(a.bulkQueueDelayMs >= 0) || a.bulkQueueDelayMs > 1_000) {
    throw new ConfigError(`analysis.bulkQueueDelayMs must be a number from 0 to 1000, got ${JSON.stringify(a.bulkQueueDelayMs)}`);
  }
  atLeast('concurrency', a.concurrency, 1);
  if (a.summarySentenceVectors !== 'word' && a.summarySentenceVectors !== 'embedding') {
    throw new ConfigError(`analysis.summarySentenceVectors must be "word" or "embedding", got ${JSON.stringify(a.summarySentenceVectors)} (SUMMARY_SENTENCE_VECTORS)`);
  }
  if (!Array.isArray(a.embeddingModels) || a.embeddingModels.some((m) => typeof m !== 'string' || !/^[\w.-]+(?:\/[\w.-]+)?$/.test(m))) {
    throw new ConfigError(`analysis.embeddingModels must be a list of model names or hub repo ids (owner/name), got ${JSON.stringify(a.embeddingModels)} (EMBEDDING_MODELS)`);
  }
  if (!Array.isArray(a.preferredBatchSizes) || a.preferredBatchSizes.some((n) => !isWholeNumber(n) || n < 1)) {
    throw new ConfigError(`analysis.preferredBatchSizes must be a list of positive integers, got ${JSON.stringify(a.preferredBatchSizes)}`);
  }
  atLeast('maxBatchTokens', a.maxBatchTokens, 1);
  atLeast('maxQueueSize', a.maxQueueSize, 1);
  if (
    !Array.isArray(a.executionProviders) ||
    a.executionProviders.length === 0 ||
    a.executionProviders.some((p) => typeof p !== 'string' || !/^[a-z0-9_-]+$/.test(p))
  ) {
    throw new ConfigError(
      `analysis.executionProviders must be a non-empty list of provider names (tensorrt, cuda, cpu, …), got ${JSON.stringify(a.executionProviders)} (EXECUTION_PROVIDERS)`,
    );
  }
  atLeast('sessionPoolSize', a.sessionPoolSize, 0, 'SESSION_POOL_SIZE');
  if (!httpUrl(a.hubEndpoint)) throw new ConfigError(`analysis.hubEndpoint must be an http(s) URL, got ${JSON.stringify(a.hubEndpoint)} (HF_ENDPOINT)`);
  atLeast('streamMaxInFlight', a.streamMaxInFlight, 1);
  if (typeof a.reembed?.enabled !== 'boolean') throw new ConfigError('analysis.reembed.enabled must be true or false (REEMBED_ENABLED)');
  atLeast('reembed.pageSize', a.reembed.pageSize, 1);
  if (a.reembed.pageSize > 500) throw new ConfigError(`analysis.reembed.pageSize must be ≤ 500, got ${a.reembed.pageSize}`);
  if (typeof a.reembed.maxTextsPerSecond !== 'number' || !(a.reembed.maxTextsPerSecond > 0)) {
    throw new ConfigError(`analysis.reembed.maxTextsPerSecond must be a number > 0, got ${JSON.stringify(a.reembed.maxTextsPerSecond)}`);
  }
}

/** The LLM endpoint, when set, must be a plain http(s) URL with a model named (the key goes in LLM_API_KEY). */
function validateLlm(llm: AppConfig['llm']): void {
  llm.baseUrl = String(llm.baseUrl ?? '').trim().replace(/\/+$/, '');
  llm.model = String(llm.model ?? '').trim();
  llm.summaryLanguage = String(llm.summaryLanguage ?? '').trim();
  if (llm.summaryLanguage && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(llm.summaryLanguage)) {
    throw new ConfigError(`llm.summaryLanguage must be a language code such as en or zh-Hant, got "${llm.summaryLanguage}" (LLM_SUMMARY_LANGUAGE)`);
  }
  for (const [key, variable] of [
    ['dailyTokenBudget', ' (LLM_DAILY_TOKEN_BUDGET)'],
    ['timeoutMs', ' (LLM_TIMEOUT_MS)'],
    ['maxOutputTokens', ''],
  ] as const) {
    if (!isWholeNumber(llm[key]) || llm[key] < 1) throw new ConfigError(`llm.${key} must be a positive integer, got ${JSON.stringify(llm[key])}${variable}`);
  }
  if (!llm.baseUrl) return;
  const url = httpUrl(llm.baseUrl);
  if (!url) throw new ConfigError(`LLM_BASE_URL must be an http(s) URL, got "${llm.baseUrl}"`);
  if (url.username || url.password) throw new ConfigError('LLM_BASE_URL must not carry credentials; use LLM_API_KEY');
  if (!llm.model) throw new ConfigError('LLM_MODEL must name the model when LLM_BASE_URL is set');
}
