// For-You latency (issue 13): the recommendation call for a user with 1,000 reading events over 100,000 articles,
// p50/p99, next to the bare kNN query it is built on — the same vector query the recommender sends storage (the
// user's profile vector, 3× the page size, the read articles excluded, HNSW with the same search list), straight
// against the database — in alternating rounds of the same run, with the ratio. Goal: p99 ≤ 3× bare kNN.
//
// The articles are synthetic but shaped like the real ones: unit embeddings around `--clusters` topic centroids
// (cosine to their centroid ~0.8, like articles of one topic), published over 30 days, in stories of up to 4,
// analysed, their search text indexed as ingestion does (left empty, storage's start-up backfill filled it during
// the timed calls, more slowly each round); loaded in bulk with set-based SQL inside the database (the vectors are
// made there), then indexed (HNSW) and analysed. Each user reads from 3 of the topics (open, dwell, like and a few hides over 30 days).
// PostgreSQL at --postgres (default postgres://postgres@127.0.0.1:5432/postgres, a scratch database is created)
// when it has pgvector, else PGlite (which ships it); the output says which ran.
//
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/foryou-latency.js \
//     [--articles 100000] [--events 1000] [--users 4] [--dims 128] [--rounds 3] [--calls 40] [--postgres <url>]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SourceKind, type recommender, type storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { createGrpcClient, type PromiseClient, type RunningService } from '@autoglm/shared-grpc';
import { closeInProcessQueues, InProcessQueueFactory } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { RecommendationService, startRecommenderService } from '@autoglm/recommender-feature';
import { buildNearestQuery, hnswEfSearch, hnswIndexSql, SEARCH_VECTOR_SQL, startEmbeddedPostgres, startStorageService } from '@autoglm/storage-feature';

const MODEL = 'bench@1';
/** The recommendation page size the bench asks for (the API's default). */
const PAGE = 20;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}
function textOption(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

const ARTICLES = option('--articles', 100_000);
const EVENTS = option('--events', 1_000);
const USERS = option('--users', 4);
const DIMS = option('--dims', 128);
const ROUNDS = option('--rounds', 3);
const CALLS = option('--calls', 40);
const CLUSTERS = option('--clusters', 200);
const POSTGRES = textOption('--postgres', 'postgres://postgres@127.0.0.1:5432/postgres');
const BENCH_DATABASE = 'autoglm_bench_foryou';
/** Sizes of the two noise pools (coprime, so their pairs repeat only after their product). */
const NOISE_POOLS = [997, 991] as const;

interface Database {
  kind: string;
  config: (base: AppConfig) => AppConfig;
  /** A pg client on the database while storage is not running (PGlite takes one session at a time). */
  connect: () => Promise<{ client: Client; close: () => Promise<void> }>;
  drop: () => Promise<void>;
}

async function postgresWithPgvector(): Promise<Database | undefined> {
  const admin = new Client({ connectionString: POSTGRES });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  try {
    const { rows } = await admin.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
    if (rows.length === 0) return undefined;
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE}`);
    await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES);
  url.pathname = `/${BENCH_DATABASE}`;
  return {
    kind: `PostgreSQL (${url.host}, pgvector)`,
    config: (base) => ({ ...base, database: { ...base.database, url: url.toString() } }),
    connect: async () => {
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      return { client, close: () => client.end() };
    },
    drop: async () => {
      const admin = new Client({ connectionString: POSTGRES });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE}`);
      await admin.end();
    },
  };
}

function pglite(): Database {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-bench-foryou-'));
  const dataDir = join(dir, 'pglite');
  return {
    kind: 'PGlite (embedded, pgvector 0.8)',
    config: (base) => ({ ...base, database: { ...base.database, url: '', dataDir } }),
    connect: async () => {
      // The same worker, socket and shutdown as storage's own (a PGlite opened on this thread and closed
      // by hand left catalog files that storage could not read on the next open).
      const server = await startEmbeddedPostgres(dataDir);
      const client = new Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
      await client.connect();
      return {
        client,
        close: async () => {
          await client.end();
          await server.stop();
        },
      };
    },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** Articles, analyses, embeddings (made in the database), stories and events, set-based, in batches. */
async function load(client: Client, sourceId: string): Promise<void> {
  const started = Date.now();
  await client.query(`SELECT setseed(0.42)`);
  // Topic centroids: random unit directions.
  await client.query(`CREATE TEMP TABLE centroids AS
    SELECT c AS cluster, l2_normalize(array_agg(random() - 0.5 ORDER BY d)::vector) AS v
      FROM generate_series(0, ${CLUSTERS - 1}) c, generate_series(1, ${DIMS}) d GROUP BY c`);
  // Noise vectors of norm ~0.53 each (two of them: ~0.75, so cosine to the centroid ~0.8).
  await client.query(`CREATE TEMP TABLE noise AS
    SELECT p AS pool, i, (array_agg((random() - 0.5) * ${(0.53 * Math.sqrt(12 / DIMS)).toFixed(6)} ORDER BY d))::vector AS v
      FROM (VALUES (1, ${NOISE_POOLS[0]}), (2, ${NOISE_POOLS[1]})) pools(p, size), generate_series(0, size - 1) i, generate_series(1, ${DIMS}) d
     GROUP BY p, i`);
  await client.query(`CREATE INDEX ON noise (pool, i)`);
  // Each batch's articles (id and number) in a small table, so the other inserts join only those.
  await client.query(`CREATE TEMP TABLE batch_articles (id uuid PRIMARY KEY, n int NOT NULL)`);
  const batch = 5_000;
  for (let from = 0; from < ARTICLES; from += batch) {
    const to = Math.min(ARTICLES, from + batch) - 1;
    await client.query('BEGIN');
    // DELETE, not TRUNCATE: a truncated temporary table left PGlite's catalog files broken on the next open.
    await client.query('DELETE FROM batch_articles');
    await client.query(
      `WITH a AS (
         INSERT INTO articles (source_id, item_key, url, title, text, published_at, fetched_at, updated_at, content_hash, search_vector)
         SELECT $1, 'bench-' || i, 'https://bench.example.org/' || i, t.title, t.text,
                now() - (i % 43200) * interval '1 minute', now() - (i % 43200) * interval '1 minute', now(), 'h' || i, ${SEARCH_VECTOR_SQL('t.title', 't.text')}
           FROM generate_series($2::int, $3::int) i,
                LATERAL (SELECT 'Article ' || i || ' about topic ' || (i % ${CLUSTERS}) AS title, 'Synthetic article ' || i || '.' AS text) t
         RETURNING id, substring(item_key from 7)::int AS n)
       INSERT INTO batch_articles SELECT id, n FROM a`,
      [sourceId, from, to],
    );
    await client.query(
      `INSERT INTO article_analyses (article_id, model_version, language, keywords, topic, summary, simhash, created_at)
       SELECT b.id, $1, 'en', ARRAY['topic' || (b.n % ${CLUSTERS})], 'topic' || (b.n % 12), 'A synthetic summary.', lpad(to_hex(b.n), 16, '0'), now()
         FROM batch_articles b`,
      [MODEL],
    );
    // Each embedding: its topic's centroid plus two noise vectors from coprime pools (~10^6 distinct sums;
    // cosine to the centroid ~0.8), normalised — vector arithmetic in pgvector, no per-element work in SQL.
    await client.query(
      `INSERT INTO article_embeddings (article_id, model_version, dims, values, vec)
       SELECT x.id, $1, ${DIMS}, x.v::real[], x.v
         FROM (SELECT b.id, l2_normalize(c.v + n1.v + n2.v) AS v
                 FROM batch_articles b
                 JOIN centroids c ON c.cluster = b.n % ${CLUSTERS}
                 JOIN noise n1 ON n1.pool = 1 AND n1.i = b.n % ${NOISE_POOLS[0]}
                 JOIN noise n2 ON n2.pool = 2 AND n2.i = (b.n / ${CLUSTERS}) % ${NOISE_POOLS[1]}) x`,
      [MODEL],
    );
    // Stories of up to 4 consecutive articles.
    await client.query(
      `WITH s AS (
         INSERT INTO story_clusters (title, created_at, updated_at, size)
         SELECT 'Story ' || g, now(), now(), 4 FROM generate_series($1::int / 4, $2::int / 4) g
         RETURNING id, substring(title from 7)::int AS g)
       INSERT INTO story_memberships (cluster_id, article_id, joined_at, similarity)
       SELECT s.id, b.id, now(), 1 FROM batch_articles b JOIN s ON s.g = b.n / 4`,
      [from, to],
    );
    await client.query('COMMIT');
    if ((to + 1) % 20_000 === 0 || to + 1 === ARTICLES) console.log(`  ${to + 1} articles loaded (${seconds(started)} s)`);
  }
  for (let u = 0; u < USERS; u++) {
    // Three topics per user; mostly opens and dwells, some likes, a few hides, over 30 days.
    await client.query(
      `INSERT INTO reading_events (user_id, article_id, type, dwell_seconds, occurred_at)
       SELECT $1, a.id, CASE WHEN r < 0.55 THEN 1 WHEN r < 0.85 THEN 2 WHEN r < 0.97 THEN 3 ELSE 4 END,
              CASE WHEN r >= 0.55 AND r < 0.85 THEN 30 + floor(random() * 150) ELSE 0 END, now() - random() * interval '30 days'
         FROM (SELECT e, random() AS r, (($2::int + (e % 3) * 7) % ${CLUSTERS}) + ${CLUSTERS} * floor(random() * (${ARTICLES} / ${CLUSTERS}))::int AS n
                 FROM generate_series(1, $3::int) e) x
         JOIN articles a ON a.item_key = 'bench-' || x.n`,
      [`bench-user-${u}`, u * 11, EVENTS],
    );
  }
  console.log(`  events loaded (${seconds(started)} s); building the HNSW index…`);
  // The index is built once over all rows (much faster than growing it row by row).
  await client.query(hnswIndexSql(DIMS));
  // The full-text index's pending list merged now, not by storage's start-up maintenance during the first round.
  await client.query(`SELECT gin_clean_pending_list('"IDX_articles_search_vector"'::regclass)`);
  // Planner statistics only: a VACUUM here (after the temporary tables' catalog churn) left PGlite's catalog
  // files truncated on the next open ("could not read blocks … base/5/2688").
  await client.query('ANALYZE');
  console.log(`  indexed and analysed (${seconds(started)} s)`);
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
};

/** Calls run CALLS times after one untimed pass per user; the times in ms. */
async function timed(users: string[], run: (user: string) => Promise<unknown>): Promise<number[]> {
  for (const user of users) await run(user);
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const user = users[i % users.length] as string;
    const start = process.hrtime.bigint();
    await run(user);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

interface NearestCall {
  vector: number[];
  excludeIds: string[];
}

/** Storage and the recommender as services; the recommendation call through the recommender's gRPC API. */
async function timeOurs(config: AppConfig, users: string[]): Promise<{ times: number[]; queries: Map<string, NearestCall> }> {
  const services: RunningService[] = [await startStorageService(config, { queueFactory: new InProcessQueueFactory() })];
  services.push(await startRecommenderService(config));
  const recommenderClient = createGrpcClient<recommender.RecommenderServiceClient>('recommender', { url: config.grpc.recommender, deadlineMs: 60_000 });
  const storageClient = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 60_000 });
  try {
    let served = 0;
    const times = await timed(users, async (user) => {
      const { items } = await recommenderClient.client.getRecommendations({ limit: PAGE }, { actor: user });
      served += items.length;
    });
    if (served === 0) throw new Error('the recommender answered no items');
    // The vector query each user's recommendation sends storage (the same profile code, the same storage).
    const profiles = new RecommendationService(storageClient.client as PromiseClient<storage.StorageServiceClient>, { now: () => new Date() });
    const queries = new Map<string, NearestCall>();
    for (const user of users) {
      const { profile, readIds } = await profiles.profile(user, new Date());
      queries.set(user, { vector: profile.vector, excludeIds: readIds });
    }
    return { times, queries };
  } finally {
    recommenderClient.close();
    storageClient.close();
    for (const s of services.reverse()) await s.close();
    // The in-process queues are the process's (as in the embedded system): the next round registers its consumers again.
    await closeInProcessQueues();
  }
}

/** The bare kNN: storage's own statement for that vector query, with its search list, straight on the database. */
async function timeBare(database: Database, users: string[], queries: Map<string, NearestCall>): Promise<number[]> {
  const { client, close } = await database.connect();
  try {
    return await timed(users, async (user) => {
      const call = queries.get(user) as NearestCall;
      const limit = PAGE * 3;
      const { sql, params } = buildNearestQuery({ pgvector: true, indexed: true, vector: call.vector, limit, excludeIds: call.excludeIds, modelVersion: '' });
      await client.query('BEGIN');
      await client.query(`SET LOCAL hnsw.ef_search = ${hnswEfSearch(limit, call.excludeIds.length)}`);
      const { rows } = await client.query(sql, params);
      await client.query('COMMIT');
      if (rows.length === 0) throw new Error('the bare kNN found nothing');
    });
  } finally {
    await close();
  }
}

async function main(): Promise<void> {
  const database = (await postgresWithPgvector()) ?? pglite();
  console.log(`For-You latency: ${ARTICLES} articles × ${DIMS}-d, ${USERS} users × ${EVENTS} events, ${ROUNDS} alternating rounds × ${CALLS} calls`);
  console.log(`database: ${database.kind}${database.kind.startsWith('PGlite') ? ` (PostgreSQL at ${new URL(POSTGRES).host} has no pgvector, or is unreachable)` : ''}`);
  const base = defaultConfig();
  const [storagePort, recommenderPort] = await Promise.all([freePort(), freePort()]);
  const config = database.config({ ...base, grpc: { ...base.grpc, storage: `127.0.0.1:${storagePort}`, recommender: `127.0.0.1:${recommenderPort}` } });
  const users = Array.from({ length: USERS }, (_, u) => `bench-user-${u}`);
  try {
    // Storage creates the schema; the source is made through its API, the rest in bulk.
    const queues = new InProcessQueueFactory();
    const service = await startStorageService(config, { queueFactory: queues });
    const handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 60_000 });
    const { source } = await handle.client.createSource({ url: 'https://bench.example.org/feed.xml', title: 'bench', kind: SourceKind.SOURCE_KIND_UNSPECIFIED, intervalSeconds: 0, origin: '', ifMissing: false, category: '', fullText: false });
    handle.close();
    await service.close();
    await queues.close();
    if (!source) throw new Error('no source created');
    const { client, close } = await database.connect();
    try {
      await load(client, source.id);
    } finally {
      await close();
    }

    const rows: Array<{ round: number; ours_p50: number; ours_p99: number; knn_p50: number; knn_p99: number }> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const ours = await timeOurs(config, users);
      const bare = await timeBare(database, users, ours.queries);
      rows.push({ round, ours_p50: quantile(ours.times, 0.5), ours_p99: quantile(ours.times, 0.99), knn_p50: quantile(bare, 0.5), knn_p99: quantile(bare, 0.99) });
    }
    console.table(
      rows.map((r) => ({
        round: r.round,
        'For You p50 ms': r.ours_p50.toFixed(1),
        'For You p99 ms': r.ours_p99.toFixed(1),
        'bare kNN p50 ms': r.knn_p50.toFixed(1),
        'bare kNN p99 ms': r.knn_p99.toFixed(1),
        'p50 ratio': `${(r.ours_p50 / r.knn_p50).toFixed(2)}×`,
        'p99 ratio': `${(r.ours_p99 / r.knn_p99).toFixed(2)}×`,
      })),
    );
    const median = (xs: number[]) => quantile(xs, 0.5);
    const p99Ratio = median(rows.map((r) => r.ours_p99 / r.knn_p99));
    const p50Ratio = median(rows.map((r) => r.ours_p50 / r.knn_p50));
    console.log(`median of the per-round ratios: p50 ${p50Ratio.toFixed(2)}×, p99 ${p99Ratio.toFixed(2)}× (goal p99 ≤ 3×: ${p99Ratio <= 3 ? 'MET' : 'MISSED'})`);
  } finally {
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
