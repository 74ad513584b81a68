import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's one metrics registry: every service of the process records into it, and /metrics
 * (the health port, or the gateway in embedded mode) serves it. Names carry their unit
 * (_seconds, _bytes, _total); labels are bounded sets (route templates and RPC method names, never
 * raw URLs or ids).
 */
export const metricsRegistry = new Registry();

/** Node.js process metrics: CPU, resident memory, heap, event-loop lag, GC, handles. */
collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 20 });

/** Seconds: from 1 ms to 30 s, for request, RPC and job durations. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: model calls and batch waits are shorter than requests. */
const FINE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Long jobs (a crawl with full-text pages) and queue waits behind a backlog. */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

export const httpRequestDuration = new Histogram({
  name: 'autoglm_http_request_duration_seconds',
  help: 'Gateway HTTP requests: time from arrival to the end of the response, by method, route template and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const rpcServerDuration = new Histogram({
  name: 'autoglm_rpc_server_duration_seconds',
  help: 'gRPC calls served: handler time by service, method and gRPC status code.',
  labelNames: ['service', 'method', 'code'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const rpcClientDuration = new Histogram({
  name: 'autoglm_rpc_client_duration_seconds',
  help: 'gRPC calls made to another service: time until the answer, by service called, method and gRPC status code.',
  labelNames: ['service', 'method', 'code'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const queueJobDuration = new Histogram({
  name: 'autoglm_queue_job_duration_seconds',
  help: 'Queue jobs run by this process: handler time by queue and outcome (completed, failed).',
  labelNames: ['queue', 'outcome'] as const,
  buckets: JOB_BUCKETS,
  registers: [metricsRegistry],
});

export const queueJobWait = new Histogram({
  name: 'autoglm_queue_job_wait_seconds',
  help: 'Queue jobs: time from being added to starting to run, by queue.',
  labelNames: ['queue'] as const,
  buckets: JOB_BUCKETS,
  registers: [metricsRegistry],
});

/** Queues whose depth this process reports, each read when /metrics is scraped. */
const depthReaders = new Map<string, () => Promise<number>>();

export const queueDepth = new Gauge({
  name: 'autoglm_queue_depth',
  help: 'Jobs waiting or running in each queue, read at scrape time.',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await Promise.all(
      [...depthReaders].map(async ([queue, read]) => {
        // A queue that cannot answer (Redis down) is left out of this scrape rather than failing it.
        const depth = await read().catch(() => undefined);
        if (depth !== undefined) this.set({ queue }, depth);
      }),
    );
  },
});

/** Reports the depth of `queue` at every scrape until the returned function is called. */
export function reportQueueDepth(queue: string, read: () => Promise<number>): () => void {
  depthReaders.set(queue, read);
  return () => {
    if (depthReaders.get(queue) === read) depthReaders.delete(queue);
  };
}

export const batcherBatchSize = new Histogram({
  name: 'autoglm_batcher_batch_size',
  help: 'Dynamic batcher: texts per batch sent to a model, by the highest priority lane in the batch.',
  labelNames: ['lane'] as const,
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  registers: [metricsRegistry],
});

export const batcherQueueWait = new Histogram({
  name: 'autoglm_batcher_queue_wait_seconds',
  help: 'Dynamic batcher: time a request waited in the batch queue before its batch started, by priority lane.',
  labelNames: ['lane'] as const,
  buckets: FINE_BUCKETS,
  registers: [metricsRegistry],
});

export const modelInferenceDuration = new Histogram({
  name: 'autoglm_model_inference_duration_seconds',
  help: 'One model call on one batch, by model and execution provider.',
  labelNames: ['model', 'provider'] as const,
  buckets: FINE_BUCKETS,
  registers: [metricsRegistry],
});

/** What a cache counts itself (kept by the cache on its hot path; read at scrape time). */
export interface CacheCounts {
  readonly l1Hits: number;
  readonly l2Hits: number;
  readonly misses: number;
}

const cacheCounts = new Map<string, () => CacheCounts>();

/** Reports the counts of `cache` at every scrape until the returned function is called. */
export function reportCacheCounts(cache: string, read: () => CacheCounts): () => void {
  cacheCounts.set(cache, read);
  return () => {
    if (cacheCounts.get(cache) === read) cacheCounts.delete(cache);
  };
}

export const cacheHits = new Counter({
  name: 'autoglm_cache_hits_total',
  help: 'Cache lookups answered from the cache, by cache and level (l1 in-process, l2 Redis).',
  labelNames: ['cache', 'level'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [cache, read] of cacheCounts) {
      const counts = read();
      this.inc({ cache, level: 'l1' }, counts.l1Hits);
      this.inc({ cache, level: 'l2' }, counts.l2Hits);
    }
  },
});

export const cacheMisses = new Counter({
  name: 'autoglm_cache_misses_total',
  help: 'Cache lookups that had to load the value, by cache.',
  labelNames: ['cache'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [cache, read] of cacheCounts) this.inc({ cache }, read().misses);
  },
});

export const fetchOutcomes = new Counter({
  name: 'autoglm_fetch_total',
  help: 'Outbound fetches of the crawler by outcome: ok, not_modified, or the kind of error.',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const fetchedBytes = new Counter({
  name: 'autoglm_fetch_body_bytes_total',
  help: 'Bytes of fetched bodies after decompression.',
  registers: [metricsRegistry],
});

export const articlesIngested = new Counter({
  name: 'autoglm_articles_ingested_total',
  help: 'Articles written by storage from crawled items, by result (inserted, updated).',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

export const articlesAnalysed = new Counter({
  name: 'autoglm_articles_analysed_total',
  help: 'Articles whose analysis results storage recorded.',
  registers: [metricsRegistry],
});
