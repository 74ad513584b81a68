import { setMaxListeners } from 'node:events';
import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { analysis } from '@autoglm/contracts';
import { AnalysisService, type ArticleAnalysis, type ModelDescription } from './analysis.service';
import type { DistributionSnapshot } from './batching/distribution';
import type { DynamicBatcherMetrics, Priority } from './batching/dynamic-batcher';
import type { InferenceOptions, TextEmbedding } from './embedding.service';
import { DomainError } from '@autoglm/shared-errors';
import { SummaryService, type SummaryMode } from './summary/summary.service';
import type { ProviderStatus } from './providers/execution-provider.registry';

/** The part of a grpc-js server call the controller reads: its deadline and its cancellation. */
export interface GrpcCallContext {
  getDeadline(): Date | number;
  readonly cancelled?: boolean;
  once(event: 'cancelled', listener: () => void): unknown;
}

@Controller()
@analysis.AnalysisServiceControllerMethods()
export class AnalysisController implements analysis.AnalysisServiceController {
  constructor(
    private readonly service: AnalysisService,
    private readonly summaries: SummaryService,
  ) {}

  // A user waits on Embed and Analyze calls: they take the interactive lane.
  async embed(request: analysis.EmbedRequest, _metadata?: Metadata, call?: GrpcCallContext): Promise<analysis.EmbedResponse> {
    const result = await this.service.embed(request.texts ?? [], request.model ?? '', mapCallOptions(call, 'interactive'));
    return { embeddings: result.embeddings.map(mapEmbedding), modelVersion: result.modelVersion };
  }

  async embedQueries(
    request: analysis.EmbedQueriesRequest,
    _metadata?: Metadata,
    call?: GrpcCallContext,
  ): Promise<analysis.EmbedQueriesResponse> {
    const options: InferenceOptions = { ...mapCallOptions(call, 'interactive'), role: 'query' };
    const result = await this.service.embed(request.texts ?? [], request.model ?? '', options);
    return { embeddings: result.embeddings.map(mapEmbedding), modelVersion: result.modelVersion };
  }

  async analyze(request: analysis.AnalyzeRequest, _metadata?: Metadata, call?: GrpcCallContext): Promise<analysis.AnalyzeResponse> {
    return mapAnalysis(await this.service.analyze(request.title ?? '', request.text ?? '', mapCallOptions(call, 'interactive')));
  }

  async getModelInfo(): Promise<analysis.GetModelInfoResponse> {
    return { model: mapModelInfo(await this.service.describeModel('')) };
  }

  async describeModel(request: analysis.DescribeModelRequest): Promise<analysis.DescribeModelResponse> {
    return mapModelDescription(await this.service.describeModel(request.model ?? ''));
  }

  async summarize(request: analysis.SummarizeRequest, _metadata?: Metadata, call?: GrpcCallContext): Promise<analysis.SummarizeResponse> {
    const result = await this.summaries.summarize(
      { title: request.title ?? '', text: request.text ?? '', mode: mapSummaryMode(request.mode), targetLanguage: request.targetLanguage ?? '' },
      mapCallOptions(call, 'interactive'),
    );
    return {
      summary: result.summary,
      mode: result.mode === 'abstractive' ? analysis.SummaryMode.SUMMARY_MODE_ABSTRACTIVE : analysis.SummaryMode.SUMMARY_MODE_EXTRACTIVE,
      language: result.language,
      model: result.model,
      llmTokens: result.llmTokens,
    };
  }
}

/** The call's deadline (an expired request never reaches the model) and its cancellation, as batcher options. */
export function mapCallOptions(call: GrpcCallContext | undefined, priority: Priority): InferenceOptions {
  const options: InferenceOptions = { priority };
  if (!call) return options;
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  if (Number.isFinite(ms)) options.deadline = ms;
  const controller = new AbortController();
  // Every text of the call waits in the batcher with its own abort listener (up to 256 per Embed).
  setMaxListeners(0, controller.signal);
  if (call.cancelled) controller.abort();
  else call.once('cancelled', () => controller.abort());
  options.signal = controller.signal;
  return options;
}

export function mapSummaryMode(mode: analysis.SummaryMode | undefined): SummaryMode {
  switch (mode) {
    case analysis.SummaryMode.SUMMARY_MODE_ABSTRACTIVE:
      return 'abstractive';
    case analysis.SummaryMode.SUMMARY_MODE_EXTRACTIVE:
    case analysis.SummaryMode.SUMMARY_MODE_UNSPECIFIED:
    case undefined:
      return 'extractive';
    default:
      throw DomainError.invalidArgument(`summary mode ${String(mode)} is not one of extractive, abstractive`);
  }
}

export function mapModelDescription(d: ModelDescription): analysis.DescribeModelResponse {
  return {
    model: mapModelInfo(d),
    pooling: d.pooling,
    tokenizer: d.tokenizer,
    maxTokens: d.maxTokens,
    isDefault: d.isDefault,
    queryPrefix: d.prefixes.query,
    passagePrefix: d.prefixes.passage,
    installedModels: d.installedModels,
  };
}

export function mapEmbedding(e: TextEmbedding): analysis.Embedding {
  return { vector: Array.from(e.vector), knownTokens: e.knownTokens, truncated: e.truncated };
}

export function mapAnalysis(a: ArticleAnalysis): analysis.AnalyzeResponse {
  return {
    language: a.language,
    keywords: a.keywords,
    topic: a.topic,
    summary: a.summary,
    embedding: mapEmbedding(a.embedding),
    simhash: a.simhash,
    modelVersion: a.modelVersion,
  };
}

export function mapProviderStatus(p: ProviderStatus): analysis.ExecutionProviderStatus {
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

function mapDistribution(d: DistributionSnapshot): analysis.Distribution {
  return {
    count: String(d.count),
    sum: d.sum,
    max: d.max,
    buckets: d.buckets.map((b) => ({ upperBound: b.upperBound, count: String(b.count) })),
  };
}

export function mapBatcherMetrics(m: DynamicBatcherMetrics): analysis.BatcherMetrics {
  return {
    submitted: String(m.submitted),
    completed: String(m.completed),
    failed: String(m.failed),
    rejected: String(m.rejected),
    expired: String(m.expired),
    cancelled: String(m.cancelled),
    batches: String(m.batches),
    waiting: m.waiting,
    running: m.running,
    waitingByLane: Object.entries(m.waitingByLane).map(([lane, waiting]) => ({ lane, waiting })),
    batchSize: mapDistribution(m.batchSize),
    queueWaitMs: mapDistribution(m.queueWaitMs),
    modelTimeMs: mapDistribution(m.modelTimeMs),
    paddingEfficiency: m.paddingEfficiency,
  };
}

export function mapModelInfo(d: ModelDescription): analysis.ModelInfo {
  return {
    name: d.name,
    version: d.version,
    dimension: d.dimension,
    sha256: d.sha256,
    license: d.license,
    source: d.source,
    executionProvider: d.executionProvider,
    maxBatchSize: d.maxBatchSize,
    maxQueueDelayMs: d.maxQueueDelayMs,
    providerAttempts: d.providerAttempts.map((a) => ({ provider: a.provider, outcome: a.outcome, reason: a.reason })),
    sessionPoolSize: d.sessionPoolSize,
    batcher: { ...d.batcher, preferredBatchSizes: [...d.batcher.preferredBatchSizes], priorityLanes: [...d.batcher.priorityLanes] },
    metrics: mapBatcherMetrics(d.metrics),
    providers: d.providers.map(mapProviderStatus),
  };
}
