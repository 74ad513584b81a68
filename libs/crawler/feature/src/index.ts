export { CrawlerModule, startCrawlerService } from './lib/crawler.module';
export { CrawlerController } from './lib/crawler.controller';
export { CrawlRunner, MAX_FETCHES_PER_HOST, UPSERT_CHUNK_SIZE, type CrawlOutcome } from './lib/crawl/crawl-runner.service';
export { KeyedSemaphore, hostKey } from './lib/crawl/keyed-semaphore';
export { CrawlQueueConsumer } from './lib/crawl/crawl-queue.consumer';
export { GuardedFetcher, type FetchOptions, type FetchResult, type GuardedFetcherOptions } from './lib/fetch/guarded-fetcher';
export { FetchError, FetchFailure, isFetchError } from './lib/fetch/fetch-error';
export { ParseError, isParseError, parseFeedDocument } from './lib/parse/feed-parser';
export {
  extractFeed,
  normalizeFeed,
  type ExtractedFeed,
  type NormalizedEntry,
  type NormalizedFeed,
  type RawItem,
} from './lib/normalize/feed-normalizer';
export { documentBaseUrl, readFeed, type FeedResponse, type ReadFeed } from './lib/parse/feed-reader';
export { decodeDocument } from './lib/parse/charset';
export { canonicalUrl } from './lib/normalize/canonical-url';
export { extractArticle, MAX_ARTICLE_HTML_CHARS, type ExtractedArticle } from './lib/extract/article-extractor';
export { ExtractionError, ExtractionFailure, isExtractionError } from './lib/extract/extraction-error';
