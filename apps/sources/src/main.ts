import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@autoglm/shared-config';
import { startSourcesService } from '@autoglm/sources-feature';

async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startSourcesService(config);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  new Logger('sources').error(error.message);
  process.exit(1);
});
