import { Logger } from '@nestjs/common';
import { checkGrpcAuthentication, ConfigError, loadConfig, type AppConfig, type Deployment } from '@autoglm/shared-config';
import { closeInProcessQueues } from '@autoglm/shared-queue';
import { closeGrpcClients, type RunningService } from './grpc-service-host';

/**
 * The body of every apps/<service>/src/main.ts: load and validate the configuration once, start
 * the service, stop it cleanly on SIGINT/SIGTERM (releasing every client channel and queue of the
 * process, which is this service alone), and exit 1 with a readable message when start-up fails.
 * `deployment` is 'embedded' only for apps/autoglm (all services in this process).
 */
export function runServiceProcess(
  name: string,
  start: (config: AppConfig) => Promise<RunningService>,
  deployment: Deployment = 'distributed',
): void {
  const logger = new Logger(name);
  const main = async () => {
    const config = loadConfig();
    // A service process of a distributed deployment must not open its port to every caller by default.
    checkGrpcAuthentication(config, deployment);
    const running = await start(config);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void running
        .close()
        .then(async () => {
          closeGrpcClients();
          await closeInProcessQueues();
          process.exit(0);
        })
        .catch((error: Error) => {
          logger.error(`stopping failed: ${error.message}`);
          process.exit(1);
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) logger.fatal(`invalid configuration: ${error.message}`);
    else logger.fatal(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
