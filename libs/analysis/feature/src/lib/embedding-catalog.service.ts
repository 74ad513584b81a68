import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { EXECUTION_PROVIDER_REGISTRY } from './analysis.tokens';
import { EmbeddingService } from './embedding.service';
import { installedModelNames, loadEmbeddingModel, WORD_MODEL_NAME } from './model/model-loader';
import { modelLoadOptions } from './model-load-options';
import type { ExecutionProviderRegistry } from './providers/execution-provider.registry';

/** A hub repository id (owner/name) as the folder name `models pull` gives it (owner--name). */
export function localModelName(name: string): string {
  return name.replace('/', '--');
}

/**
 * Every embedding model a request can name: the default one (loaded at start-up) and any other
 * installed model, loaded on first use with its own session pool and batcher.
 */
@Injectable()
export class EmbeddingCatalog implements OnApplicationShutdown {
  private readonly logger = new Logger(EmbeddingCatalog.name);
  private readonly others = new Map<string, Promise<EmbeddingService>>();

  constructor(
    readonly defaultService: EmbeddingService,
    @Inject(EXECUTION_PROVIDER_REGISTRY) private readonly registry: ExecutionProviderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Names of the installed models (folders of the models directory holding a manifest). */
  installed(): string[] {
    return installedModelNames(this.config.analysis.modelDir);
  }

  /** The service of a model named by manifest name, name@version or hub repo id; '' is the default model. */
  async resolve(requested: string): Promise<EmbeddingService> {
    const fallback = this.defaultService;
    if (!requested || requested === fallback.model.name || requested === fallback.model.version) return fallback;
    const at = requested.lastIndexOf('@');
    const name = localModelName(at > 0 ? requested.slice(0, at) : requested);
    const version = at > 0 ? requested.slice(at + 1) : undefined;
    if (name === fallback.model.name) {
      throw DomainError.notFound(`model ${requested} is not installed (${fallback.model.version} is)`);
    }
    if (!this.installed().includes(name)) {
      throw DomainError.notFound(`model ${requested} is not installed (installed: ${this.installed().join(', ') || 'none'})`);
    }
    let service = this.others.get(name);
    if (!service) {
      service = this.load(name);
      this.others.set(name, service);
      // A model that failed to load may be repaired (pulled again) and asked for later.
      service.catch(() => this.others.delete(name));
    }
    const loaded = await service;
    if (version !== undefined && loaded.model.manifest.version !== version) {
      throw DomainError.notFound(`model ${requested} is not installed (${loaded.model.version} is)`);
    }
    return loaded;
  }

  /**
   * The model of word-level analyses (topic prototypes from seed words, keyword rarity): the word-vector
   * model wink-sg100d when installed, whatever the default embedding model is; else the default.
   */
  async wordModel(): Promise<EmbeddingService> {
    if (this.defaultService.model.name === WORD_MODEL_NAME || !this.installed().includes(WORD_MODEL_NAME)) return this.defaultService;
    return this.resolve(WORD_MODEL_NAME);
  }

  /** After the analyze jobs drained (onModuleDestroy), so no running analysis loses its model. */
  async onApplicationShutdown(): Promise<void> {
    const loaded = await Promise.allSettled(this.others.values());
    this.others.clear();
    await Promise.allSettled(loaded.map((r) => (r.status === 'fulfilled' ? r.value.onApplicationShutdown() : undefined)));
  }

  private async load(name: string): Promise<EmbeddingService> {
    this.logger.log(`loading model ${name} on first use`);
    const model = await loadEmbeddingModel(this.config.analysis.modelDir, { name, registry: this.registry, logger: this.logger, ...modelLoadOptions(this.config) });
    return new EmbeddingService(model, this.config);
  }
}
