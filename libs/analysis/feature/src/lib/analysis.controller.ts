import { setMaxListeners } from 'node:events';
import { Controller, Inject } from '@nestjs/common';
import { status, type Metadata } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import { analysis } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError, isDomainError } from '@autoglm/shared-errors';
import { grpcStatusOf } from '@autoglm/shared-grpc';
import { AnalysisService, type ArticleAnalysis, type ModelDescription } from './analysis.service';
import type { DistributionSnapshot } from './batching/distribution';
import type { DynamicBatcherMetrics, Priority } from './batching/dynamic-batcher';
import type { InferenceOptions, TextEmbedding } from './embedding.service';
import type { InstalledModelSummary } from './hub/installed-models';
import { ModelPullJobs, type PullJob } from './hub/model-pull-jobs.service';
import { ReembedWorker, type ReembedProgress } from './reembed/reembed-worker';
import { boundedStream, type StreamFlow } from './streaming/bounded-stream';
import { LlmArticleSummaries } from './llm/llm-article-summaries';
import { SummaryService, type SummaryMode } from './summary/summary.service';
import { isChinese } from './language/language-detector';
import type { ProviderStatus } from './providers/execution-provider.registry';

/** The part of a grpc-js server call the controller reads: its deadline and its cancellation. */
export interface GrpcCallContext {
  getDeadline(): Date | number;
  readonly cancelled?: boolean;
  once(event: 'cancelled', listener: () => void): unknown;
}

/** A grpc-js bidirectional call as a stream method sees it: readable (pausable) and writable (with drain). */
export interface GrpcStreamContext extends GrpcCallContext {
  pause(): unknown;
  resume(): unknown;
  readonly writableNeedDrain?: boolean;
  once(event: 'cancelled' | 'drain', listener: () => void): unknown;
}

@Controller()
@analysis.AnalysisServiceControllerMethods()
export class AnalysisController implements analysis.AnalysisServiceController {
  constructor(
    private readonly service: AnalysisService,
    private readonly summaries: SummaryService,
    private readonly pulls: ModelPullJobs,
    private readonly reembedding: ReembedWorker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly llmSummaries: LlmArticleSummaries,
  ) {}

  // Streams carry bulk work: the batcher's bulk lane, so interactive calls go first.
  embedStream(
    requests: Observable<analysis.EmbedStreamRequest>,
    _metadata?: Metadata,
    call?: GrpcStreamContext,
  ): Observable<analysis.EmbedStreamResponse> {
    const options = mapCallOptions(call, 'bulk');
    return boundedStream(requests, (r) => this.embedItem(r, options), this.streamOptions(call));
  }

  analyzeStream(
    requests: Observable<analysis.AnalyzeStreamRequest>,
    _metadata?: Metadata,
    call?: GrpcStreamContext,
  ): Observable<analysis.AnalyzeStreamResponse> {
    const options = mapCallOptions(call, 'bulk');
    return boundedStream(requests, (r) => this.analyzeItem(r, options), this.streamOptions(call));
  }

  async pullModel(request: analysis.PullModelRequest): Promise<analysis.PullModelResponse> {
    const { job, created } = this.pulls.start({ repoId: request.repoId ?? '', revision: request.revision ?? '', quantized: request.quantized ?? false });
    return { job: mapPullJob(job), created };
  }

  async getPullJob(request: analysis.GetPullJobRequest): Promise<analysis.GetPullJobResponse> {
    return { job: mapPullJob(this.pulls.get(request.jobId ?? '')) };
  }

  async listModels(): Promise<analysis.ListModelsResponse> {
    return { models: this.service.installedModels().map(mapInstalledModel) };
  }

  async getLlmStatus(): Promise<analysis.GetLlmStatusResponse> {
    return { status: await this.llmSummaries.status() };
  }

  async getReembedProgress(): Promise<analysis.GetReembedProgressResponse> {
    return { progress: mapReembedProgress(this.reembedding.progress()) };
  }

  private streamOptions(call: GrpcStreamContext | undefined) {
    return { maxInFlight: this.config.analysis.streamMaxInFlight, flow: call ? streamFlowOf(call) : undefined };
  }

  private async embedItem(request: analysis.EmbedStreamRequest, options: InferenceOptions): Promise<analysis.EmbedStreamResponse> {
    const id = request.id ?? '';
    try {
      if (!id) throw DomainError.invalidArgument('id is required (answers carry it)');
      const { embedding, modelVersion } = await this.service.embedText(request.text ?? '', request.model ?? '', options);
      return { id, embedding: mapEmbedding(embedding), modelVersion, error: undefined };
    } catch (error) {
      return { id, embedding: undefined, modelVersion: '', error: mapItemError(error) };
    }
  }

  private async analyzeItem(request: analysis.AnalyzeStreamRequest, options: InferenceOptions): Promise<analysis.AnalyzeStreamResponse> {
    const id = request.id ?? '';
    try {
      if (!id) throw DomainError.invalidArgument('id is required (answers carry it)');
      return { id, analysis: mapAnalysis(await this.service.analyze(request.title ?? '', request.text ?? '', options)), error: undefined };
    } catch (error) {
      return { id, analysis: undefined, error: mapItemError(error) };
    }
  }

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

  async briefSentences(request: analysis.BriefSentencesRequest, _metadata?: Metadata, call?: GrpcCallContext): Promise<analysis.BriefSentencesResponse> {
    const documents = request.documents.map((d) => ({ id: d.id, title: d.title, text: d.text, chinese: isChinese(d.language), read: d.read }));
    const sentences = await this.summaries.brief(documents, request.limit, mapCallOptions(call, 'interactive'));
    return { sentences: sentences.map((s) => ({ documentId: s.documentId, text: s.text, score: s.score, novelty: s.novelty })) };
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

/** Reading pauses and resumes on the call itself; answers wait while its write buffer needs draining. */
export function streamFlowOf(call: GrpcStreamContext): StreamFlow {
  return {
    pause: () => void call.pause(),
    resume: () => void call.resume(),
    outputBlocked: () => call.writableNeedDrain === true,
    onceOutputDrained: (callback) => void call.once('drain', callback),
  };
}

/** A per-item failure: domain errors keep their code and message; anything else is INTERNAL without internals. */
export function mapItemError(error: unknown): analysis.StreamItemError {
  if (isDomainError(error)) return { code: grpcStatusOf(error.code), message: error.message };
  if ((error as { name?: unknown })?.name === 'AbortError') return { code: status.CANCELLED, message: 'the call was cancelled' };
  return { code: status.INTERNAL, message: 'the item could not be processed' };
}

const PULL_JOB_STATES: Record<PullJob['state'], analysis.PullJobState> = {
  running: analysis.PullJobState.PULL_JOB_STATE_RUNNING,
  succeeded: analysis.PullJobState.PULL_JOB_STATE_SUCCEEDED,
  failed: analysis.PullJobState.PULL_JOB_STATE_FAILED,
};

export function mapPullJob(job: PullJob): analysis.PullJob {
  return {
    id: job.id,
    repoId: job.repoId,
    revision: job.revision,
    state: PULL_JOB_STATES[job.state],
    bytesDone: String(job.bytesDone),
    bytesTotal: String(job.bytesTotal),
    currentFile: job.currentFile,
    error: job.error,
    modelName: job.modelName,
    startedAtMs: String(job.startedAt),
    finishedAtMs: String(job.finishedAt),
  };
}

export function mapInstalledModel(m: InstalledModelSummary): analysis.InstalledModel {
  return {
    name: m.name,
    version: m.version,
    dimension: m.dimension,
    license: m.license,
    source: m.source,
    tokenizer: m.tokenizer,
    pooling: m.pooling,
    maxTokens: m.maxTokens,
    isDefault: m.isDefault,
    problem: m.problem,
  };
}

export function mapReembedProgress(p: ReembedProgress): analysis.ReembedProgress {
  return {
    modelVersion: p.modelVersion,
    state: p.state,
    done: String(p.done),
    remaining: String(p.remaining),
    skipped: String(p.skipped),
    error: p.error,
  };
}
