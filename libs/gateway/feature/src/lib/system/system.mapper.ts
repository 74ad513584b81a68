import type { analysis } from '@autoglm/contracts';
import type { ModelInfoDto } from './model-info.dto';

export function mapModelInfo(model: analysis.ModelInfo): ModelInfoDto {
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
  };
}
