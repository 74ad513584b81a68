import { Logger } from '@nestjs/common';
import { startAnalysisService } from '@autoglm/analysis-feature';
import { startCrawlerService } from '@autoglm/crawler-feature';
import { startGateway } from '@autoglm/gateway-feature';
import { startRecommenderService } from '@autoglm/recommender-feature';
import type { AppConfig } from '@autoglm/shared-config';
import { closeGrpcClients, shutdownDeadlines, type RunningService, type ShutdownOptions } from '@autoglm/shared-grpc';
import { closeInProcessQueues } from '@autoglm/shared-queue';
import { startSourcesService } from '@autoglm/sources-feature';
import { startStorageService } from '@autoglm/storage-feature';

export interface EmbeddedSystem {
  /** Base URL of the gateway (REST, GraphQL, OpenAPI). */
  url: string;
  config: AppConfig;
  /** Stops every service, gateway first and storage last (see startEmbedded); without options, within config.shutdown from now. */
  close(options?: ShutdownOptions): Promise<void>;
}

/**
 * Starts every service in this process. They still talk real gRPC to each other over loopback;
 * the database is PGlite (unless DATABASE_URL is set) and the queue is in-process (unless
 * REDIS_URL is set). Storage starts first (it runs the migrations), the gateway last.
 *
 * close() first stops every queue consumer from taking jobs, then stops the services in the reverse order, each while everything it calls still runs: the gateway
 * answers its requests in flight; recommender and sources (its scheduler's last round enqueued)
 * finish their calls; crawler and analysis stop taking jobs and finish the running ones; storage,
 * last, hands the jobs nobody will run back to PostgreSQL and closes the database. All in-flight
 * work shares one drain deadline; then the client channels and the in-process queues go.
 */
export async function startEmbedded(config: AppConfig): Promise<EmbeddedSystem> {
  const logger = new Logger('autoglm');
  const started: RunningService[] = [];
  let closed: Promise<void> | undefined;
  const stopAll = async (options: ShutdownOptions) => {
    const failed: string[] = [];
    // No consumer takes another job while the services before it drain: only the jobs running now have to finish.
    options.onStep?.('stopping the queue consumers');
    for (const service of started) service.stopTakingWork?.(options.drainBy);
    for (const service of [...started].reverse()) {
      options.onStep?.(`stopping ${service.name}`);
      try {
        await service.close(options);
      } catch (error) {
        // The others still stop (storage last closes the database); the failure is reported at the end.
        failed.push(`${service.name}: ${(error as Error).message}`);
      }
    }
    options.onStep?.('closing client channels and queues');
    closeGrpcClients();
    await closeInProcessQueues();
    if (failed.length > 0) throw new Error(`stopping ${failed.join('; ')}`);
  };
  const close = (options: ShutdownOptions = shutdownDeadlines(config.shutdown, Date.now())) => (closed ??= stopAll(options));
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
    // The start-up error is the one to report; a failure to stop what had started is logged.
    await close().catch((stopError: Error) => logger.error(stopError.message));
    throw error;
  }
}
