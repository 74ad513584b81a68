import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createClient } from 'redis';
import type { storage } from '@autoglm/contracts';
import { TwoLevelCache, type CacheRedis } from '@autoglm/shared-cache';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { isDomainError, ErrorCode } from '@autoglm/shared-errors';
import { reportCacheCounts } from '@autoglm/shared-observability';

/** Reads of one article are cached: L1 briefly per replica, L2 (Redis) longer and shared. */
export const ARTICLE_CACHE_L1_TTL_MS = 30_000;
export const ARTICLE_CACHE_L2_TTL_MS = 5 * 60_000;
export const ARTICLE_CACHE_NEGATIVE_TTL_MS = 5_000;
export const ARTICLE_CACHE_ENTRIES = 5_000;

/**
 * The article read cache. Every write that changes what GetArticle returns (upserts, analyses)
 * invalidates the article, and the invalidation reaches every replica through Redis pub/sub.
 * "Not found" is cached briefly (negative caching) so unknown ids do not hammer the database.
 * Embedded mode (no Redis) keeps L1 only.
 */
@Injectable()
export class ArticleCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ArticleCache.name);
  private readonly redis: CacheRedis | undefined;
  private readonly cache: TwoLevelCache<storage.Article>;
  private unreport: (() => void) | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.redis.url) {
      const client = createClient({ url: config.redis.url });
      client.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
      const subscriber = client.duplicate();
      subscriber.on('error', (error: Error) => this.logger.warn(`redis subscriber: ${error.message}`));
      this.redis = { client, subscriber };
    }
    this.cache = new TwoLevelCache<storage.Article>(
      {
        namespace: 'autoglm:article',
        l1MaxEntries: ARTICLE_CACHE_ENTRIES,
        l1TtlMs: ARTICLE_CACHE_L1_TTL_MS,
        l2TtlMs: ARTICLE_CACHE_L2_TTL_MS,
        negativeTtlMs: ARTICLE_CACHE_NEGATIVE_TTL_MS,
        lockTtlMs: 5_000,
        lockWaitMs: 1_000,
      },
      this.redis,
    );
  }

  async onModuleInit(): Promise<void> {
    this.unreport = reportCacheCounts('article', () => this.cache.stats);
    if (!this.redis) return;
    await Promise.all([this.redis.client.connect(), this.redis.subscriber.connect()]);
    await this.cache.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unreport?.();
    if (!this.redis) return;
    await this.cache.stop();
    await Promise.all([this.redis.client.quit(), this.redis.subscriber.quit()]);
  }

  /** The article, loaded at most once across concurrent callers; NOT_FOUND is rethrown from the cached miss. */
  async get(id: string, load: () => Promise<storage.Article>, notFound: () => Error): Promise<storage.Article> {
    const article = await this.cache.get(id, async () => {
      try {
        return await load();
      } catch (error) {
        if (isDomainError(error) && error.code === ErrorCode.NotFound) return undefined;
        throw error;
      }
    });
    if (!article) throw notFound();
    return article;
  }

  async invalidate(ids: string[]): Promise<void> {
    for (const id of new Set(ids)) await this.cache.invalidate(id);
  }

  get stats() {
    return this.cache.stats;
  }
}
