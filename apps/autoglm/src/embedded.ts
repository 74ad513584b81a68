import { Logger } from '@nestjs/common';
import { startAnalysisService } from '@autoglm/analysis-feature';
import { startCrawlerService } from '@autoglm/crawler-feature';
import { startGateway } from '@autoglm/gateway-feature';
import { startRecommenderService } from '@autoglm/recommender-feature';
import type { AppConfig } from '@autoglm/shared-config';
import { closeGrpcClients, type RunningService } from '@autoglm/shared-grpc';
import { closeInProcessQueues } from '@autoglm/shared-queue';
import { startSourcesService } from '@autoglm/sources-feature';
import { startStorageService } from '@autoglm/storage-feature';

export interface EmbeddedSystem {
  /** Base URL of the gateway (REST, GraphQL, OpenAPI). */
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * Starts every service in this process. They still talk real gRPC to each other over loopback;
 * the database is PGlite (unless DATABASE_URL is set) and the queue is in-process (unless
 * REDIS_URL is set). Storage starts first (it runs the migrations), the gateway last.
 */
export async function startEmbedded(config: AppConfig): Promise<EmbeddedSystem> {
  const logger = new Logger('autoglm');
  const started: RunningService[] = [];
  const close = async () => {
    for (const service of started.reverse()) {
      try {
        await service.close();
      } catch (error) {
        logger.warn(`stopping ${service.name} failed: ${(error as Error).message}`);
      }
    }
    closeGrpcClients();
    await closeInProcessQueues();
  };
  try {
    started.push(await startStorageService(config));
    started.push(await startAnalysisService(config));
    started.push(await startCrawlerService(config));
    started.push(await startSourcesService(config));
    started.push(await startRecommenderService(config));
    const gateway = await startGateway(config);
    started.push(gateway);
    logger.log(
      `Open-AutoGLM is running (${config.database.url ? 'PostgreSQL' : 'PGlite'}, ${config.redis.url ? 'BullMQ on Redis' : 'in-process queue'}): ${gateway.url}`,
    );
    return { url: gateway.url, config, close };
  } catch (error) {
    await close();
    throw error;
  }
}
