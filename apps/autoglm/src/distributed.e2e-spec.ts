import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, waitFor } from '@autoglm/shared-testing';
import { numberedFeeds, serveFeeds, type FeedRoute } from './testing/feed-server';
import { LauncherProcess } from './testing/launcher-process';
import { completeCounts, pipelineCounts, queuedForAnalysis } from './testing/pipeline-counts';
import { TestRedisServer } from './testing/redis-server';
import { TcpProxy } from './testing/tcp-proxy';
import { startServerBackend, type ServerBackend } from './testing/server-backend';

/**
 * The six services as separate processes (`npm run start:distributed --replicas crawler=2,analysis=2`:
 * gateway, sources, storage, recommender, two crawlers, two analysis workers) on the machine's
 * PostgreSQL (a database of this run) and a redis-server of this run, ingesting loopback feeds
 * through faults injected into the real processes:
 * - kill -9 of a crawler and of an analysis worker mid-job (the launcher restarts them; BullMQ hands
 *   their stalled jobs to a worker);
 * - Redis killed and started again empty (queues lost; storage's sweeper recreates the work);
 * - PostgreSQL unreachable for a while (a TCP proxy in front of it is cut; the machine's server runs on);
 * - a poison feed and a tarpit feed server dripping one byte a second (bounded by the fetch deadline);
 * - the recommender killed while the gateway serves it (503 within the RPC deadline, 200 after);
 * - SIGTERM to the whole deployment (every process exits 0).
 * Afterwards every item is stored once with one analysis, like embedded mode, and the reading event
 * the gateway acknowledged before the faults is still there.
 */
const ITEMS_PER_FEED = 30;
const FIRST_FEEDS = [1, 2, 3, 4, 5, 6];
const LATER_FEEDS = [7, 8];
const OUTAGE_FEEDS = [9, 10];
/** How long PostgreSQL stays unreachable for the services. */
const OUTAGE_MS = 20_000;
const RPC_DEADLINE_MS = 5_000;
/** Seven processes transpile their sources and two load the models, on a loaded 2-core machine. */
const START_TIMEOUT_MS = 240_000;
/** A killed worker's job waits for BullMQ's stalled-job check (lock 30 s + check every 30 s). */
const RECOVERY_TIMEOUT_MS = 180_000;

/** `/tarpit.xml` answers the probe of the source's creation at once; later, its headers, then one byte a second for as long as the client stays. */
function tarpit(): FeedRoute {
  let requests = 0;
  return (req, res) => {
    if (req.url !== '/tarpit.xml') return false;
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    if (++requests === 1) {
      res.end('<?xml version="1.0"?><rss version="2.0"><channel><title>Tarpit</title></channel></rss>');
      return true;
    }
    const drip = setInterval(() => res.write('<'), 1_000);
    res.on('close', () => clearInterval(drip));
    return true;
  };
}

/** `/poison.xml`: announced as RSS, and bytes that are no feed at all, which makes the parser throw (a ParseError). */
const poison: FeedRoute = (req, res) => {
  if (req.url !== '/poison.xml') return false;
  res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x3c, 0x00, 0x21]));
  return true;
};

async function query<T>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('distributed mode: every service its own process, through faults', () => {
  let backend: ServerBackend;
  let redis: TestRedisServer;
  let postgres: TcpProxy;
  let feeds: Awaited<ReturnType<typeof serveFeeds>>;
  let dir: string;
  let launcher: LauncherProcess;
  let url = '';

  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const addFeed = async (path: string) => expect((await post('/api/v1/sources', { url: `${feeds.base}${path}` })).status).toBe(201);
  const allStoredAndAnalysed = (total: number) =>
    waitFor(
      `all ${total} items stored and analysed once`,
      async () => {
        const counts = await pipelineCounts(backend.databaseUrl);
        return counts.stored >= total && counts.notAnalysedOnce === 0 ? counts : undefined;
      },
      { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 500 },
    );
  const killHard = (label: string) => process.kill(launcher.pidOf(label), 'SIGKILL');

  beforeAll(async () => {
    backend = await startServerBackend('autoglm_distributed', 13);
    redis = await TestRedisServer.start();
    // The services reach PostgreSQL through a proxy the spec can cut; the spec itself reads it directly.
    postgres = await TcpProxy.start({ host: '127.0.0.1', port: 5432 });
    // The feeds answer after a while, so crawls are in flight when a crawler is killed.
    feeds = await serveFeeds(numberedFeeds(ITEMS_PER_FEED, (_feed, request) => (request === 1 ? 0 : 2_500)), tarpit(), poison);
    dir = mkdtempSync(join(tmpdir(), 'autoglm-distributed-'));
    writeFileSync(join(dir, 'config.yaml'), 'crawler:\n  timeoutMs: 4000\nsources: []\n');
    const [http, ...grpc] = await Promise.all([0, 1, 2, 3, 4, 5].map(() => freePort()));
    const env: Record<string, string> = {
      DATABASE_URL: backend.databaseUrl.replace('127.0.0.1:5432', `127.0.0.1:${postgres.port}`),
      REDIS_URL: redis.url,
      AUTOGLM_CONFIG: join(dir, 'config.yaml'),
      HOST: '127.0.0.1',
      PORT: String(http),
      AUTOGLM_ALLOW_HOSTS: '127.0.0.1',
      MODEL_DIR: join(__dirname, '..', '..', '..', 'models'),
      SCHEDULER_TICK_MS: '300',
      QUEUE_SWEEP_INTERVAL_MS: '2000',
      RPC_DEADLINE_MS: String(RPC_DEADLINE_MS),
      RATE_LIMIT_ENABLED: 'false',
      API_READ_CACHE_MS: '0',
    };
    ['STORAGE', 'SOURCES', 'CRAWLER', 'ANALYSIS', 'RECOMMENDER'].forEach((name, i) => (env[`GRPC_${name}_URL`] = `127.0.0.1:${grpc[i]}`));
    launcher = new LauncherProcess(env, ['--replicas', 'crawler=2,analysis=2']);
    url = await launcher.started(START_TIMEOUT_MS);
  }, START_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    launcher?.kill();
    await feeds?.close();
    await redis?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
    await backend?.cleanup();
  });

  it('starts 8 processes and says which kNN path this PostgreSQL gives (no pgvector here: exact cosine)', () => {
    expect(launcher.lines.filter((line) => /^\[launcher\] \S+ started \(pid \d+\)$/.test(line))).toHaveLength(8);
    const knn = launcher.lines.find((line) => /\[storage\].*kNN search: /.test(line));
    expect(knn).toMatch(/kNN search: (pgvector|exact cosine)/);
    process.stdout.write(`distributed.e2e-spec: storage's ${knn?.replace(/^.*kNN search: /, 'kNN search: ')}\n`);
  });

  it(
    'survives kill -9 of a crawler and of an analysis worker mid-job, a poison feed and a tarpit: every item stored and analysed once',
    async () => {
      for (const feed of FIRST_FEEDS) await addFeed(`/feed-${feed}.xml`);
      await addFeed('/poison.xml');
      await addFeed('/tarpit.xml');
      // Both crawlers hold crawls (the feeds answer after 2.5 s): kill one mid-fetch.
      await waitFor('crawls in flight', async () => ((await query(backend.databaseUrl, `SELECT 1 FROM sources WHERE claimed_at IS NOT NULL`)).length >= 4 ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      killHard('crawler#1');
      await waitFor('analysis jobs in flight', async () => ((await queuedForAnalysis(backend.databaseUrl)) >= 5 ? true : undefined), {
        timeoutMs: 90_000,
        intervalMs: 100,
      });
      killHard('analysis#1');

      // A user action acknowledged now must survive everything that follows.
      const [article] = await query<{ id: string }>(backend.databaseUrl, `SELECT id FROM articles ORDER BY id LIMIT 1`);
      const event = await post('/api/v1/events', { userId: 'me', articleId: article.id, type: 'like' });
      expect(event.status).toBeLessThan(300);

      const total = FIRST_FEEDS.length * ITEMS_PER_FEED;
      expect(await allStoredAndAnalysed(total)).toEqual(completeCounts(total));
      await launcher.waitForLine(/^\[launcher\] crawler#1 is back/, 60_000);
      await launcher.waitForLine(/^\[launcher\] analysis#1 is back/, 60_000);

      const broken = await query<{ url: string; lastError: string }>(
        backend.databaseUrl,
        `SELECT url, last_error AS "lastError" FROM sources WHERE url LIKE '%/poison.xml' OR url LIKE '%/tarpit.xml' ORDER BY url`,
      );
      expect(broken).toEqual([
        { url: `${feeds.base}/poison.xml`, lastError: expect.stringMatching(/not an RSS, Atom, RDF or JSON feed/) },
        { url: `${feeds.base}/tarpit.xml`, lastError: expect.stringMatching(/time|deadline|abort/i) },
      ]);
    },
    2 * RECOVERY_TIMEOUT_MS,
  );

  it(
    'survives Redis restarted without persistence during ingestion (queues lost): the sweeper recreates the work',
    async () => {
      for (const feed of LATER_FEEDS) await addFeed(`/feed-${feed}.xml`);
      const before = (await pipelineCounts(backend.databaseUrl)).stored;
      await waitFor('crawls of the new feeds claimed', async () => ((await query(backend.databaseUrl, `SELECT 1 FROM sources WHERE claimed_at IS NOT NULL AND url LIKE '%/feed-%'`)).length > 0 ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      const linesBefore = launcher.lines.length;
      await redis.restart();
      expect((await pipelineCounts(backend.databaseUrl)).stored).toBeLessThan(before + LATER_FEEDS.length * ITEMS_PER_FEED);

      const total = (FIRST_FEEDS.length + LATER_FEEDS.length) * ITEMS_PER_FEED;
      expect(await allStoredAndAnalysed(total)).toEqual(completeCounts(total));
      await launcher.waitForLine(/\[storage\].*recreated lost queue work from the database/, 10_000, linesBefore);
      const events = await query<{ n: number }>(backend.databaseUrl, `SELECT count(*)::int AS n FROM reading_events`);
      expect(events[0].n).toBe(1);
    },
    RECOVERY_TIMEOUT_MS + 30_000,
  );

  it(
    `survives PostgreSQL unreachable for ${OUTAGE_MS / 1000} s during ingestion, with no operator action`,
    async () => {
      for (const feed of OUTAGE_FEEDS) await addFeed(`/feed-${feed}.xml`);
      await waitFor('crawls of the new feeds claimed', async () => ((await query(backend.databaseUrl, `SELECT 1 FROM sources WHERE claimed_at IS NOT NULL AND url LIKE '%/feed-%'`)).length > 0 ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      await postgres.stop();
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await postgres.start();

      const total = (FIRST_FEEDS.length + LATER_FEEDS.length + OUTAGE_FEEDS.length) * ITEMS_PER_FEED;
      expect(await allStoredAndAnalysed(total)).toEqual(completeCounts(total));
      const events = await query<{ n: number }>(backend.databaseUrl, `SELECT count(*)::int AS n FROM reading_events`);
      expect(events[0].n).toBe(1);
      expect((await fetch(`${url}/health`)).status).toBe(200);
    },
    OUTAGE_MS + RECOVERY_TIMEOUT_MS + 30_000,
  );

  it(
    'answers 503 within the RPC deadline while the recommender is down, and 200 again once it is back',
    async () => {
      const recommendations = async () => {
        const startedAt = Date.now();
        const res = await fetch(`${url}/api/v1/users/me/recommendations`);
        await res.text();
        return { status: res.status, ms: Date.now() - startedAt };
      };
      expect((await recommendations()).status).toBe(200);
      const linesBefore = launcher.lines.length;
      killHard('recommender');
      const answers: Array<{ status: number; ms: number }> = [];
      await waitFor(
        'the recommender back',
        async () => {
          const answer = await recommendations();
          answers.push(answer);
          return answer.status === 200 && answers.some((a) => a.status === 503) ? true : undefined;
        },
        { timeoutMs: START_TIMEOUT_MS, intervalMs: 200 },
      );
      await launcher.waitForLine(/^\[launcher\] recommender is back/, 10_000, linesBefore);
      expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
      // Each answer within the deadline (plus the time a loaded machine takes to answer at all).
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(RPC_DEADLINE_MS + 2_000);
    },
    START_TIMEOUT_MS + 30_000,
  );

  it('stops every process on SIGTERM, storage last, and exits 0', async () => {
    launcher.signal('SIGTERM');
    const exit = await launcher.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const stops = launcher.lines.filter((line) => /stopped in \d+ ms/.test(line)).map((line) => /^\[(\S+)\]/.exec(line)?.[1]);
    expect(stops).toHaveLength(8);
    expect(stops[stops.length - 1]).toBe('storage');
    expect(launcher.lines.filter((line) => /stopping failed|client is closed|Unhandled/i.test(line))).toEqual([]);
  }, 60_000);
});
