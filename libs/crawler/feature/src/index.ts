export { CrawlerModule, startCrawlerService } from './lib/crawler.module';
export { CrawlerController } from './lib/crawler.controller';
export { CrawlRunner, UPSERT_CHUNK_SIZE, type CrawlOutcome } from './lib/crawl/crawl-runner.service';
export { CrawlQueueConsumer } from './lib/crawl/crawl-queue.consumer';
export { GuardedFetcher, type FetchOptions, type FetchResult, type GuardedFetcherOptions } from './lib/fetch/guarded-fetcher';
export { FetchError, FetchFailure, isFetchError } from './lib/fetch/fetch-error';
export { ParseError, isParseError, parseFeedDocument } from './lib/parse/feed-parser';
export { normalizeFeed, type NormalizedFeed } from './lib/normalize/feed-normalizer';
export { canonicalUrl } from './lib/normalize/canonical-url';
