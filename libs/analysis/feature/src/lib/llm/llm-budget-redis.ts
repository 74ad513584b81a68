import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createClient } from 'redis';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { InProcessTokenBudget, RedisTokenBudget, type LlmTokenBudget } from './llm-token-budget';

/**
 * The Redis connection of the shared LLM token budget (distributed mode with an LLM endpoint);
 * commands fail at once while it is down (no offline queue), so a call is refused rather than
 * left waiting on an unchecked budget.
 */
@Injectable()
export class LlmBudgetRedis implements OnApplicationShutdown {
  private readonly logger = new Logger(LlmBudgetRedis.name);
  private readonly client: ReturnType<typeof createClient> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.llm.baseUrl && config.redis.url) {
      this.client = createClient({ url: config.redis.url, disableOfflineQueue: true });
      this.client.on('error', (error: Error) => this.logger.warn(`redis (LLM token budget): ${error.message}`));
    }
  }

  /** The budget the LLM client charges: null without an endpoint; shared in Redis when there is one; else this process's. */
  budget(): LlmTokenBudget | null {
    const { llm } = this.config;
    if (!llm.baseUrl) return null;
    if (!this.client) return new InProcessTokenBudget(llm.dailyTokenBudget);
    this.client.connect().catch((error: Error) => this.logger.warn(`redis (LLM token budget) not reachable yet: ${error.message}`));
    return new RedisTokenBudget(llm.dailyTokenBudget, this.client);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client?.isOpen) await this.client.quit();
  }
}
