import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError, isDomainError } from '@autoglm/shared-errors';
import { ANALYSIS_CLOCK, HUB_CLIENT_FACTORY, type AnalysisClock } from '../analysis.tokens';
import type { HubClient } from './hub-client';
import { checkPullTarget, pullHubModel, type PullProgress } from './model-pull';

export type PullJobState = 'running' | 'succeeded' | 'failed';

/** A model pull started through the admin API, as callers see it. */
export interface PullJob {
  id: string;
  repoId: string;
  revision: string;
  quantized: boolean;
  state: PullJobState;
  /** Bytes of the files downloaded so far, and their sizes as far as known (a file's size is known when it starts). */
  bytesDone: number;
  bytesTotal: number;
  currentFile: string;
  error: string;
  modelName: string;
  startedAt: number;
  finishedAt: number;
}

export interface PullRequest {
  repoId: string;
  revision?: string;
  quantized?: boolean;
}

/** Builds the hub client of a pull (tests point it at a loopback hub). */
export type HubClientFactory = (endpoint: string) => HubClient;

/** Finished jobs kept for GetPullJob; older ones are forgotten. */
const KEPT_FINISHED_JOBS = 100;

/**
 * Runs `models pull` as background jobs of the service: one job per repository at a time (a second
 * pull of a repository being pulled gets the running job), progress in bytes, failures as messages.
 */
@Injectable()
export class ModelPullJobs {
  private readonly logger = new Logger(ModelPullJobs.name);
  private readonly jobs = new Map<string, PullJob>();
  private readonly runningByRepo = new Map<string, PullJob>();
  private readonly work = new Set<Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(HUB_CLIENT_FACTORY) private readonly hubClient: HubClientFactory,
    @Inject(ANALYSIS_CLOCK) private readonly clock: AnalysisClock,
  ) {}

  /** Starts a pull (INVALID_ARGUMENT for a bad repository id or revision), or returns the one running for the repository. */
  start(request: PullRequest): { job: PullJob; created: boolean } {
    const repoId = request.repoId.trim();
    const revision = request.revision?.trim() || 'main';
    checkPullTarget(repoId, revision);
    const running = this.runningByRepo.get(repoId.toLowerCase());
    if (running) return { job: { ...running }, created: false };
    const job: PullJob = {
      id: randomUUID(),
      repoId,
      revision,
      quantized: request.quantized ?? false,
      state: 'running',
      bytesDone: 0,
      bytesTotal: 0,
      currentFile: '',
      error: '',
      modelName: '',
      startedAt: this.clock.now(),
      finishedAt: 0,
    };
    this.jobs.set(job.id, job);
    this.runningByRepo.set(repoId.toLowerCase(), job);
    const done = this.run(job).finally(() => this.work.delete(done));
    this.work.add(done);
    return { job: { ...job }, created: true };
  }

  /** The job with this id; NOT_FOUND when there is none (or it was forgotten). */
  get(id: string): PullJob {
    const job = this.jobs.get(id.trim());
    if (!job) throw DomainError.notFound(`pull job ${id} not found`);
    return { ...job };
  }

  /** Waits for the running pulls (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.work]);
  }

  private async run(job: PullJob): Promise<void> {
    const progress: PullProgress = {
      start: (file, totalBytes, resumedFrom) => {
        job.currentFile = file;
        job.bytesTotal += totalBytes ?? 0;
        job.bytesDone += resumedFrom;
      },
      advance: (_file, bytes) => {
        job.bytesDone += bytes;
      },
      finish: () => {
        job.currentFile = '';
      },
    };
    try {
      const result = await pullHubModel({
        repo: job.repoId,
        revision: job.revision,
        quantized: job.quantized,
        modelDir: this.config.analysis.modelDir,
        client: this.hubClient(this.config.analysis.hubEndpoint),
        progress,
      });
      job.modelName = result.manifest.name;
      job.state = 'succeeded';
      this.logger.log(`pulled ${job.repoId}@${job.revision} as ${job.modelName}`);
    } catch (error) {
      job.state = 'failed';
      // Domain errors carry messages written for users; anything else is summarised without internals.
      job.error = isDomainError(error) ? error.message : `the pull failed: ${(error as Error)?.message ?? String(error)}`;
      this.logger.warn(`pull of ${job.repoId}@${job.revision} failed: ${job.error}`);
    } finally {
      job.currentFile = '';
      job.finishedAt = this.clock.now();
      this.runningByRepo.delete(job.repoId.toLowerCase());
      this.forgetOldJobs();
    }
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED_JOBS))) this.jobs.delete(job.id);
  }
}
