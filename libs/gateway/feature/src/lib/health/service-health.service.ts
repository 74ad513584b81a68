import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ErrorCode, isDomainError } from '@autoglm/shared-errors';
import {
  ANALYSIS_CLIENT,
  RECOMMENDER_CLIENT,
  SOURCES_CLIENT,
  STORAGE_CLIENT,
  type AnalysisClient,
  type RecommenderClient,
  type SourcesClient,
  type StorageClient,
} from '@autoglm/shared-grpc';
import { PROBED_SERVICES, type HealthDto, type HealthStatus, type ProbedService, type ServiceState } from './health.dto';

/** Milliseconds a health probe may take before its service counts as down. */
export const HEALTH_PROBE_TIMEOUT_MS = Symbol('HEALTH_PROBE_TIMEOUT_MS');

/** Milliseconds between two background probes of every backend. */
export const HEALTH_REFRESH_INTERVAL_MS = Symbol('HEALTH_REFRESH_INTERVAL_MS');

/** Codes that prove the service is broken or unreachable; any other answer, even a refusal, proves it is up. */
const DOWN_CODES: ReadonlySet<ErrorCode> = new Set([ErrorCode.Unavailable, ErrorCode.DeadlineExceeded, ErrorCode.Internal]);

/**
 * The state of every backend service, probed with a cheap call each in the background and kept:
 * a health request reads the last probe instead of making four gRPC calls (readiness probes and
 * load balancers ask often, and must not add load to what they watch). The first request waits for
 * the first probe; from then on probes repeat every HEALTH_REFRESH_INTERVAL_MS, one at a time, so
 * the answer is at most one interval plus one probe timeout old.
 */
@Injectable()
export class ServiceHealth implements OnModuleDestroy {
  private readonly probes: Record<ProbedService, () => Promise<unknown>>;
  private last: HealthDto | undefined;
  private running: Promise<HealthDto> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(STORAGE_CLIENT) storage: StorageClient,
    @Inject(SOURCES_CLIENT) sources: SourcesClient,
    @Inject(ANALYSIS_CLIENT) analysis: AnalysisClient,
    @Inject(RECOMMENDER_CLIENT) recommender: RecommenderClient,
    @Inject(HEALTH_PROBE_TIMEOUT_MS) private readonly timeoutMs: number,
    @Inject(HEALTH_REFRESH_INTERVAL_MS) private readonly refreshMs: number,
  ) {
    this.probes = {
      // One row through the database: storage is only useful when PostgreSQL answers.
      storage: () => storage.listArticles({ limit: 1, cursor: '', sourceId: '', topic: '', language: '', withoutContent: true }),
      // Lookups of an empty id are rejected by the service itself, without further calls.
      sources: () => sources.getSource({ id: '' }),
      // A call acting for no one is rejected by the recommender itself, without further calls.
      recommender: () => recommender.getRecommendations({ limit: 1 }),
      analysis: () => analysis.getModelInfo({}),
    };
  }

  /** The last probe's result (the first call waits for the first probe). */
  async check(): Promise<HealthDto> {
    if (this.last) return this.last;
    if (!this.timer) {
      this.timer = setInterval(() => void this.refresh(), this.refreshMs);
      // Probing must never keep a process alive that is otherwise done.
      this.timer.unref();
    }
    return this.refresh();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Probes every service now, unless a probe is already under way (then its result). */
  private refresh(): Promise<HealthDto> {
    this.running ??= this.probeAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async probeAll(): Promise<HealthDto> {
    const states = await Promise.all(PROBED_SERVICES.map(async (name) => [name, await this.probe(this.probes[name])] as const));
    const services = Object.fromEntries(states) as Record<ProbedService, ServiceState>;
    this.last = { status: overall(services), services };
    return this.last;
  }

  private async probe(call: () => Promise<unknown>): Promise<ServiceState> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ServiceState>((resolve) => {
      timer = setTimeout(() => resolve('down'), this.timeoutMs);
    });
    const answer = call().then(
      (): ServiceState => 'up',
      (error: unknown): ServiceState => (isDomainError(error) && !DOWN_CODES.has(error.code) ? 'up' : 'down'),
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Without storage the gateway can serve nothing (unavailable: not ready). Without another service
 * only some features fail (degraded), and every gateway replica would fail alike: taking them all out
 * of service would turn a partial outage into a full one.
 */
function overall(services: Record<ProbedService, ServiceState>): HealthStatus {
  if (services.storage === 'down') return 'unavailable';
  return PROBED_SERVICES.every((name) => services[name] === 'up') ? 'ok' : 'degraded';
}
