import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SourceKind, type ItemPreview, type Source } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig, type ConfiguredSource } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { CRAWLER_CLIENT, STORAGE_CLIENT, type CrawlerClient, type StorageClient } from '@autoglm/shared-grpc';
import { apiSourceOptions } from './api-source-options';
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
  /** A feed (the default), a JSON API or a web page. */
  kind?: SourceKind;
  /** The options of a JSON API or web-page source as the API takes them (JSON object; see apiSourceOptions). */
  optionsJson?: string;
}

export interface UpdateSourceInput {
  id: string;
  title?: string;
  intervalSeconds?: number;
  category?: string;
  fullText?: boolean;
  /** When set (not UNSPECIFIED), must be the source's kind. */
  kind?: SourceKind;
  optionsJson?: string;
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
    const title = checkTitle(input.title ?? '');
    const category = checkCategory(input.category ?? '');
    const kind = checkKind(input.kind);
    const sourceOptionsJson = apiSourceOptions(kind, input.optionsJson ?? '', this.config.sourceSecrets);
    await this.crawler.probeUrl({ url });
    const { source } = await this.storage.createSource({
      url,
      title,
      kind,
      intervalSeconds,
      origin: 'api',
      ifMissing: false,
      category,
      fullText: input.fullText === true,
      ...(sourceOptionsJson ? { sourceOptionsJson } : {}),
    });
    if (!source) throw DomainError.unavailable('storage returned no source');
    await this.scheduler.enqueue(source.id);
    return source;
  }

  /**
   * Changes what the input sets; new options are validated like add()'s against the source's kind
   * (a source does not change kind) and make it due now.
   */
  async update(input: UpdateSourceInput): Promise<Source> {
    const current = await this.get(input.id);
    const currentKind = current.kind === SourceKind.SOURCE_KIND_UNSPECIFIED ? SourceKind.SOURCE_KIND_FEED : current.kind;
    if (input.kind !== undefined && input.kind !== SourceKind.SOURCE_KIND_UNSPECIFIED && input.kind !== currentKind) {
      throw DomainError.invalidArgument('kind: a source does not change kind; add the URL again as a new source of the other kind', { field: 'kind' });
    }
    const { source } = await this.storage.updateSource({
      id: current.id,
      title: input.title === undefined ? undefined : checkTitle(input.title),
      intervalSeconds: input.intervalSeconds === undefined ? undefined : validateInterval(input.intervalSeconds, current.intervalSeconds),
      category: input.category === undefined ? undefined : checkCategory(input.category),
      fullText: input.fullText,
      sourceOptionsJson: input.optionsJson === undefined ? undefined : apiSourceOptions(currentKind, input.optionsJson, this.config.sourceSecrets),
    });
    if (!source) throw DomainError.unavailable('storage returned no source');
    return source;
  }

  /** The items a definition (as add() takes it) would produce now, fetched by the crawler; nothing is stored. */
  async preview(input: Pick<AddSourceInput, 'url' | 'kind' | 'optionsJson'>): Promise<ItemPreview[]> {
    const url = normalizeSourceUrl(input.url);
    const kind = checkKind(input.kind);
    const sourceOptionsJson = apiSourceOptions(kind, input.optionsJson ?? '', this.config.sourceSecrets);
    const { items } = await this.crawler.previewSource({ url, kind, sourceOptionsJson });
    return items;
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

  /** Pauses a source by hand: the scheduler skips it until it is resumed. */
  async pause(id: string): Promise<Source> {
    if (!id) throw DomainError.invalidArgument('id is required');
    const { source } = await this.storage.pauseSource({ id });
    if (!source) throw DomainError.notFound(`source ${id} not found`);
    return source;
  }

  /**
   * A config.yaml source that already exists takes the file's options, full-text flag, interval and
   * (when the file names one) title; sources added through the API under the same URL are left
   * alone. True when something changed.
   */
  private async syncConfigured(source: Source, configured: ConfiguredSource, definition: ReturnType<typeof configuredKind>): Promise<boolean> {
    if (source.origin !== 'config') return false;
    const storedKind = source.kind === SourceKind.SOURCE_KIND_UNSPECIFIED ? SourceKind.SOURCE_KIND_FEED : source.kind;
    if (storedKind !== definition.kind) {
      this.logger.warn(`configured source ${source.url} changed kind in config.yaml; a source keeps its kind (the stored one is still read)`);
      return false;
    }
    const { changed } = await this.storage.updateSource({
      id: source.id,
      title: configured.title.trim() ? configured.title : undefined,
      intervalSeconds: configured.intervalSeconds,
      fullText: configured.fullText,
      sourceOptionsJson: definition.sourceOptionsJson ?? '',
    });
    if (changed) this.logger.log(`configured source ${source.url} updated from config.yaml`);
    return changed;
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
      let updated = 0;
      for (const s of pending) {
        const url = normalizeSourceUrl(s.url);
        const definition = configuredKind(s);
        const { source, created } = await this.storage.createSource({
          url,
          title: s.title,
          ...definition,
          intervalSeconds: s.intervalSeconds,
          origin: 'config',
          ifMissing: true,
          category: '',
          fullText: s.fullText,
        });
        if (!created && source && (await this.syncConfigured(source, s, definition))) updated += 1;
      }
      if (pending.length) this.logger.log(`${pending.length} configured source(s) registered, ${updated} updated from config.yaml`);
    } catch (error) {
      if (this.stopped) return;
      const delay = Math.min(30_000, 500 * 2 ** attempt);
      this.logger.warn(`registering configured sources failed (${(error as Error).message}); retrying in ${delay} ms`);
      this.retryTimer = setTimeout(() => void this.registerConfiguredSources(attempt + 1), delay);
      this.retryTimer.unref();
    }
  }
}

/** A title as stored: trimmed, at most 300 characters. */
function checkTitle(raw: string): string {
  const title = raw.trim();
  if (title.length > 300) throw DomainError.invalidArgument('title is longer than 300 characters', { field: 'title' });
  return title;
}

function checkCategory(raw: string): string {
  const category = raw.trim();
  if (category.length > MAX_CATEGORY_LENGTH) throw DomainError.invalidArgument(`category is longer than ${MAX_CATEGORY_LENGTH} characters`, { field: 'category' });
  return category;
}

/** The kind of a new source: a feed unless it says otherwise. */
function checkKind(kind: SourceKind | undefined): SourceKind {
  switch (kind ?? SourceKind.SOURCE_KIND_UNSPECIFIED) {
    case SourceKind.SOURCE_KIND_UNSPECIFIED:
    case SourceKind.SOURCE_KIND_FEED:
      return SourceKind.SOURCE_KIND_FEED;
    case SourceKind.SOURCE_KIND_JSON_API:
      return SourceKind.SOURCE_KIND_JSON_API;
    case SourceKind.SOURCE_KIND_WEB_PAGE:
      return SourceKind.SOURCE_KIND_WEB_PAGE;
    default:
      throw DomainError.invalidArgument(`kind ${String(kind)} is not one of feed, jsonApi, webPage`, { field: 'kind' });
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
