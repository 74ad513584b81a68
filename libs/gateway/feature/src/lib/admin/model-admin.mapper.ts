import { analysis } from '@autoglm/contracts';
import { textOrNull } from '../common/values.mapper';
import type { InstalledModelDto, PullJobDto } from './model-admin.dto';

/** int64 fields arrive as decimal strings (longs: String). */
const count = (value: string): number => Number(value) || 0;

function mapPullJobState(state: analysis.PullJobState): string {
  switch (state) {
    case analysis.PullJobState.PULL_JOB_STATE_RUNNING:
      return 'running';
    case analysis.PullJobState.PULL_JOB_STATE_SUCCEEDED:
      return 'succeeded';
    case analysis.PullJobState.PULL_JOB_STATE_FAILED:
      return 'failed';
    default:
      return 'unknown';
  }
}

export function mapPullJob(job: analysis.PullJob): PullJobDto {
  const finished = count(job.finishedAtMs);
  return {
    id: job.id,
    repoId: job.repoId,
    revision: job.revision,
    state: mapPullJobState(job.state),
    bytesDone: count(job.bytesDone),
    bytesTotal: count(job.bytesTotal),
    currentFile: textOrNull(job.currentFile),
    error: textOrNull(job.error),
    modelName: textOrNull(job.modelName),
    startedAt: new Date(count(job.startedAtMs)).toISOString(),
    finishedAt: finished > 0 ? new Date(finished).toISOString() : null,
  };
}

export function mapInstalledModel(m: analysis.InstalledModel): InstalledModelDto {
  return {
    name: m.name,
    version: textOrNull(m.version),
    dimension: m.dimension,
    license: textOrNull(m.license),
    source: textOrNull(m.source),
    tokenizer: textOrNull(m.tokenizer),
    pooling: textOrNull(m.pooling),
    maxTokens: m.maxTokens,
    isDefault: m.isDefault,
    problem: textOrNull(m.problem),
  };
}
