import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { SerialRuns } from '@autoglm/shared-queue';
import { FullTextEnricher, type FullTextOutcome } from './full-text-enricher';
import { PER_HOST_FETCHES, type HostLimiter } from './keyed-semaphore';

/** Pages read per round at most: a round's length stays bounded whatever the backlog. */
export const FULL_TEXT_PAGES_PER_ROUND = 20;
/** How often a round looks for due work (retries coming due, work of another replica's crawls) without being kicked. */
export const FULL_TEXT_ROUND_INTERVAL_MS = 10_000;
/** A claimed item is not handed out again for this long: well over a round of slow pages under the per-host limit. */
export const FULL_TEXT_LEASE_SECONDS = 300;

/**
 * Full text for every teaser item, in rounds: each round claims up to FULL_TEXT_PAGES_PER_ROUND
 * waiting items from storage (which records them when a full-text source's items are stored, so
 * the work survives restarts and lost queues), reads their pages under the crawler's per-host
 * limit and reports each outcome. A crawl that stored items kicks a round; a full round is
 * followed by another; a timer picks up retries. One round at a time per process.
 */
@Injectable()
export class FullTextRounds implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FullTextRounds.name);
  private readonly runs = new SerialRuns(() => this.roundsUntilDone());

  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    private readonly enricher: FullTextEnricher,
    @Inject(PER_HOST_FETCHES) private readonly perHost: HostLimiter,
  ) {}

  onApplicationBootstrap(): void {
    // Work left by an earlier run (or never started) is picked up at start-up, then on a timer.
    this.runs.start(FULL_TEXT_ROUND_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    // Unreported items are handed out again when their lease runs out.
    await this.runs.stop();
  }

  /** Starts rounds (or asks for one more after the current one); resolves when no due work is left. */
  kick(): Promise<void> {
    return this.runs.request();
  }

  private async roundsUntilDone(): Promise<void> {
    try {
      while (!this.runs.isStopped && (await this.round()) === FULL_TEXT_PAGES_PER_ROUND);
    } catch (error) {
      // Storage is unreachable: the items stay claimed until their lease ends; the timer tries again.
      this.logger.warn(`full-text round: ${(error as Error).message}`);
    }
  }

  /** One round: the number of items claimed. */
  private async round(): Promise<number> {
    const { work } = await this.storage.claimFullTextWork({ limit: FULL_TEXT_PAGES_PER_ROUND, leaseSeconds: FULL_TEXT_LEASE_SECONDS });
    if (work.length === 0) return 0;
    const outcomes = await Promise.all(work.map((item) => this.readAndRecord(item)));
    const done = outcomes.filter((outcome) => outcome === 'page').length;
    this.logger.log(`full text: ${done} of ${work.length} page(s) read in this round`);
    return work.length;
  }

  private async readAndRecord(work: storage.FullTextWork): Promise<'page' | 'failure'> {
    const outcome: FullTextOutcome = await this.enricher.read(work, this.perHost);
    const base = { articleId: work.articleId, claim: work.claim };
    if ('page' in outcome) {
      await this.storage.recordFullTextResult({ ...base, page: outcome.page, failure: '', retryable: false, retryAfterSeconds: 0 });
      return 'page';
    }
    this.logger.warn(`full text of ${work.url} (attempt ${work.attempt}) unavailable: ${outcome.failure}`);
    await this.storage.recordFullTextResult({ ...base, page: undefined, ...outcome });
    return 'failure';
  }
}
