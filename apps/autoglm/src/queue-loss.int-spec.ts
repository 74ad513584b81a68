import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { createClient } from 'redis';
import { waitFor } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';
import { numberedFeeds, serveFeeds } from './testing/feed-server';
import { completeCounts, pipelineCounts, queuedForAnalysis } from './testing/pipeline-counts';
import { startServerBackend, type ServerBackend } from './testing/server-backend';

/**
 * Redis loses every queue (FLUSHDB, what a restart without persistence does) while the system
 * ingests: crawl jobs of claimed sources and analysis jobs of published outbox rows are gone.
 * Storage's sweeper recreates them from what PostgreSQL shows as pending, and every item ends
 * stored once with one analysis — none lost, none twice.
 */
const FEEDS = 6;
const ITEMS_PER_FEED = 40;
const TOTAL = FEEDS * ITEMS_PER_FEED;

describe('lost queues (Redis FLUSHDB during ingestion)', () => {
  let backend: ServerBackend;
  let feeds: Awaited<ReturnType<typeof serveFeeds>>;
  let dir: string;
  let system: EmbeddedSystem | undefined;
  const warnings: string[] = [];

  beforeAll(async () => {
    backend = await startServerBackend('autoglm_queue_loss', 11);
    // Later feeds answer later: their crawl jobs are still waiting in Redis when it is flushed.
    feeds = await serveFeeds(numberedFeeds(ITEMS_PER_FEED, (feed) => 400 * feed));
    dir = mkdtempSync(join(tmpdir(), 'autoglm-queue-loss-'));
    const original = Logger.prototype.warn;
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger, message: unknown, ...rest: unknown[]) {
      warnings.push(String(message));
      return original.call(this, message, ...rest);
    });
  });

  afterAll(async () => {
    await system?.close();
    await feeds?.close();
    rmSync(dir, { recursive: true, force: true });
    await backend?.cleanup();
    jest.restoreAllMocks();
  });

  it(
    'recreates the lost crawl and analysis jobs from PostgreSQL: every item stored once and analysed once',
    async () => {
      // One crawl at a time, so the flush finds crawls still waiting.
      const config = await embeddedTestConfig(dir, {
        database: { url: backend.databaseUrl },
        redis: { url: backend.redisUrl },
        queue: { sweepIntervalMs: 1_000 },
        crawler: { concurrency: 1 },
      });
      const running = await startEmbedded(config);
      system = running;
      for (let feed = 1; feed <= FEEDS; feed++) {
        const res = await fetch(`${running.url}/api/v1/sources`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: `${feeds.base}/feed-${feed}.xml` }),
        });
        expect(res.status).toBe(201);
      }
      await waitFor('analysis jobs in the queue', async () => ((await queuedForAnalysis(backend.databaseUrl)) >= 10 ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 50,
      });
      const redis = createClient({ url: backend.redisUrl });
      await redis.connect();
      await redis.flushDb();
      await redis.quit();
      const atFlush = await pipelineCounts(backend.databaseUrl);
      // Flushed mid-ingestion: otherwise this proves nothing about lost jobs.
      expect(atFlush.analysed).toBeLessThan(TOTAL);
      expect(atFlush.stored).toBeLessThan(TOTAL);

      const done = await waitFor(
        `all ${TOTAL} items stored and analysed once`,
        async () => {
          const counts = await pipelineCounts(backend.databaseUrl);
          return counts.stored === TOTAL && counts.notAnalysedOnce === 0 ? counts : undefined;
        },
        { timeoutMs: 150_000, intervalMs: 500 },
      );
      expect(done).toEqual(completeCounts(TOTAL));
      expect(warnings.some((line) => /recreated lost queue work from the database: [1-9]\d* analysis job\(s\) added/.test(line))).toBe(true);
      // Crawl jobs are recreated only when a crawl was still queued at the flush; ingestion may have finished them.
    },
    240_000,
  );
});
