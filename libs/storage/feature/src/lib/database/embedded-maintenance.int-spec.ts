import { createTestDatabase, type TestDatabase } from '../testing/storage-harness';
import { EmbeddedMaintenance, type MaintenanceAction } from './embedded-maintenance';
import { openStorageDatabase, type StorageDatabase } from './storage-database';

const stats = async (db: StorageDatabase, table: string) => {
  await db.dataSource.query(`SELECT pg_stat_force_next_flush()`);
  return ((await db.dataSource.query(
    `SELECT s.n_dead_tup::int AS dead, s.last_vacuum IS NOT NULL AS vacuumed, s.last_analyze IS NOT NULL AS analyzed, c.reltuples::int AS rows
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = $1`,
    [table],
  )) as Array<{ dead: number; vacuumed: boolean; analyzed: boolean; rows: number }>)[0];
};

describe(`${EmbeddedMaintenance.name} on PGlite`, () => {
  let database: TestDatabase;
  let db: StorageDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('PGlite');
    db = await openStorageDatabase(database.config);
  });

  afterAll(async () => {
    await db.close();
    await database.dispose();
  });

  it('at start-up merges the GIN pending lists and analyzes tables never analyzed', async () => {
    await db.dataSource.query(`CREATE TABLE maintenance_probe (id int PRIMARY KEY, body text)`);
    await db.dataSource.query(`CREATE INDEX maintenance_probe_body ON maintenance_probe USING gin (to_tsvector('simple', body))`);
    await db.dataSource.query(`INSERT INTO maintenance_probe SELECT g, 'word' || (g % 97) || ' other' || (g % 13) FROM generate_series(1, 40) g`);
    expect((await stats(db, 'maintenance_probe'))?.rows).toBe(-1);

    const actions = await new EmbeddedMaintenance(db).maintain(true);

    expect(actions).toEqual(
      expect.arrayContaining<MaintenanceAction>([
        { kind: 'gin-pending', index: 'public.maintenance_probe_body' },
        { kind: 'gin-pending', index: 'public."IDX_articles_search_vector"' },
        { kind: 'analyze', table: 'maintenance_probe' },
      ]),
    );
    expect(await stats(db, 'maintenance_probe')).toMatchObject({ analyzed: true, rows: 40 });
  });

  it('vacuums after many inserts or dead rows and analyzes after changes, by autovacuum\'s thresholds', async () => {
    const sut = new EmbeddedMaintenance(db);
    expect(await sut.maintain(false)).toEqual([]);

    await db.dataSource.query(`INSERT INTO maintenance_probe SELECT g, 'word' || (g % 97) FROM generate_series(41, 3000) g`);
    expect(await sut.maintain(false)).toEqual([{ kind: 'vacuum', table: 'maintenance_probe' }]);
    expect(await stats(db, 'maintenance_probe')).toMatchObject({ vacuumed: true, dead: 0, rows: 3000 });

    // 1,000 updated rows leave 1,000 dead versions: over 50 + 20 % of 3,000.
    await db.dataSource.query(`UPDATE maintenance_probe SET body = body || ' changed' WHERE id <= 1000`);
    expect((await stats(db, 'maintenance_probe'))?.dead).toBeGreaterThan(650);
    expect(await sut.maintain(false)).toEqual([{ kind: 'vacuum', table: 'maintenance_probe' }]);
    expect((await stats(db, 'maintenance_probe'))?.dead).toBe(0);

    // 400 updates after a vacuum that left their pages reusable: dead rows under the vacuum
    // threshold (650) but changes over the analyze threshold (350).
    await db.dataSource.query(`VACUUM maintenance_probe`);
    await db.dataSource.query(`UPDATE maintenance_probe SET body = body || ' again' WHERE id <= 400`);
    expect(await sut.maintain(false)).toEqual([{ kind: 'analyze', table: 'maintenance_probe' }]);
  });

  it('does nothing on a server, where autovacuum runs', async () => {
    const sut = new EmbeddedMaintenance({ ...db, embedded: false });
    const round = jest.spyOn(sut, 'runOnce');
    sut.onApplicationBootstrap();
    await new Promise((resolve) => setImmediate(resolve));
    expect(round).not.toHaveBeenCalled();
    await sut.onModuleDestroy();
  });
});
