import { ApiProperty } from '@nestjs/swagger';

/** A registered execution provider and what the analysis service found out about it at start-up. */
export class ExecutionProviderDto {
  @ApiProperty({ example: 'cuda', description: 'Registry name (cpu, cuda, tensorrt, webgpu, cann, qnn, coreml, directml, openvino).' })
  name!: string;

  @ApiProperty({ example: 'cuda', description: 'The name ONNX Runtime knows the provider by.' })
  ortName!: string;

  @ApiProperty({ enum: ['cpu', 'gpu', 'npu'] })
  kind!: string;

  @ApiProperty({ example: 'NVIDIA CUDA' })
  description!: string;

  @ApiProperty({ description: 'Usable on this machine with this onnxruntime-node build.' })
  available!: boolean;

  @ApiProperty({ description: 'Its binaries ship inside onnxruntime-node.' })
  bundled!: boolean;

  @ApiProperty({ description: 'The model runs on it.' })
  chosen!: boolean;

  @ApiProperty({ example: 2, description: '1-based place in the preference order; 0 when not preferred.' })
  preferenceRank!: number;

  @ApiProperty({ example: 'NVIDIA CUDA is supported by this build but not installed: libonnxruntime_providers_cuda.so is missing' })
  reason!: string;
}

/** One step of the start-up fallback: skipped (unavailable), failed (session not created) or chosen. */
export class ProviderAttemptDto {
  @ApiProperty({ example: 'cuda' })
  provider!: string;

  @ApiProperty({ enum: ['skipped', 'failed', 'chosen'] })
  outcome!: string;

  @ApiProperty()
  reason!: string;
}

/** The dynamic batcher's settings (Triton's vocabulary). */
export class BatcherSettingsDto {
  @ApiProperty()
  maxBatchSize!: number;

  @ApiProperty()
  maxQueueDelayMs!: number;

  @ApiProperty({ type: [Number], description: 'Batch sizes flushed without waiting for maxQueueDelayMs.' })
  preferredBatchSizes!: number[];

  @ApiProperty({ description: 'Most padded tokens (batch size × longest text) per batch; 0 means no cap.' })
  maxBatchTokens!: number;

  @ApiProperty({ description: 'Requests that may wait; more are refused with 429. 0 means unbounded.' })
  maxQueueSize!: number;

  @ApiProperty({ description: 'Batches running at once (one per session of the pool).' })
  maxConcurrentBatches!: number;

  @ApiProperty({ type: [String], example: ['interactive', 'bulk'], description: 'Priority lanes, highest first.' })
  priorityLanes!: string[];
}

export class HistogramBucketDto {
  @ApiProperty({ description: 'Counts observations above the previous bound and at most this one.' })
  upperBound!: number;

  @ApiProperty()
  count!: number;
}

/** Observations summarised; those above the last bound appear only in `count`. */
export class DistributionDto {
  @ApiProperty()
  count!: number;

  @ApiProperty()
  sum!: number;

  @ApiProperty()
  max!: number;

  @ApiProperty({ type: [HistogramBucketDto] })
  buckets!: HistogramBucketDto[];
}

export class LaneQueueDto {
  @ApiProperty({ example: 'interactive' })
  lane!: string;

  @ApiProperty()
  waiting!: number;
}

/** Live counters of the batcher since the service started. */
export class BatcherMetricsDto {
  @ApiProperty()
  submitted!: number;

  @ApiProperty()
  completed!: number;

  @ApiProperty({ description: 'Requests whose batch failed in the model.' })
  failed!: number;

  @ApiProperty({ description: 'Requests refused because the queue was full.' })
  rejected!: number;

  @ApiProperty({ description: 'Requests whose deadline passed before they reached the model.' })
  expired!: number;

  @ApiProperty()
  cancelled!: number;

  @ApiProperty()
  batches!: number;

  @ApiProperty()
  waiting!: number;

  @ApiProperty()
  running!: number;

  @ApiProperty({ type: [LaneQueueDto] })
  waitingByLane!: LaneQueueDto[];

  @ApiProperty({ type: DistributionDto, description: 'Requests per batch.' })
  batchSize!: DistributionDto;

  @ApiProperty({ type: DistributionDto, description: 'Milliseconds from arrival to the start of the batch.' })
  queueWaitMs!: DistributionDto;

  @ApiProperty({ type: DistributionDto, description: 'Milliseconds one batch spent in the model.' })
  modelTimeMs!: DistributionDto;

  @ApiProperty({ description: 'Real tokens / padded tokens over every batch (1 = no padding).' })
  paddingEfficiency!: number;
}

/** The background re-embedding of stored articles with the default model (after a model switch). */
export class ReembedProgressDto {
  @ApiProperty({ example: 'wink-sg100d@1.0.0', description: 'The model version articles are re-embedded with.' })
  model!: string;

  @ApiProperty({ enum: ['disabled', 'idle', 'running', 'done', 'failed'] })
  state!: string;

  @ApiProperty({ description: 'Articles re-embedded by the running analysis service.' })
  done!: number;

  @ApiProperty({ description: 'Articles still without a vector of this model version.' })
  remaining!: number;

  @ApiProperty({ description: 'Articles whose text gives no vector with this model.' })
  skipped!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The last failure (retried, or the one that stopped the pass).' })
  error!: string | null;
}

/** The model the analysis service runs and how it runs it. */
export class LlmStatusDto {
  @ApiProperty({ description: 'An LLM endpoint is configured (LLM_BASE_URL): ingestion writes abstractive summaries. Off by default.' })
  enabled!: boolean;

  @ApiProperty()
  model!: string;

  @ApiProperty({ type: String, nullable: true, description: "Language the summaries are written in (LLM_SUMMARY_LANGUAGE); null: each article's own." })
  summaryLanguage!: string | null;

  @ApiProperty({ enum: ['redis', 'process'], nullable: true, description: 'redis: one budget for every analysis replica.' })
  budgetScope!: string | null;

  @ApiProperty({ description: 'Tokens per UTC day (LLM_DAILY_TOKEN_BUDGET).' })
  dailyTokenBudget!: number;

  @ApiProperty()
  spentToday!: number;

  @ApiProperty({ description: "The day's budget is spent: articles get their extractive summary only until 00:00 UTC." })
  exhausted!: boolean;

  @ApiProperty({ description: 'Summaries written by this analysis process since it started.' })
  summaries!: number;

  @ApiProperty({ description: 'Articles left with their extractive summary because the budget was spent.' })
  skippedForBudget!: number;

  @ApiProperty()
  failures!: number;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;
}

export class ModelInfoDto {
  @ApiProperty({ example: 'all-MiniLM-L6-v2' })
  name!: string;

  @ApiProperty()
  version!: string;

  @ApiProperty({ description: 'Embedding dimension.' })
  dimension!: number;

  @ApiProperty({ description: 'Checksum of the model files.' })
  sha256!: string;

  @ApiProperty()
  license!: string;

  @ApiProperty({ description: 'Where the model comes from.' })
  source!: string;

  @ApiProperty({ example: 'cpu', description: 'Execution provider chosen at start-up.' })
  executionProvider!: string;

  @ApiProperty()
  maxBatchSize!: number;

  @ApiProperty()
  maxQueueDelayMs!: number;

  @ApiProperty({ type: [ProviderAttemptDto], description: 'The start-up fallback trail, ending with the chosen provider.' })
  providerAttempts!: ProviderAttemptDto[];

  @ApiProperty({ description: 'Sessions of the model running batches side by side.' })
  sessionPoolSize!: number;

  @ApiProperty({ type: BatcherSettingsDto, nullable: true, description: 'Null when an older analysis service answers.' })
  batcher!: BatcherSettingsDto | null;

  @ApiProperty({ type: BatcherMetricsDto, nullable: true, description: 'Null when an older analysis service answers.' })
  metrics!: BatcherMetricsDto | null;

  @ApiProperty({ type: [ExecutionProviderDto], description: 'Every registered execution provider.' })
  providers!: ExecutionProviderDto[];

  @ApiProperty({ type: ReembedProgressDto, nullable: true, description: 'Null when the analysis service cannot tell (an older one).' })
  reembed!: ReembedProgressDto | null;

  @ApiProperty({ type: LlmStatusDto, nullable: true, description: 'The optional LLM endpoint and its daily token budget; null when the analysis service cannot tell (an older one).' })
  llm!: LlmStatusDto | null;
}
