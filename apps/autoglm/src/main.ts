import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@autoglm/shared-config';
import { startEmbedded } from './embedded';

async function main(): Promise<void> {
  const system = await startEmbedded(loadConfig());
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void system.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  new Logger('autoglm').error(`failed to start: ${error.message}`);
  process.exit(1);
});
