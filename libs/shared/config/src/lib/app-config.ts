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

/** How to read a web-page source: CSS selectors on its list page. */
export interface WebPageOptions {
  /** Each element matching it is one item of the list. */
  itemSelector: string;
  /** The item's link, relative to the item ("a" by default; the item itself when it is a link). */
  linkSelector: string;
  /** The item's title, relative to the item; empty: the link's text. */
  titleSelector: string;
}

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
  /** Address each gRPC service listens on and is reached at (host:port). */
  grpc: Record<ServiceName, string>;
  /** Deadline of every gRPC call, in milliseconds. */
  rpcDeadlineMs: number;
  database: {
    /** PostgreSQL server; empty means embedded PGlite in dataDir. */
    url: string;
    dataDir: string;
  };
  /** Redis for BullMQ; empty means the in-process queue. */
  redis: { url: string };
  sources: ConfiguredSource[];
  /**
   * Values of the environment variables that config.yaml references as "env:VAR" (source request
   * headers such as API keys), read once at load. Options keep the reference, never the value, so
   * secrets are not stored in the database; the crawler resolves them when it fetches.
   */
  secrets: Record<string, string>;
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
  };
  analysis: { modelDir: string; maxBatchSize: number; maxQueueDelayMs: number; concurrency: number };
}
