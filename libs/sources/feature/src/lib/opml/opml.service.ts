import { Inject, Injectable } from '@nestjs/common';
import { SourceKind, type sources } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { normalizeSourceUrl } from '../source-url';
import { OfflineAddressGuard } from './offline-address-guard';
import { buildOpml, parseOpmlFeeds, type OpmlFeed } from './opml-document';

/** Sources created at once during an import (storage serialises them anyway on PGlite). */
const IMPORT_CONCURRENCY = 8;
const MAX_TITLE_LENGTH = 300;
/** Per-feed answers of storage that mean "this feed is wrong", not "storage is down". */
const FEED_ERROR_CODES = new Set<ErrorCode>([ErrorCode.InvalidArgument, ErrorCode.AlreadyExists, ErrorCode.FailedPrecondition]);

type ImportResult = Pick<sources.ImportOpmlResponse, 'imported' | 'skipped' | 'errors'>;

/**
 * OPML import and export of the source registry. An import registers every feed it lists
 * (folders become categories), skipping known URLs; it never touches the network: URLs are
 * checked offline (scheme, credentials, obviously internal hosts) and the first crawl records
 * any other problem on the source. The scheduler picks the new sources up (they are due now).
 */
@Injectable()
export class OpmlService {
  private readonly guard: OfflineAddressGuard;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
  ) {
    this.guard = new OfflineAddressGuard(config.crawler.allowHosts);
  }

  async import(opml: string): Promise<ImportResult> {
    const feeds = parseOpmlFeeds(opml);
    const result: ImportResult = { imported: 0, skipped: 0, errors: [] };
    const seen = new Set<string>();
    const pending: Array<OpmlFeed & { normalized: string }> = [];
    for (const feed of feeds) {
      let normalized: string;
      try {
        normalized = normalizeSourceUrl(feed.url);
      } catch (error) {
        result.errors.push({ url: feed.url, message: isDomainError(error) ? error.message : String(error) });
        continue;
      }
      const refusal = this.guard.refusal(normalized);
      if (refusal) {
        result.errors.push({ url: feed.url, message: `refusing to follow ${new URL(normalized).host}: ${refusal}` });
        continue;
      }
      // Listed twice in the same file (often in two folders): the first listing wins.
      if (seen.has(normalized)) {
        result.skipped++;
        continue;
      }
      seen.add(normalized);
      pending.push({ ...feed, normalized });
    }

    const outcomes = await mapLimited(pending, IMPORT_CONCURRENCY, (feed) => this.register(feed));
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome === 'created') result.imported++;
      else if (outcome === 'existing') result.skipped++;
      else result.errors.push({ url: pending[i]?.url ?? '', message: outcome.error });
    }
    return result;
  }

  async export(): Promise<string> {
    const { sources } = await this.storage.listSources({});
    return buildOpml(sources.map((s) => ({ url: s.url, title: s.title, category: s.category ?? '' })));
  }

  private async register(feed: OpmlFeed & { normalized: string }): Promise<'created' | 'existing' | { error: string }> {
    try {
      const { created } = await this.storage.createSource({
        url: feed.normalized,
        title: feed.title.slice(0, MAX_TITLE_LENGTH),
        kind: SourceKind.SOURCE_KIND_FEED,
        intervalSeconds: this.config.scheduler.defaultIntervalSeconds,
        origin: 'api',
        ifMissing: true,
        category: feed.category,
        fullText: false,
      });
      return created ? 'created' : 'existing';
    } catch (error) {
      // Storage unreachable: fail the whole import (a retry skips what was registered).
      if (isDomainError(error) && FEED_ERROR_CODES.has(error.code)) return { error: error.message };
      throw error;
    }
  }
}

/** Runs `work` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
