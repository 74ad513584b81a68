import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@autoglm/shared-config';
import { startRecommenderService } from '@autoglm/recommender-feature';

async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startRecommenderService(config);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  new Logger('recommender').error(error.message);
  process.exit(1);
});
