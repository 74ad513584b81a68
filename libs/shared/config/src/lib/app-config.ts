/** Injection token of the validated configuration (one object, validated once at boot). */
export const APP_CONFIG = Symbol('APP_CONFIG');

export type ServiceName = 'storage' | 'sources' | 'crawler' | 'analysis' | 'recommender';

export interface ConfiguredSource {
  url: string;
  title: string;
  intervalSeconds: number;
  /** Fetch each new item's page and keep its extracted main content (feeds that carry teasers). */
  fullText: boolean;
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
