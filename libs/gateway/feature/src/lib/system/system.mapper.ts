import type { analysis } from '@autoglm/contracts';
import type {
  BatcherMetricsDto,
  BatcherSettingsDto,
  DistributionDto,
  ExecutionProviderDto,
  LlmStatusDto,
  ModelInfoDto,
  ProviderAttemptDto,
  ReembedProgressDto,
} from './model-info.dto';

/** int64 counters arrive as decimal strings (longs: String). */
const count = (value: string): number => Number(value) || 0;

export function mapExecutionProvider(p: analysis.ExecutionProviderStatus): ExecutionProviderDto {
  return {
    name: p.name,
    ortName: p.ortName,
    kind: p.kind,
    description: p.description,
    available: p.available,
    bundled: p.bundled,
    chosen: p.chosen,
    preferenceRank: p.preferenceRank,
    reason: p.reason,
  };
}

export function mapProviderAttempt(a: analysis.ProviderAttempt): ProviderAttemptDto {
  return { provider: a.provider, outcome: a.outcome, reason: a.reason };
}

export function mapBatcherSettings(b: analysis.BatcherSettings): BatcherSettingsDto {
  return {
    maxBatchSize: b.maxBatchSize,
    maxQueueDelayMs: b.maxQueueDelayMs,
    preferredBatchSizes: [...b.preferredBatchSizes],
    maxBatchTokens: b.maxBatchTokens,
    maxQueueSize: b.maxQueueSize,
    maxConcurrentBatches: b.maxConcurrentBatches,
    priorityLanes: [...b.priorityLanes],
  };
}

export function mapDistribution(d: analysis.Distribution | undefined): DistributionDto {
  if (!d) return { count: 0, sum: 0, max: 0, buckets: [] };
  return { count: count(d.count), sum: d.sum, max: d.max, buckets: d.buckets.map((b) => ({ upperBound: b.upperBound, count: count(b.count) })) };
}

export function mapBatcherMetrics(m: analysis.BatcherMetrics): BatcherMetricsDto {
  return {
    submitted: count(m.submitted),
    completed: count(m.completed),
    failed: count(m.failed),
    rejected: count(m.rejected),
    expired: count(m.expired),
    cancelled: count(m.cancelled),
    batches: count(m.batches),
    waiting: m.waiting,
    running: m.running,
    waitingByLane: m.waitingByLane.map((l) => ({ lane: l.lane, waiting: l.waiting })),
    batchSize: mapDistribution(m.batchSize),
    queueWaitMs: mapDistribution(m.queueWaitMs),
    modelTimeMs: mapDistribution(m.modelTimeMs),
    paddingEfficiency: m.paddingEfficiency,
  };
}

export function mapReembedProgress(p: analysis.ReembedProgress): ReembedProgressDto {
  return {
    model: p.modelVersion,
    state: p.state,
    done: count(p.done),
    remaining: count(p.remaining),
    skipped: count(p.skipped),
    error: p.error === '' ? null : p.error,
  };
}

export function mapLlmStatus(s: analysis.LlmStatus): LlmStatusDto {
  return {
    enabled: s.enabled,
    model: s.model,
    summaryLanguage: s.summaryLanguage || null,
    budgetScope: s.budgetScope || null,
    dailyTokenBudget: count(s.dailyTokenBudget),
    spentToday: count(s.spentToday),
    exhausted: s.exhausted,
    summaries: count(s.summaries),
    skippedForBudget: count(s.skippedForBudget),
    failures: count(s.failures),
    lastError: s.lastError || null,
  };
}

export function mapModelInfo(
  model: analysis.ModelInfo,
  reembed: analysis.ReembedProgress | undefined = undefined,
  llm: analysis.LlmStatus | undefined = undefined,
): ModelInfoDto {
  return {
    name: model.name,
    version: model.version,
    dimension: model.dimension,
    sha256: model.sha256,
    license: model.license,
    source: model.source,
    executionProvider: model.executionProvider,
    maxBatchSize: model.maxBatchSize,
    maxQueueDelayMs: model.maxQueueDelayMs,
    // Repeated fields may be absent when an older analysis service answers.
    providerAttempts: (model.providerAttempts ?? []).map(mapProviderAttempt),
    sessionPoolSize: model.sessionPoolSize ?? 0,
    batcher: model.batcher ? mapBatcherSettings(model.batcher) : null,
    metrics: model.metrics ? mapBatcherMetrics(model.metrics) : null,
    providers: (model.providers ?? []).map(mapExecutionProvider),
    reembed: reembed ? mapReembedProgress(reembed) : null,
    llm: llm ? mapLlmStatus(llm) : null,
  };
}
