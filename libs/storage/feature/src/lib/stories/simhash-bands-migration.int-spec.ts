import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { openStorageDatabase, type StorageDatabase } from '../database/storage-database';
import { RecomputeSimhashBands1795830000000 } from '../migrations/1795830000000-RecomputeSimhashBands';
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from '../testing/storage-harness';
import { simhashBands } from './simhash';

describe.each(TEST_BACKENDS)(`${RecomputeSimhashBands1795830000000.name} on %s`, (backend) => {
  let database: TestDatabase;
  let db: StorageDatabase;
  const sut = new RecomputeSimhashBands1795830000000();

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = await openStorageDatabase(database.config);
  });

  afterAll(async () => {
    await db?.close();
    await database?.dispose();
  });

  const run = async (step: 'up' | 'down') => {
    const runner = db.dataSource.createQueryRunner();
    try {
      await sut[step](runner);
    } finally {
      await runner.release();
    }
  };

  const article = async (sourceId: string, analyses: Array<{ simhash: string; at: string }>) => {
    const [{ id }] = (await db.dataSource.query(
      `INSERT INTO articles (source_id, item_key, fetched_at, updated_at, content_hash) VALUES ($1, $2, now(), now(), 'h') RETURNING id`,
      [sourceId, randomUUID()],
    )) as Array<{ id: string }>;
    for (const [i, { simhash, at }] of analyses.entries()) {
      await db.dataSource.query(`INSERT INTO article_analyses (article_id, model_version, simhash, created_at) VALUES ($1, $2, $3, $4)`, [id, `m@${i}`, simhash, at]);
    }
    return id;
  };

  const bandsOf = async (articleId: string) =>
    ((await db.dataSource.query(`SELECT band, value FROM article_simhash_bands WHERE article_id = $1 ORDER BY band`, [articleId])) as Array<{ band: number; value: number }>).map(
      (row) => row.value,
    );

  it("recomputes every article's bands from its newest analysis, in the layout storage now looks up, and back", async () => {
    const [{ id: sourceId }] = (await db.dataSource.query(
      `INSERT INTO sources (url, kind, status, interval_seconds, effective_interval_seconds, next_check_at) VALUES ($1, 1, 1, 900, 900, now()) RETURNING id`,
      [`https://feeds.example.org/${randomUUID()}.xml`],
    )) as Array<{ id: string }>;
    const newest = 'f1e2d3c4b5a69788';
    const reanalysed = await article(sourceId, [
      { simhash: '0123456789abcdef', at: '2026-11-20T10:00:00Z' },
      { simhash: newest, at: '2026-11-21T10:00:00Z' },
    ]);
    const upperCase = await article(sourceId, [{ simhash: '800000000000000F', at: '2026-11-20T10:00:00Z' }]);
    const withoutWords = await article(sourceId, [{ simhash: '0000000000000000', at: '2026-11-20T10:00:00Z' }]);
    const withoutSimhash = await article(sourceId, [{ simhash: '', at: '2026-11-20T10:00:00Z' }]);
    const notAnalyzed = await article(sourceId, []);
    // Bands of the old 4 × 16-bit layout, as the previous release stored them.
    await db.dataSource.query(`INSERT INTO article_simhash_bands (article_id, band, value) VALUES ($1, 0, 1), ($1, 1, 2), ($1, 2, 3), ($1, 3, 4)`, [reanalysed]);

    await run('up');

    expect(await bandsOf(reanalysed)).toEqual(simhashBands(BigInt(`0x${newest}`)));
    expect(await bandsOf(upperCase)).toEqual(simhashBands(0x800000000000000fn));
    for (const id of [withoutWords, withoutSimhash, notAnalyzed]) expect(await bandsOf(id)).toEqual([]);

    await run('down');
    expect(await bandsOf(reanalysed)).toEqual([0xf1e2, 0xd3c4, 0xb5a6, 0x9788]);
    expect(await bandsOf(upperCase)).toEqual([0x8000, 0, 0, 0x000f]);

    await run('up');
    expect(await bandsOf(reanalysed)).toEqual(simhashBands(BigInt(`0x${newest}`)));
  });
});
