import type { AppConfig } from '@autoglm/shared-config';
import { openStorageDatabase } from './storage-database';

/**
 * Runs the pending migrations on the configured database (PostgreSQL at url, else PGlite in
 * dataDir) and returns the names of those that ran, in order (empty when it was up to date).
 * This is what `npm run migrate` (and a Kubernetes Job) runs before the services start.
 */
export async function migrateStorageDatabase(config: AppConfig['database']): Promise<string[]> {
  const db = await openStorageDatabase(config, { migrationsRun: false });
  try {
    const ran = await db.dataSource.runMigrations({ transaction: 'all' });
    return ran.map((migration) => migration.name);
  } finally {
    await db.close();
  }
}
