import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startCrawlerService } from '@autoglm/crawler-feature';
import { ConfigError, loadConfig, type AppConfig } from '@autoglm/shared-config';

async function main(): Promise<void> {
  const logger = new Logger('crawler');
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(`invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const running = await startCrawlerService(config);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  new Logger('crawler').fatal(`crawler failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
