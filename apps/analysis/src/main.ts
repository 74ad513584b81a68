import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startAnalysisService } from '@autoglm/analysis-feature';
import { ConfigError, loadConfig } from '@autoglm/shared-config';
import { closeGrpcClients } from '@autoglm/shared-grpc';

async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startAnalysisService(config);
  const stop = () =>
    void running.close().then(() => {
      closeGrpcClients();
      process.exit(0);
    });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  const logger = new Logger('analysis');
  logger.fatal(error instanceof ConfigError ? `invalid configuration: ${error.message}` : error.message);
  process.exit(1);
});
