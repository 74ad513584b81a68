import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@autoglm/shared-config';
import { migrateStorageDatabase } from '@autoglm/storage-feature';

/** `npm run migrate`: runs pending migrations on DATABASE_URL (else the PGlite data dir) and lists them; a Kubernetes Job runs the same. */
async function main(): Promise<void> {
  const logger = new Logger('migrate');
  try {
    const config = loadConfig();
    const target = config.database.url ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.database.dataDir}`;
    const ran = await migrateStorageDatabase(config.database);
    if (ran.length === 0) logger.log(`${target}: up to date, no migration ran`);
    else logger.log(`${target}: ran ${ran.length} migration(s): ${ran.join(', ')}`);
  } catch (error) {
    if (error instanceof ConfigError) logger.fatal(`invalid configuration: ${error.message}`);
    else logger.fatal(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

void main();
