import type { PushConfig } from './push-config';
import type { RateLimitConfig } from './rate-limit-config';

/** Injection token of the validated configuration (one object, validated once at boot). */
export const APP_CONFIG = Symbol('APP_CONFIG');

export type ServiceName = 'storage' | 'sources' | 'crawler' | 'analysis' | 'recommender';

/** How a configured source is read: a feed, a JSON HTTP API, or an HTML list page. */
export type ConfiguredSourceKind = 'feed' | 'json_api' | 'web_page';

/** Dot paths (e.g. "attributes.title") into each item of a JSON API's item list; empty when unmapped. */
export interface JsonApiFields {
  id: string;
  title: string;
  url: string;
  published: string;
  content: string;
  author: string;
}

/** How to read a JSON API source. */
export interface JsonApiOptions {
  /** Dot path to the array of items in the response ("data.items"); empty when the response is the array. */
  itemsPath: string;
  fields: JsonApiFields;
  /** Request headers as written: literal values, or "env:VAR" references resolved from AppConfig.secrets at fetch time. */
  headers: Record<string, string>;
}

/**
 * How to read a web-page source: selectors on its list page. Each is a CSS selector, or an XPath
 * 1.0 expression when prefixed with "xpath:" (see XPATH_SELECTOR_PREFIX).
 */
export interface WebPageOptions {
  /** Each element matching it is one item of the list. */
  itemSelector: string;
  /** The item's link, relative to the item ("a" by default; the item itself when it is a link). */
  linkSelector: string;
  /** The item's title, relative to the item; empty: the link's text. */
  titleSelector: string;
}

/** A web-page selector starting with this is an XPath 1.0 expression, not a CSS selector. */
export const XPATH_SELECTOR_PREFIX = 'xpath:';

export interface ConfiguredSource {
  url: string;
  title: string;
  intervalSeconds: number;
  /** Fetch each new item's page and keep its extracted main content (feeds that carry teasers). */
  fullText: boolean;
  kind: ConfiguredSourceKind;
  /** Set when kind is 'json_api'. */
  jsonApi?: JsonApiOptions;
  /** Set when kind is 'web_page'. */
  webPage?: WebPageOptions;
}

export interface AppConfig {
  http: { host: string; port: number };
  /** Who may call the REST/GraphQL API (API keys of users; see the gateway's auth). */
  auth: AuthConfig;
  /** What the REST/GraphQL API accepts and tells about itself. */
  api: ApiConfig;
  /** Address each gRPC service listens on and is reached at (host:port). */
  grpc: Record<ServiceName, string>;
  /** Deadline of every gRPC call, in milliseconds. */
  rpcDeadlineMs: number;
  /** How the services authenticate each other over gRPC and how large their messages may be. */
  grpcSecurity: GrpcSecurityConfig;
  /** How a process stops on SIGTERM/SIGINT. */
  shutdown: ShutdownConfig;
  runtime: RuntimeConfig;
  database: {
    /** PostgreSQL server; empty means embedded PGlite in dataDir. */
    url: string;
    dataDir: string;
    /**
     * Parameterised SQL texts each session keeps as named prepared statements (parsed once, plans reused);
     * 0 runs every query unnamed, as a transaction-pooling proxy (PgBouncer) needs (DATABASE_PREPARED_STATEMENTS).
     */
    preparedStatements: number;
  };
  /** Redis for BullMQ; empty means the in-process queue. */
  redis: { url: string };
  queue: {
    /** How often storage recreates the jobs PostgreSQL shows as pending and the queue lost (QUEUE_SWEEP_INTERVAL_MS); it also sweeps at start-up. */
    sweepIntervalMs: number;
  };
  sources: ConfiguredSource[];
  /**
   * Values of the environment variables that config.yaml references as "env:VAR" (source request
   * headers such as API keys), read once at load. Options keep the reference, never the value, so
   * secrets are not stored in the database; the crawler resolves them when it fetches.
   */
  secrets: Record<string, string>;
  /**
   * Names of the secrets (environment variables, SOURCE_SECRETS) that sources added through the API
   * may reference in a header ({"secretRef": NAME}); their values are in `secrets`.
   */
  sourceSecrets: string[];
  scheduler: {
    enabled: boolean;
    tickMs: number;
    defaultIntervalSeconds: number;
    batchSize: number;
    /** Consecutive failed checks after which a source is PAUSED (until resumed by hand). */
    pauseAfterFailures: number;
    /** Bounds of the adaptive (effective) interval between two checks of a source. */
    minIntervalSeconds: number;
    maxIntervalSeconds: number;
  };
  crawler: {
    timeoutMs: number;
    maxBytes: number;
    maxRedirects: number;
    userAgent: string;
    /** Hosts or CIDRs that may be fetched even though they are private/loopback (e.g. 127.0.0.1, 10.0.0.0/8). */
    allowHosts: string[];
    concurrency: number;
    /**
     * robots.txt of the sites that web-page sources read (their list and article pages). Feeds,
     * JSON APIs and a feed's full-text pages are not checked: they are subscribed to, as feed readers do.
     */
    robotsTxt: {
      enabled: boolean;
      /** How long a site's robots.txt is reused before it is fetched again. */
      cacheTtlSeconds: number;
      /** Sites whose robots.txt is kept in memory at once (least recently used ones are dropped). */
      maxCachedOrigins: number;
    };
  };
  analysis: AnalysisConfig;
  /** The optional OpenAI-compatible LLM endpoint (abstractive summaries, translation); off when baseUrl is empty. */
  llm: LlmConfig;
  /** WebSub (push) subscriptions to the hubs that feeds advertise. */
  websub: WebSubConfig;
  /** The web reader the gateway serves at / and its sign-in sessions. */
  web: WebConfig;
  /** Request budgets of the gateway's REST and GraphQL API, per API key and per client address. */
  rateLimit: RateLimitConfig;
  /** The per-user event stream, rules, webhooks and digests. */
  push: PushConfig;
  /** Logs, health and metrics endpoints. */
  observability: ObservabilityConfig;
}

/** The processes that can open an HTTP port of their own for health and metrics (distributed mode). */
export type OpsProcessName = ServiceName | 'gateway';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ObservabilityConfig {
  /** Lowest level written (LOG_LEVEL, default info). */
  logLevel: LogLevel;
  /** Human-readable lines instead of JSON (LOG_PRETTY=true; refused when NODE_ENV=production). */
  logPretty: boolean;
  /** Address the health/metrics port binds to (HEALTH_HOST, default 0.0.0.0). */
  healthHost: string;
  /**
   * The health/metrics HTTP port of each process in distributed mode (HEALTH_PORT for whichever
   * service the process runs, HEALTH_PORT_<SERVICE> for one); null: no such port (embedded mode
   * serves health and metrics on the gateway's port). 0 picks a free port.
   */
  healthPorts: Record<OpsProcessName, number | null>;
  /** OpenTelemetry traces, set by the standard OTEL_* variables. */
  tracing: TracingConfig;
}

export interface TracingConfig {
  /**
   * Where spans are sent (OTLP over HTTP): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else
   * OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, else http://localhost:4318/v1/traces when
   * OTEL_TRACES_EXPORTER=otlp. Empty: tracing is off (the default), also with OTEL_TRACES_EXPORTER=none.
   */
  otlpEndpoint: string;
  /** OTEL_SERVICE_NAME; empty: the name of the service the process runs. */
  serviceName: string;
}

/**
 * Service-to-service gRPC security. Every call carries the shared token (metadata
 * `authorization: Bearer <token>`) and every server checks it before any handler runs; with the
 * three TLS files set, channels are mutual TLS as well (each side presents a certificate signed
 * by the CA).
 */
export interface GrpcSecurityConfig {
  /**
   * The token shared by every service of the deployment (GRPC_AUTH_TOKEN). Empty: embedded mode
   * (all services in one process) uses a random token made for the process; distributed mode
   * refuses to start unless allowUnauthenticated is set.
   */
  authToken: string;
  /**
   * Distributed mode without a token (GRPC_ALLOW_UNAUTHENTICATED=true): servers serve any caller
   * that reaches their port, and trust the acting user it names. Only for networks where nothing
   * else can reach the ports.
   */
  allowUnauthenticated: boolean;
  /** PEM files for mutual TLS; all three empty = plaintext channels (GRPC_TLS_CA_FILE, _CERT_FILE, _KEY_FILE). */
  tls: { caFile: string; certFile: string; keyFile: string };
  /** Largest message a server or client accepts (grpc.max_receive_message_length; GRPC_MAX_RECEIVE_MESSAGE_BYTES). */
  maxReceiveMessageBytes: number;
  /** Largest message a server or client sends (grpc.max_send_message_length; GRPC_MAX_SEND_MESSAGE_BYTES). */
  maxSendMessageBytes: number;
  /**
   * The gRPC server reflection service (grpc.reflection.v1 and v1alpha), for tools such as grpcurl
   * and grpcui: on in development, off by default when NODE_ENV=production (GRPC_REFLECTION=true|false
   * overrides). Its calls need the service token like every other call.
   */
  reflection: boolean;
}

export interface RuntimeConfig {
  /**
   * How far V8 lets the JavaScript heap grow past what the last full collection kept before it
   * collects again, in percent (HEAP_GROWING_PERCENT, default 50; 0 = V8's own factor, which
   * reaches 4× under a high allocation rate). A long-running process that allocates fast (every request decodes and
   * encodes messages) otherwise holds several times its live heap; a lower value trades some CPU
   * for a process that stays near what it really keeps.
   */
  heapGrowingPercent: number;
}

export interface ShutdownConfig {
  /**
   * From the signal to the exit (SHUTDOWN_TIMEOUT_MS): in-flight requests, calls and jobs get the
   * first two thirds, closing clients, the database and Redis the rest. A process still stopping
   * then reports what was left and exits 1 (a supervisor then knows the stop was not clean).
   */
  timeoutMs: number;
}

export interface AuthConfig {
  /**
   * Every /api/v1 and /graphql request must carry a user's API key (Authorization: Bearer <key> or
   * X-API-Key), except creating an instance's first account. When false, reading the instance's
   * content needs no key; what each route needs is declared on it (see the gateway's access policies).
   */
  required: boolean;
  /**
   * Once the instance has accounts, instance-wide writes (adding, importing, refreshing and resuming
   * sources, deleting articles) need an administrator's key; true lets callers without a key make them
   * as before the first account (ALLOW_ANONYMOUS_WRITES). Model administration always needs an administrator.
   */
  allowAnonymousWrites: boolean;
  /** How long a verified key is trusted before storage is asked again (revocation takes effect after at most this). */
  keyCacheSeconds: number;
}

export interface ApiConfig {
  /** Largest JSON request body (REST and GraphQL), refused with 413 before it is parsed. */
  maxJsonBodyBytes: number;
  /** Deepest nesting of arrays and objects in a JSON request body, refused with 400 before it is parsed. */
  maxJsonDepth: number;
  /**
   * GraphQL introspection and "did you mean" field suggestions: a map of the schema for tools in
   * development, and for an attacker in production. Off by default when NODE_ENV=production
   * (GRAPHQL_INTROSPECTION=true|false overrides).
   */
  graphQlIntrospection: boolean;
  /**
   * How long the gateway keeps the answer of a public content read (the article list, an article
   * with its similar articles, a story) to serve the same URL again (API_READ_CACHE_MS; 0 = off).
   * Those answers are the same for every caller; access is still checked on every request, and a
   * delete through the gateway drops the cache at once.
   */
  readCacheMs: number;
}

export interface WebSubConfig {
  /** Subscribe to advertised hubs; active only when callbackBaseUrl is set too (a hub must be able to reach us). */
  enabled: boolean;
  /** Public base URL of the gateway as hubs reach it (e.g. https://news.example.org); callbacks are <base>/websub/<source id>. */
  callbackBaseUrl: string;
  /** Lease asked of the hub (hub.lease_seconds); the hub may grant another. */
  leaseSeconds: number;
  /** Polling interval of a source while its subscription is active: a slow safety poll, since the hub pushes new items. */
  pollIntervalSeconds: number;
}

/** When the session cookie carries `Secure`: `auto` = when the request came over https (as Express sees it, TRUST_PROXY included). */
export type CookieSecurity = 'auto' | 'always' | 'never';

export interface WebConfig {
  /** The built web reader (index.html, JavaScript, CSS), served at / and /assets/ (WEB_ASSETS_DIR). */
  assetsDir: string;
  /** How long a sign-in lasts, in days (WEB_SESSION_DAYS). */
  sessionDays: number;
  /** WEB_COOKIE_SECURE. */
  cookieSecure: CookieSecurity;
  /** Sign-in with an OpenID Connect provider (authorization code + PKCE); null = off (no OIDC_ISSUER_URL). */
  oidc: OidcConfig | null;
}

export interface OidcConfig {
  /** The provider's issuer URL; its /.well-known/openid-configuration is read at the first sign-in (OIDC_ISSUER_URL). */
  issuerUrl: string;
  /** OIDC_CLIENT_ID. */
  clientId: string;
  /** OIDC_CLIENT_SECRET; empty for a public client (PKCE only). */
  clientSecret: string;
  /** Where the provider sends the browser back: https://your.host/api/v1/session/oidc/callback (OIDC_REDIRECT_URL). */
  redirectUrl: string;
  /** The provider's name on the sign-in button (OIDC_NAME). */
  name: string;
}

/** Whether WebSub subscriptions are made, or why not (logged once by the service that subscribes). */
export function webSubActivity(websub: WebSubConfig): { active: true } | { active: false; reason: string } {
  if (!websub.enabled) return { active: false, reason: 'websub.enabled is false (WEBSUB_ENABLED)' };
  if (!websub.callbackBaseUrl) {
    return { active: false, reason: 'no public callback URL for hubs is configured (websub.callbackBaseUrl, WEBSUB_CALLBACK_BASE_URL)' };
  }
  return { active: true };
}

/** The inference service: models, execution providers, the dynamic batcher, streams, re-embedding. */
export interface AnalysisConfig {
  modelDir: string;
  /** Largest batch handed to the model (Triton's max_batch_size). */
  maxBatchSize: number;
  /** How long the oldest waiting text may wait for others before a partial batch runs (max_queue_delay). */
  maxQueueDelayMs: number;
  /**
   * The same for the ingestion pipeline's texts (the bulk lane): nobody waits for them, and fuller batches
   * cost the model less per text; interactive requests (Embed, search queries) keep maxQueueDelayMs.
   */
  bulkQueueDelayMs: number;
  /** `analyze` queue jobs handled at once (enough to keep the batcher's batches full). */
  concurrency: number;
  /**
   * Sentence vectors of English extractive summaries: 'word' = the word model (wink-sg100d, ~30× cheaper per
   * sentence; ROUGE-L 1.4 pt below, still 11.7 pt above LEAD-3 on the summary set) or 'embedding' = the default
   * embedding model (SUMMARY_SENTENCE_VECTORS). Summaries embed every sentence, so this decides most of ingestion's cost.
   */
  summarySentenceVectors: 'word' | 'embedding';
  /** Batch sizes flushed without waiting for maxQueueDelayMs (sizes above maxBatchSize are ignored). */
  preferredBatchSizes: number[];
  /** Most padded tokens (batch size × longest text) per batch. */
  maxBatchTokens: number;
  /** Texts that may wait in one model's batcher; more are refused with RESOURCE_EXHAUSTED. */
  maxQueueSize: number;
  /** Execution providers in preference order (cpu is always tried last). */
  executionProviders: string[];
  /**
   * Embedding models in preference order (hub repo ids or local names): the first one installed is
   * the default. A multilingual hub model first; the npm-installed models after it, so an instance
   * without network still runs (and says which preferred model is missing).
   */
  embeddingModels: string[];
  /** Sessions of each model running batches side by side; 0 = min(2, cores). */
  sessionPoolSize: number;
  /** The Hugging Face Hub (or a mirror) that models are pulled from. */
  hubEndpoint: string;
  /** Items of one EmbedStream/AnalyzeStream call worked on at once; the stream is not read further until one finishes. */
  streamMaxInFlight: number;
  reembed: {
    /** Re-embed stored articles in the background when the default model changed. */
    enabled: boolean;
    /** Articles read from storage per page. */
    pageSize: number;
    /** Upper bound of the re-embedding rate, so it never crowds out live ingestion. */
    maxTextsPerSecond: number;
  };
}

export interface LlmConfig {
  /** Base URL of the API (POST {baseUrl}/chat/completions), without a trailing slash; empty = the LLM is off. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; never logged. Empty sends no Authorization header (local servers). */
  apiKey: string;
  /** Tokens (prompt + completion, as the API reports them) this process may spend per UTC day. */
  dailyTokenBudget: number;
  /** Deadline of one call to the endpoint. */
  timeoutMs: number;
  /** Most completion tokens one answer may use. */
  maxOutputTokens: number;
  /**
   * Language code the analysis pipeline writes each article's LLM summary in (translating when the
   * article is in another); empty: the article's own language.
   */
  summaryLanguage: string;
}

/**
 * Largest document a hub may push (gateway → sources → crawler): the crawler's byte limit, within
 * one gRPC message (grpcSecurity.maxReceiveMessageBytes, 4 MiB by default) with room for the other fields.
 */
export function webSubMaxPushBytes(config: Pick<AppConfig, 'crawler' | 'grpcSecurity'>): number {
  const message = Math.min(config.grpcSecurity.maxReceiveMessageBytes, config.grpcSecurity.maxSendMessageBytes);
  return Math.max(0, Math.min(config.crawler.maxBytes, message - 64 * 1024));
}
