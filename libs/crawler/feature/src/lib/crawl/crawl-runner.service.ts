import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SourceKind, type Source, type storage } from '@autoglm/contracts';
import { APP_CONFIG, webSubActivity, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { isFetchError, type FetchError } from '../fetch/fetch-error';
import { GuardedFetcher, type FetchResult } from '../fetch/guarded-fetcher';
import { describeWait, retryAfterSeconds } from '../fetch/retry-after';
import { isRobotsRefusal, RobotsTxtRules, type RobotsVerdict } from '../fetch/robots-txt';
import { isParseError } from '../parse/feed-parser';
import { readFeed } from '../parse/feed-reader';
import type { WebSubLinks } from '../parse/websub-links';
import { readJsonApi } from '../kinds/json-api-reader';
import { isSourceKindError } from '../kinds/source-kind-error';
import { jsonApiOptions, resolveHeaders, webPageOptions } from '../kinds/source-options';
import { readWebPage, WEB_PAGE_ARTICLES_PER_CRAWL, type ArticlePage } from '../kinds/web-page-reader';
import { CRAWL_CLOCK, systemCrawlClock, type CrawlClock } from './crawl-clock';
import { FullTextRounds } from './full-text-rounds';
import { HostPacer } from './host-pacer';
import { hostKey, KeyedSemaphore, PER_HOST_FETCHES, type HostLimiter } from './keyed-semaphore';
import { medianPublishGapSeconds } from './publish-gap';

/** What a reader got from a response: the items, and for a feed its title and WebSub hub. */
interface ReadItems {
  title: string;
  items: storage.FeedItem[];
  webSub?: WebSubLinks;
}

/** What one crawl of a source did. */
export interface CrawlOutcome {
  ok: boolean;
  /** Why the source could not be read (also recorded on the source); empty when ok. */
  error: string;
  itemsFound: number;
  inserted: number;
  updated: number;
  /** The server answered 304 to the conditional request: nothing was parsed or stored. */
  notModified: boolean;
}

/** Statuses whose Retry-After header holds the source back (RFC 9110: 429 and 503). */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** Items per UpsertArticles call: keeps each call well under the gRPC message limit and deadline. */
export const UPSERT_CHUNK_SIZE = 100;

/**
 * Fetches in flight per host, whatever the queue concurrency: politeness towards the sites we
 * read (a constant: AppConfig has no setting for it yet).
 */
export const MAX_FETCHES_PER_HOST = 2;

/** Linked articles a preview of a web-page source fetches (a user waits for it). */
export const PREVIEW_ARTICLES = 5;

/** How a source is read: its URL, kind and stored options. */
export type SourceDefinition = Pick<Source, 'url' | 'kind' | 'sourceOptionsJson'>;

/** Deadline of one article fetch of a web-page source (the crawler's timeout still caps it). */
const ARTICLE_TIMEOUT_MS = 10_000;

/**
 * One crawl of one source: read it from storage, fetch, parse, normalize, upsert the items,
 * record the outcome on the source. A source that cannot be fetched or parsed is a normal
 * outcome (recorded, not thrown); storage failures are thrown so the queue retries the job.
 */
@Injectable()
export class CrawlRunner {
  private readonly logger = new Logger(CrawlRunner.name);
  private readonly perHost: HostLimiter;
  /** Crawl-delay of robots.txt, for the pages of web-page sources. */
  private readonly pacer: HostPacer;

  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    private readonly fetcher: GuardedFetcher,
    @Optional() @Inject(CRAWL_CLOCK) private readonly clock: CrawlClock = systemCrawlClock,
    /** Reads the pages of full-text sources' items; kicked when a crawl stored some. */
    @Optional() private readonly fullText?: FullTextRounds,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
    /** robots.txt of web-page sources' sites; without it (or when disabled in config) every page may be fetched. */
    @Optional() private readonly robots?: RobotsTxtRules,
    /** The per-host limit shared with the full-text rounds; a limit of its own when none is given. */
    @Optional() @Inject(PER_HOST_FETCHES) perHost?: HostLimiter,
  ) {
    this.pacer = new HostPacer(clock);
    this.perHost = perHost ?? new KeyedSemaphore(MAX_FETCHES_PER_HOST);
  }

  async crawl(sourceId: string): Promise<CrawlOutcome> {
    const source = await this.loadSource(sourceId);
    const record = (result: Partial<storage.RecordFetchResultRequest>) =>
      this.storage.recordFetchResult({
        sourceId,
        ok: false,
        error: '',
        feedTitle: '',
        notModified: false,
        newItems: 0,
        publishGapSeconds: 0,
        etag: '',
        lastModified: '',
        retryAfterSeconds: 0,
        ...result,
      });
    let response: FetchResult;
    let feed: ReadItems;
    try {
      const reader = this.readerOf(source);
      // Only web-page sources are held to robots.txt: feeds and APIs are published to be polled.
      const crawlDelayMs = reader.robotsTxt ? await this.robotsAllow(source.url) : 0;
      await this.pacer.wait(hostKey(source.url), crawlDelayMs);
      response = await this.perHost.run(hostKey(source.url), () =>
        // Conditional GET: the validators of the last full response we stored.
        this.fetcher.fetch(source.url, {
          validators: { etag: source.etag ?? '', lastModified: source.lastModified ?? '' },
          headers: reader.headers,
        }),
      );
      if (response.status === 304) {
        await record({ ok: true, notModified: true });
        this.logger.log(`source ${sourceId}: not modified`);
        return { ok: true, error: '', itemsFound: 0, inserted: 0, updated: 0, notModified: true };
      }
      feed = await reader.read(response);
    } catch (error) {
      const retryAfter = isFetchError(error) ? this.retryAfterOf(error) : 0;
      let message = describeFailure(error, source.url);
      if (retryAfter > 0) message += `; the server asks to wait ${describeWait(retryAfter)} before the next check`;
      this.logger.warn(`source ${sourceId}: ${message}`);
      await record({ ok: false, error: message, retryAfterSeconds: retryAfter });
      return { ok: false, error: message, itemsFound: 0, inserted: 0, updated: 0, notModified: false };
    }

    const { inserted, updated } = await this.storeItems(source, feed.items);
    await record({
      ok: true,
      feedTitle: feed.title,
      newItems: inserted,
      publishGapSeconds: medianPublishGapSeconds(feed.items),
      // Stored only now that the document was read: a later 304 then means "the same good feed".
      etag: response.headers['etag'] ?? '',
      lastModified: response.headers['last-modified'] ?? '',
    });
    this.logger.log(`source ${sourceId}: ${feed.items.length} items, ${inserted} new, ${updated} updated`);
    if (feed.webSub) await this.reportHub(sourceId, feed.webSub);
    return { ok: true, error: '', itemsFound: feed.items.length, inserted, updated, notModified: false };
  }

  /**
   * Stores the items of a feed document a WebSub hub pushed for a feed source: the crawl's parse,
   * normalize and upsert path without the fetch. The schedule is left alone (a push is not a
   * check). A document that is not a feed is an INVALID_ARGUMENT error.
   */
  async ingestPushed(sourceId: string, body: Buffer, contentType: string): Promise<{ itemsFound: number; inserted: number; updated: number }> {
    const source = await this.loadSource(sourceId);
    if (source.kind !== SourceKind.SOURCE_KIND_FEED && source.kind !== SourceKind.SOURCE_KIND_UNSPECIFIED) {
      throw DomainError.failedPrecondition(`source ${sourceId} is not a feed: pushed content is only read for feeds`);
    }
    let feed: ReadItems;
    try {
      feed = readFeed({ body, contentType, url: source.url });
    } catch (error) {
      if (isParseError(error)) throw DomainError.invalidArgument(`pushed content for source ${sourceId}: ${error.message}`);
      throw error;
    }
    const { inserted, updated } = await this.storeItems(source, feed.items);
    this.logger.log(`source ${sourceId}: pushed ${feed.items.length} items, ${inserted} new, ${updated} updated`);
    return { itemsFound: feed.items.length, inserted, updated };
  }

  /**
   * The items a source definition would produce now, stored nowhere: its URL fetched through the
   * guarded fetcher (with its headers; robots.txt for web pages) and read by its kind's reader, a
   * web page's first PREVIEW_ARTICLES linked articles fetched. A document that cannot be fetched or
   * read, or a definition that produces no item, is FAILED_PRECONDITION with the reason.
   */
  async preview(definition: SourceDefinition): Promise<storage.FeedItem[]> {
    let items: storage.FeedItem[];
    try {
      const reader = this.readerOf(definition, PREVIEW_ARTICLES);
      const crawlDelayMs = reader.robotsTxt ? await this.robotsAllow(definition.url) : 0;
      await this.pacer.wait(hostKey(definition.url), crawlDelayMs);
      const response = await this.perHost.run(hostKey(definition.url), () => this.fetcher.fetch(definition.url, { headers: reader.headers }));
      items = (await reader.read(response)).items;
    } catch (error) {
      if (isDomainError(error)) throw error;
      throw DomainError.failedPrecondition(describeFailure(error, definition.url));
    }
    if (items.length === 0) {
      throw DomainError.failedPrecondition(`the source at ${definition.url} was read but gives no items: ${emptyReason(definition.kind)}`);
    }
    return items;
  }

  /**
   * Upserts items in chunks. Storage records the new (or changed) items of a full-text source as
   * waiting for their page's text; a full-text round is started for them without waiting for it.
   */
  private async storeItems(source: Source, items: storage.FeedItem[]): Promise<{ inserted: number; updated: number }> {
    const sourceId = source.id;
    let inserted = 0;
    let updated = 0;
    for (let i = 0; i < items.length; i += UPSERT_CHUNK_SIZE) {
      const chunk = items.slice(i, i + UPSERT_CHUNK_SIZE);
      const result = await this.storage.upsertArticles({ sourceId, items: chunk });
      inserted += result.inserted;
      updated += result.updated;
    }
    if (source.fullText && inserted + updated > 0) void this.fullText?.kick();
    return { inserted, updated };
  }

  /**
   * Tells storage which WebSub hub the feed advertises (sources subscribes). Only when WebSub is
   * active; a failure here is logged, never a failed crawl.
   */
  private async reportHub(sourceId: string, links: WebSubLinks): Promise<void> {
    if (!this.config || !webSubActivity(this.config.websub).active) return;
    try {
      const { changed } = await this.storage.recordHubDiscovery({ sourceId, hubUrl: links.hubUrl, topicUrl: links.topicUrl });
      if (changed) this.logger.log(`source ${sourceId}: feed advertises the WebSub hub ${links.hubUrl} (topic ${links.topicUrl})`);
    } catch (error) {
      this.logger.warn(`source ${sourceId}: recording its WebSub hub failed: ${(error as Error).message}`);
    }
  }

  /**
   * How a source is read, by its kind: a feed (the default, also for an unspecified kind), a
   * JSON API (its headers sent with the request) or a web page (its linked articles fetched).
   * Unreadable options are a SourceKindError, recorded on the source like a fetch failure.
   */
  private readerOf(
    source: SourceDefinition & { id?: string },
    articleLimit = WEB_PAGE_ARTICLES_PER_CRAWL,
  ): {
    headers?: Record<string, string>;
    /** Whether the source's pages are subject to robots.txt (web-page sources only). */
    robotsTxt?: boolean;
    read: (response: FetchResult) => Promise<ReadItems>;
  } {
    switch (source.kind) {
      case SourceKind.SOURCE_KIND_JSON_API: {
        const options = jsonApiOptions(source.sourceOptionsJson);
        return {
          headers: resolveHeaders(options.headers, this.config?.secrets ?? {}),
          read: async (response) => ({ title: '', items: readJsonApi(response.body, response.contentType, response.finalUrl, options) }),
        };
      }
      case SourceKind.SOURCE_KIND_WEB_PAGE: {
        const options = webPageOptions(source.sourceOptionsJson);
        return {
          robotsTxt: true,
          read: async (response) => {
            const { items, disallowed } = await readWebPage(
              response,
              options,
              (url) => this.fetchArticle(url),
              async (url) => (await this.robotsVerdict(url)).allowed,
              articleLimit,
            );
            if (disallowed.length > 0) {
              this.logger.log(`source ${source.id ?? source.url}: ${disallowed.length} linked article(s) skipped, disallowed by robots.txt (e.g. ${disallowed[0]})`);
            }
            return { title: '', items };
          },
        };
      }
      default:
        return {
          read: async (response) =>
            readFeed({
              body: response.body,
              contentType: response.contentType,
              url: response.finalUrl,
              contentLocation: response.headers['content-location'],
              link: response.headers['link'],
            }),
        };
    }
  }

  /** An article linked from a web-page source (robots.txt allows it), fetched under the per-host limit and Crawl-delay; undefined when it cannot be fetched. */
  private async fetchArticle(url: string): Promise<ArticlePage | undefined> {
    try {
      const verdict = await this.robotsVerdict(url);
      await this.pacer.wait(hostKey(url), verdict.allowed ? verdict.crawlDelayMs : 0);
      return await this.perHost.run(hostKey(url), () => this.fetcher.fetch(url, { timeoutMs: ARTICLE_TIMEOUT_MS }));
    } catch (error) {
      this.logger.warn(`article ${url} unavailable: ${(error as Error).message}`);
      return undefined;
    }
  }

  private robotsVerdict(url: string): Promise<RobotsVerdict> {
    return this.robots ? this.robots.verdict(url) : Promise.resolve({ allowed: true, crawlDelayMs: 0 });
  }

  /** The Crawl-delay (ms) of a page robots.txt allows; a RobotsRefusalError when it does not. */
  private async robotsAllow(url: string): Promise<number> {
    const verdict = await this.robotsVerdict(url);
    if (!verdict.allowed) throw verdict.refusal;
    return verdict.crawlDelayMs;
  }

  private retryAfterOf(error: FetchError): number {
    if (!RETRY_AFTER_STATUSES.has(error.status)) return 0;
    return retryAfterSeconds(error.retryAfter, this.clock.now());
  }

  private async loadSource(sourceId: string) {
    if (!sourceId.trim()) throw DomainError.invalidArgument('source_id is required');
    const { source } = await this.storage.getSource({ id: sourceId });
    if (!source) throw DomainError.notFound(`source ${sourceId} does not exist`);
    return source;
  }
}

/** Whether an error means the source no longer exists (a job for a deleted source is simply dropped). */
export function isMissingSource(error: unknown): boolean {
  return isDomainError(error) && error.code === ErrorCode.NotFound;
}

/** Why a definition that was read produced nothing, by kind. */
function emptyReason(kind: SourceKind): string {
  switch (kind) {
    case SourceKind.SOURCE_KIND_JSON_API:
      return 'the items path leads to an empty list';
    case SourceKind.SOURCE_KIND_WEB_PAGE:
      return 'no listed link gives an item (robots.txt may disallow them)';
    default:
      return 'the feed lists no item';
  }
}

function describeFailure(error: unknown, url: string): string {
  if (isFetchError(error) || isParseError(error) || isSourceKindError(error) || isRobotsRefusal(error)) return error.message;
  // Anything else is a defect in reading this particular document: report it on the source.
  return `the feed at ${url} could not be read: ${error instanceof Error ? error.message : String(error)}`;
}
