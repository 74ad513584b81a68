import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { AnalysesService } from '../analyses/analyses.service';
import { PushTrigger } from '../push/push-trigger';
import { openStorageDatabase, type StorageDatabase } from '../database/storage-database';
import { SearchSegmenter } from '../search/search-segmenter';
import { systemClock } from '../shared/clock';
import { StoryClustering } from '../stories/story-clustering';
import { createTestDatabase, type TestDatabase } from '../testing/storage-harness';
import { HnswIndexes } from './hnsw-indexes';
import { buildNearestQuery, hnswIndexName } from './nearest-query';
import type { ScoredArticleRow } from './scored-article.mapper';
import { SimilarityService } from './similarity.service';

const VECTORS = 20_000;
const DIMS = 64;
const QUERIES = 50;
const K = 10;

/** Deterministic query vectors (mulberry32), uniform in [-1, 1). */
function randomVectors(count: number, dims: number, seed: number): number[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Array.from({ length: dims }, () => next() * 2 - 1));
}

describe('kNN over an HNSW index (PGlite, pgvector)', () => {
  let database: TestDatabase;
  let db: StorageDatabase;
  let hnsw: HnswIndexes;
  let sut: SimilarityService;
  let buildMs = 0;

  beforeAll(async () => {
    database = await createTestDatabase('PGlite');
    db = await openStorageDatabase(database.config);
    const [{ id: sourceId }] = (await db.dataSource.query(
      `INSERT INTO sources (url, kind, status, interval_seconds, effective_interval_seconds, next_check_at)
       VALUES ($1, 1, 1, 600, 600, now()) RETURNING id`,
      [`https://example.org/${randomUUID()}.xml`],
    )) as Array<{ id: string }>;
    await db.dataSource.query(
      `INSERT INTO articles (source_id, item_key, title, fetched_at, updated_at, content_hash)
       SELECT $1, 'item-' || i, 'Article ' || i, now(), now(), 'h' || i FROM generate_series(1, $2::int) i`,
      [sourceId, VECTORS],
    );
    // Random vectors in SQL (seeded: PGlite is one session, so setseed applies to the next statement).
    await db.dataSource.query(`SELECT setseed(0.42)`);
    await db.dataSource.query(
      `INSERT INTO article_embeddings (article_id, model_version, dims, values, vec)
       SELECT a.id, 'random@1', $1::int, v.x, v.x::vector
         FROM articles a
         CROSS JOIN LATERAL (SELECT array_agg((random() * 2 - 1)::real) AS x FROM generate_series(1, $1::int) WHERE a.id IS NOT NULL) v`,
      [DIMS],
    );
    hnsw = new HnswIndexes(db);
    await hnsw.onModuleInit();
    sut = new SimilarityService(db, new SearchSegmenter(), hnsw);
  });

  afterAll(async () => {
    await db?.close();
    await database?.dispose();
  });

  it('has the migration-made index for the shipped 100-d model, and none yet for 64-d vectors', () => {
    expect(hnsw.has(100)).toBe(true);
    expect(hnsw.has(DIMS)).toBe(false);
  });

  it('builds the index of a new dimension on demand, and the kNN statement walks it', async () => {
    const started = Date.now();
    await hnsw.ensure(DIMS);
    buildMs = Date.now() - started;

    const [query] = randomVectors(1, DIMS, 7);
    const { sql, params } = buildNearestQuery({ pgvector: true, indexed: true, vector: query, limit: K, excludeIds: [], modelVersion: '' });
    const plan = (await db.dataSource.query(`EXPLAIN ${sql}`, params)) as Array<{ 'QUERY PLAN': string }>;

    expect(hnsw.has(DIMS)).toBe(true);
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain(`Index Scan using "${hnswIndexName(DIMS)}"`);
    process.stdout.write(`HNSW build over ${VECTORS} ${DIMS}-d vectors: ${buildMs} ms\n`);
  });

  it(`finds ≥95% of the exact top ${K} (recall@${K} over ${QUERIES} queries on ${VECTORS} random vectors)`, async () => {
    let found = 0;
    let indexedMs = 0;
    let exactMs = 0;
    for (const vector of randomVectors(QUERIES, DIMS, 1234)) {
      let started = Date.now();
      const approximate = await sut.nearest({ vector, limit: K, excludeIds: [], modelVersion: '' });
      indexedMs += Date.now() - started;
      started = Date.now();
      const exact = buildNearestQuery({ pgvector: true, indexed: false, vector, limit: K, excludeIds: [], modelVersion: '' });
      const truth = new Set(((await db.dataSource.query(exact.sql, exact.params)) as ScoredArticleRow[]).map((row) => row.id));
      exactMs += Date.now() - started;
      expect(approximate).toHaveLength(K);
      found += approximate.filter((row) => truth.has(row.id)).length;
    }
    const recall = found / (QUERIES * K);
    process.stdout.write(
      `recall@${K} = ${recall.toFixed(3)}; mean query ${(indexedMs / QUERIES).toFixed(1)} ms (HNSW) vs ${(exactMs / QUERIES).toFixed(1)} ms (exact)\n`,
    );

    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('leaves out excluded articles and filters on the model version through the index', async () => {
    const [vector] = randomVectors(1, DIMS, 99);
    const top = await sut.nearest({ vector, limit: K, excludeIds: [], modelVersion: '' });
    const excluded = top.slice(0, 3).map((row) => row.id);

    const rest = await sut.nearest({ vector, limit: K, excludeIds: excluded, modelVersion: '' });
    const otherVersion = await sut.nearest({ vector, limit: K, excludeIds: [], modelVersion: 'other@1' });

    expect(rest).toHaveLength(K);
    expect(rest.some((row) => excluded.includes(row.id))).toBe(false);
    expect(otherVersion).toEqual([]);
  });

  it('creates the index when the first embedding of another dimension is saved', async () => {
    const analyses = new AnalysesService(db, systemClock, hnsw, new StoryClustering(db), new PushTrigger(new InProcessQueueFactory()));
    const [{ id }] = (await db.dataSource.query(`SELECT id FROM articles LIMIT 1`)) as Array<{ id: string }>;

    await analyses.save({
      articleId: id,
      modelVersion: 'tiny@1',
      language: 'en',
      keywords: [],
      topic: '',
      summary: '',
      simhash: '',
      embedding: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    });

    const indexes = (await db.dataSource.query(`SELECT 1 FROM pg_indexes WHERE indexname = $1`, [hnswIndexName(8)])) as unknown[];
    expect(indexes).toHaveLength(1);
    expect(hnsw.has(8)).toBe(true);
    const nearest = await sut.nearest({ vector: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], limit: 1, excludeIds: [], modelVersion: '' });
    expect(nearest.map((row) => row.id)).toEqual([id]);
  });
});

describe('kNN without pgvector (PostgreSQL server)', () => {
  it('creates no index and keeps the exact path', async () => {
    const database = await createTestDatabase('PostgreSQL');
    const db = await openStorageDatabase(database.config);
    try {
      const hnsw = new HnswIndexes(db);
      await hnsw.onModuleInit();

      await hnsw.ensure(64);

      expect(db.pgvector).toBe(false);
      expect(hnsw.has(64)).toBe(false);
      expect((await db.dataSource.query(`SELECT 1 FROM pg_indexes WHERE indexname LIKE 'IDX_article_embeddings_hnsw%'`)) as unknown[]).toEqual(
        [],
      );
    } finally {
      await db.close();
      await database.dispose();
    }
  });
});
