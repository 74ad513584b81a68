import { Inject, Injectable } from '@nestjs/common';
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
import { PROBED_SERVICES, type HealthDto, type ProbedService, type ServiceState } from './health.dto';

/** Milliseconds a health probe may take before its service counts as down. */
export const HEALTH_PROBE_TIMEOUT_MS = Symbol('HEALTH_PROBE_TIMEOUT_MS');

/** Codes that prove the service is broken or unreachable; any other answer, even a refusal, proves it is up. */
const DOWN_CODES: ReadonlySet<ErrorCode> = new Set([ErrorCode.Unavailable, ErrorCode.DeadlineExceeded, ErrorCode.Internal]);

/** Probes every backend service with a cheap call. */
@Injectable()
export class ServiceHealth {
  private readonly probes: Record<ProbedService, () => Promise<unknown>>;

  constructor(
    @Inject(STORAGE_CLIENT) storage: StorageClient,
    @Inject(SOURCES_CLIENT) sources: SourcesClient,
    @Inject(ANALYSIS_CLIENT) analysis: AnalysisClient,
    @Inject(RECOMMENDER_CLIENT) recommender: RecommenderClient,
    @Inject(HEALTH_PROBE_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {
    this.probes = {
      // One row through the database: storage is only useful when PostgreSQL answers.
      storage: () => storage.listArticles({ limit: 1, cursor: '', sourceId: '', topic: '', language: '' }),
      // Lookups of an empty id are rejected by the service itself, without further calls.
      sources: () => sources.getSource({ id: '' }),
      recommender: () => recommender.getRecommendations({ userId: '', limit: 1 }),
      analysis: () => analysis.getModelInfo({}),
    };
  }

  async check(): Promise<HealthDto> {
    const states = await Promise.all(PROBED_SERVICES.map(async (name) => [name, await this.probe(this.probes[name])] as const));
    const services = Object.fromEntries(states) as Record<ProbedService, ServiceState>;
    const allUp = states.every(([, state]) => state === 'up');
    return { status: allUp ? 'ok' : 'degraded', services };
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
