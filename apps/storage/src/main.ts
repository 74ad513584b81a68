import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@autoglm/shared-config';
import { startStorageService } from '@autoglm/storage-feature';

async function main(): Promise<void> {
  const config = loadConfig();
  await startStorageService(config);
}

main().catch((error: unknown) => {
  const logger = new Logger('storage');
  if (error instanceof ConfigError) logger.fatal(`invalid configuration: ${error.message}`);
  else logger.fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
