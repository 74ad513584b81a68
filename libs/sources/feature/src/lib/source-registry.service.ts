import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SourceKind, type Source } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig, type ConfiguredSource } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { CRAWLER_CLIENT, STORAGE_CLIENT, type CrawlerClient, type StorageClient } from '@autoglm/shared-grpc';
import { CrawlScheduler } from './crawl-scheduler';
import { normalizeSourceUrl, validateInterval } from './source-url';

export interface AddSourceInput {
  url: string;
  title: string;
  intervalSeconds: number;
  /** Folder path such as "Tech / AI"; optional. */
  category?: string;
  /** Fetch each new item's page and keep its extracted main content (feeds that carry teasers). */
  fullText?: boolean;
}

const MAX_CATEGORY_LENGTH = 300;

/** The source registry: validates and registers sources, and keeps config.yaml's defaults registered. */
@Injectable()
export class SourceRegistry implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SourceRegistry.name);
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private registering: Promise<void> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(CRAWLER_CLIENT) private readonly crawler: CrawlerClient,
    private readonly scheduler: CrawlScheduler,
  ) {}

  /**
   * Registers a source a user added: the URL must be valid and reachable (the crawler probes it
   * through the guarded fetcher). Content problems (not a feed, HTTP errors) do not block adding
   * it: the first crawl records them on the source.
   */
  async add(input: AddSourceInput): Promise<Source> {
    const url = normalizeSourceUrl(input.url);
    const intervalSeconds = validateInterval(input.intervalSeconds, this.config.scheduler.defaultIntervalSeconds);
    const title = (input.title ?? '').trim();
    if (title.length > 300) throw DomainError.invalidArgument('title is longer than 300 characters');
    const category = (input.category ?? '').trim();
    if (category.length > MAX_CATEGORY_LENGTH) {
      throw DomainError.invalidArgument(`category is longer than ${MAX_CATEGORY_LENGTH} characters`);
    }
    await this.crawler.probeUrl({ url });
    const { source } = await this.storage.createSource({
      url,
      title,
      kind: SourceKind.SOURCE_KIND_FEED,
      intervalSeconds,
      origin: 'api',
      ifMissing: false,
      category,
      fullText: input.fullText === true,
    });
    if (!source) throw DomainError.unavailable('storage returned no source');
    await this.scheduler.enqueue(source.id);
    return source;
  }

  async list(): Promise<Source[]> {
    return (await this.storage.listSources({})).sources;
  }

  async get(id: string): Promise<Source> {
    if (!id) throw DomainError.invalidArgument('id is required');
    const { source } = await this.storage.getSource({ id });
    if (!source) throw DomainError.notFound(`source ${id} not found`);
    return source;
  }

  /** "Refresh now": claims the source regardless of its schedule and enqueues a crawl. */
  async refresh(id: string): Promise<string> {
    if (!id) throw DomainError.invalidArgument('id is required');
    const { sources } = await this.storage.claimDueSources({ limit: 1, leaseSeconds: 600, sourceId: id });
    if (sources.length === 0) throw DomainError.notFound(`source ${id} not found`);
    return this.scheduler.enqueue(id);
  }

  /**
   * Resumes a source (typically paused after repeated failures): ACTIVE again, failure count
   * cleared, due now — the scheduler claims it on its next tick.
   */
  async resume(id: string): Promise<Source> {
    if (!id) throw DomainError.invalidArgument('id is required');
    const { source } = await this.storage.resumeSource({ id });
    if (!source) throw DomainError.notFound(`source ${id} not found`);
    return source;
  }

  onApplicationBootstrap(): void {
    void this.registerConfiguredSources(0);
  }

  /** No retry after this; a registration in progress ends first (its storage calls must not outlive the clients). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.registering;
  }

  /** config.yaml sources are created if missing; storage may still be starting, so retry with backoff. */
  registerConfiguredSources(attempt: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const run = this.register(attempt).finally(() => {
      if (this.registering === run) this.registering = undefined;
    });
    this.registering = run;
    return run;
  }

  private async register(attempt: number): Promise<void> {
    const pending = [...this.config.sources];
    try {
      for (const s of pending) {
        const url = normalizeSourceUrl(s.url);
        await this.storage.createSource({
          url,
          title: s.title,
          ...configuredKind(s),
          intervalSeconds: s.intervalSeconds,
          origin: 'config',
          ifMissing: true,
          category: '',
          fullText: s.fullText,
        });
      }
      if (pending.length) this.logger.log(`${pending.length} configured source(s) registered`);
    } catch (error) {
      if (this.stopped) return;
      const delay = Math.min(30_000, 500 * 2 ** attempt);
      this.logger.warn(`registering configured sources failed (${(error as Error).message}); retrying in ${delay} ms`);
      this.retryTimer = setTimeout(() => void this.registerConfiguredSources(attempt + 1), delay);
      this.retryTimer.unref();
    }
  }
}

/**
 * The kind of a config.yaml source and its options as storage keeps them (JSON; the env:
 * references of its headers were resolved when the configuration was loaded).
 */
export function configuredKind(source: ConfiguredSource): { kind: SourceKind; sourceOptionsJson?: string } {
  switch (source.kind) {
    case 'json_api':
      return { kind: SourceKind.SOURCE_KIND_JSON_API, sourceOptionsJson: JSON.stringify(source.jsonApi) };
    case 'web_page':
      return { kind: SourceKind.SOURCE_KIND_WEB_PAGE, sourceOptionsJson: JSON.stringify(source.webPage) };
    default:
      return { kind: SourceKind.SOURCE_KIND_FEED };
  }
}
