import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { shutdownDeadlines, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { QUEUE_FACTORY, QUEUE_NAMES, type JobQueue, type PushJob, type QueueFactory } from '@autoglm/shared-queue';
import { CLOCK, type Clock } from '../clock';
import { rankCandidates, type Candidate } from '../ranking';
import { RecommendationService } from '../recommendation.service';

interface Waiting {
  articleId: string;
  resolve(): void;
  reject(error: unknown): void;
}

/** Users whose profiles are built at once while scoring a batch. */
const PROFILE_CONCURRENCY = 4;

/**
 * Consumes the `push` queue: newly analysed articles, gathered into batches (push.forYou.batchSize,
 * or whatever arrived within batchDelayMs), each batch run once through the users' rules (storage
 * applies them, once per rule and article) and scored for the most recently active users with the
 * recommender's own ranking; an article scoring at least push.forYou.minScore for a user becomes a
 * For-You event on their stream. Every job finishes with its batch, so a failed batch is retried
 * by the queue, and every step is idempotent.
 */
@Injectable()
export class PushWorker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PushWorker.name);
  private queue: JobQueue<PushJob> | undefined;
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(QUEUE_FACTORY) private readonly queues: QueueFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly recommendations: RecommendationService,
  ) {}

  onModuleInit(): void {
    this.queue = this.queues.get<PushJob>(QUEUE_NAMES.push);
    // As many jobs run as fit one batch: they wait together for it.
    this.queue.process((job) => this.handle(job), { concurrency: this.config.push.forYou.batchSize });
  }

  /** Resolves when the batch holding this article is done. */
  handle(job: PushJob): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ articleId: job.articleId, resolve, reject });
      if (this.waiting.length >= this.config.push.forYou.batchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.config.push.forYou.batchDelayMs);
    });
  }

  async stopConsuming(deadline: number): Promise<void> {
    const givenUp = (await this.queue?.stopConsuming(deadline)) ?? [];
    if (givenUp.length > 0) this.logger.warn(`gave up on ${givenUp.length} push job(s) still running at the drain deadline`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopConsuming(shutdownDeadlines(this.config.shutdown, Date.now()).drainBy);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    this.run([...new Set(batch.map((w) => w.articleId))]).then(
      () => batch.forEach((w) => w.resolve()),
      (error: unknown) => batch.forEach((w) => w.reject(error)),
    );
  }

  /** Rules, then For You, for one batch of article ids. */
  async run(articleIds: string[]): Promise<void> {
    const rules = await this.storage.applyPushRules({ articleIds });
    const forYou = await this.forYou(articleIds);
    if (rules.hits + forYou > 0) {
      this.logger.log(`push: ${articleIds.length} new article(s), ${rules.hits} rule hit(s), ${forYou} For-You event(s)`);
    }
  }

  private async forYou(articleIds: string[]): Promise<number> {
    const { maxUsersPerBatch, minScore } = this.config.push.forYou;
    const { userIds } = await this.storage.listPushAudience({ limit: maxUsersPerBatch });
    if (userIds.length === 0) return 0;
    const [{ articles }, vectors] = await Promise.all([
      this.storage.getArticleRefs({ articleIds }),
      this.recommendations.embeddings(articleIds),
    ]);
    if (articles.length === 0) return 0;
    const now = this.clock.now();
    const events: storage.ForYouCandidate[] = [];
    for (let i = 0; i < userIds.length; i += PROFILE_CONCURRENCY) {
      await Promise.all(
        userIds.slice(i, i + PROFILE_CONCURRENCY).map(async (userId) => {
          const { profile } = await this.recommendations.profile(userId, now);
          if (profile.eventCount === 0) return;
          const candidates: Candidate[] = articles.map((article) => ({ article, vector: vectors.get(article.id)?.vector ?? [] }));
          // A copy of something the user read is no news to push (novelty takes it below any bar).
          const stories = await this.recommendations.storyFacts([...articleIds, ...profile.liked.map((l) => l.articleId)]);
          // Each new article on its own merit: no diversity re-ranking or exploration among a batch.
          for (const item of rankCandidates(candidates, profile, now, candidates.length, { mmr: false, exploration: false }, undefined, stories)) {
            if (item.score >= minScore) events.push({ userId, articleId: item.article.id, score: item.score, reason: item.reason });
          }
        }),
      );
    }
    if (events.length === 0) return 0;
    return (await this.storage.appendPushEvents({ events })).added;
  }
}
