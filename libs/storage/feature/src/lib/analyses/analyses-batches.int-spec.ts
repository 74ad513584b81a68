import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { waitFor } from '@autoglm/shared-testing';
import { startStorageHarness, testAnalysis, testFeedItem, type StorageHarness } from '../testing/storage-harness';
import { STORY_ASSIGNMENT_LOCK } from './analyses.service';

/**
 * Saving analyses takes a transaction-scoped advisory lock (story assignment, one batch at a time
 * across replicas). A burst of saves must not turn into a pool of connections all waiting for that
 * lock: reads would then wait for a connection until their deadline. PostgreSQL only (PGlite is one
 * session, where the question does not arise).
 */
describe('analysis batches waiting for the story lock (PostgreSQL)', () => {
  let harness: StorageHarness;
  let holder: Client;

  beforeAll(async () => {
    harness = await startStorageHarness('PostgreSQL');
    holder = new Client({ connectionString: harness.databaseUrl });
    await holder.connect();
  });

  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await harness?.close();
  });

  const waiting = async () =>
    Number(
      (
        await holder.query(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
        )
      ).rows[0].n,
    );

  it('holds one connection waiting per process, keeps reads answering, and saves every batch once the lock is free', async () => {
    const { sut } = harness;
    const source = await harness.createSource();
    const prefix = randomUUID();
    const { articleIds } = await sut.upsertArticles({ sourceId: source.id, items: Array.from({ length: 12 }, (_, i) => testFeedItem(`${prefix}-${i}`)) });

    // Another replica's batch holds the lock.
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [STORY_ASSIGNMENT_LOCK]);
    const saves = articleIds.map((id) => sut.saveAnalysis(testAnalysis(id)));

    await waitFor('a save waiting for the lock', async () => ((await waiting()) > 0 ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 });
    // Twelve saves in flight: the pool (10 connections) would be all waiting without the process's own queue.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await waiting()).toBe(1);
    const { articles } = await sut.listArticles({ limit: 20, cursor: '', sourceId: source.id, topic: '', language: '', withoutContent: false });
    expect(articles).toHaveLength(12);
    expect(await waiting()).toBe(1);

    await holder.query('COMMIT');
    await Promise.all(saves);
    for (const id of articleIds) expect((await sut.getArticle({ id })).article).toMatchObject({ analyzed: true });
  }, 60_000);
});
