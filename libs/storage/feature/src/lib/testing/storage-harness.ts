import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import type { Source, storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { createGrpcClient, type RunningService, type StorageClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory, type QueueFactory } from '@autoglm/shared-queue';
import { freePort, newSourceRequest } from '@autoglm/shared-testing';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import type { Clock } from '../shared/clock';
import { startStorageService } from '../start-storage-service';

const SERVER = 'postgres://postgres@127.0.0.1:5432';

/** A database owned by one integration spec, from creation to removal. */
export interface TestDatabase {
  readonly config: AppConfig['database'];
  /** Direct SQL on the database (PGlite is one session: only while no storage service has it open). */
  sql(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  dispose(): Promise<void>;
}

export type TestBackend = 'PGlite' | 'PostgreSQL';

export const TEST_BACKENDS: ReadonlyArray<[TestBackend]> = [['PGlite'], ['PostgreSQL']];

/** An empty database: PGlite in a temporary directory, or a new database on the PostgreSQL server here. */
export async function createTestDatabase(backend: TestBackend): Promise<TestDatabase> {
  if (backend === 'PGlite') {
    const dir = mkdtempSync(join(tmpdir(), 'autoglm-storage-'));
    const dataDir = join(dir, 'pglite');
    return {
      config: { ...defaultConfig().database, url: '', dataDir },
      async sql(text, params) {
        const server = await startEmbeddedPostgres(dataDir);
        try {
          return await query({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' }, text, params);
        } finally {
          await server.stop();
        }
      },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `storage_it_${randomUUID().replace(/-/g, '')}`;
  await query({ connectionString: `${SERVER}/postgres` }, `CREATE DATABASE ${name}`);
  return {
    config: { ...defaultConfig().database, url: `${SERVER}/${name}`, dataDir: '' },
    sql: (text, params) => query({ connectionString: `${SERVER}/${name}` }, text, params),
    dispose: async () => void (await query({ connectionString: `${SERVER}/postgres` }, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function query(connection: ClientConfig, text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>> {
  const client = new Client(connection);
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** A running storage service on a fresh database, with a gRPC client. */
export interface StorageHarness {
  readonly sut: StorageClient;
  /** host:port of the service, for clients made by hand. */
  readonly url: string;
  /** The database's connection URL ('' for PGlite). */
  readonly databaseUrl: string;
  /** The queues storage publishes to (nothing consumes them: jobs stay queued). */
  readonly queues: QueueFactory;
  createSource(): Promise<Source>;
  close(): Promise<void>;
}

export async function startStorageHarness(backend: TestBackend, clock?: Clock): Promise<StorageHarness> {
  const database = await createTestDatabase(backend);
  const queues = new InProcessQueueFactory();
  const base = defaultConfig();
  const config: AppConfig = { ...base, database: database.config, grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` } };
  let service: RunningService | undefined;
  try {
    service = await startStorageService(config, { queueFactory: queues, ...(clock ? { clock } : {}) });
  } catch (error) {
    await queues.close();
    await database.dispose();
    throw error;
  }
  const handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 30_000 });
  return {
    sut: handle.client,
    url: config.grpc.storage,
    databaseUrl: database.config.url,
    queues,
    async createSource() {
      const { source } = await handle.client.createSource(newSourceRequest());
      if (!source) throw new Error('storage created no source');
      return source;
    },
    async close() {
      handle.close();
      await service?.close();
      await queues.close();
      await database.dispose();
    },
  };
}

/** The error of a call that must fail. */
export async function rejection(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: number; message: string };
  }
  throw new Error('the call succeeded');
}

export function testFeedItem(key: string, overrides: Partial<storage.FeedItem> = {}): storage.FeedItem {
  return {
    itemKey: key,
    guid: key,
    url: `https://example.org/${key}`,
    title: `Title ${key}`,
    author: 'Ada',
    publishedAt: undefined,
    contentHtml: `<p>${key}</p>`,
    text: `Text of ${key}`,
    contentHash: `hash-${key}`,
    ...overrides,
  };
}

export function testAnalysis(articleId: string, overrides: Partial<storage.SaveAnalysisRequest> = {}): storage.SaveAnalysisRequest {
  return {
    articleId,
    modelVersion: 'test-model@1',
    language: 'en',
    keywords: ['alpha'],
    topic: 'science',
    summary: 'A summary.',
    embedding: [],
    simhash: '',
    ...overrides,
  };
}
