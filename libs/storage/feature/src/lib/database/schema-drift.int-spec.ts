import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { STORAGE_MIGRATIONS } from '../migrations';
import { migrateStorageDatabase } from './migrate-storage';
import { pendingSchemaChanges } from './schema-drift';
import { openStorageDatabase } from './storage-database';

const SERVER = 'postgres://postgres@127.0.0.1:5432';

interface EmptyDatabase {
  config: AppConfig['database'];
  dispose(): Promise<void>;
}

async function emptyPglite(): Promise<EmptyDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-drift-'));
  return { config: { ...defaultConfig().database, url: '', dataDir: join(dir, 'pglite') }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function emptyPostgres(): Promise<EmptyDatabase> {
  const name = `storage_drift_${randomUUID().replace(/-/g, '')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: `${SERVER}/postgres` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return { config: { ...defaultConfig().database, url: `${SERVER}/${name}`, dataDir: '' }, dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const ALL_MIGRATIONS = STORAGE_MIGRATIONS.map((migration) => new migration().name);

describe.each([['PGlite', emptyPglite], ['PostgreSQL', emptyPostgres]])('storage migrations on %s', (_name, create) => {
  let database: EmptyDatabase;

  beforeAll(async () => {
    database = await create();
  });

  afterAll(() => database.dispose());

  it('the migrate command runs every migration on an empty database, in order, then nothing', async () => {
    const first = await migrateStorageDatabase(database.config);
    const second = await migrateStorageDatabase(database.config);

    expect(first).toEqual(ALL_MIGRATIONS);
    expect(second).toEqual([]);
  });

  it('leaves no difference between the entities and the migrated schema (no drift)', async () => {
    const db = await openStorageDatabase(database.config, { migrationsRun: false });
    try {
      // Listed in the failure message: the statements TypeORM would need to match the entities.
      expect(await pendingSchemaChanges(db.dataSource)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('reports drift when the schema and the entities disagree', async () => {
    const db = await openStorageDatabase(database.config, { migrationsRun: false });
    try {
      await db.dataSource.query(`ALTER TABLE sources DROP COLUMN origin`);
      await db.dataSource.query(`DROP INDEX "IDX_sources_next_check_at"`);

      const pending = await pendingSchemaChanges(db.dataSource);

      expect(pending).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^ALTER TABLE "sources" ADD "origin" text NOT NULL DEFAULT 'api'/),
          expect.stringMatching(/^CREATE INDEX "IDX_sources_next_check_at" ON "sources"/),
        ]),
      );
    } finally {
      await db.close();
    }
  });
});
