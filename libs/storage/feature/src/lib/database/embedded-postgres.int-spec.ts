import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresExit } from './embedded-postgres';

// PGlite's first start in a new directory runs initdb: slow on a busy machine.
jest.setTimeout(180_000);

describe(startEmbeddedPostgres.name, () => {
  let dir: string;
  let sut: EmbeddedPostgres | undefined;
  let client: Client | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'autoglm-embedded-pg-'));
  });

  afterEach(async () => {
    await client?.end().catch(() => undefined);
    await sut?.stop().catch(() => undefined);
    client = undefined;
    sut = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function connect(server: EmbeddedPostgres): Promise<Client> {
    const connected = new Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
    connected.on('error', () => undefined);
    await connected.connect();
    return connected;
  }

  it('serves result-heavy prepared queries without end in a thread whose heap is smaller than their results together', async () => {
    const lost: EmbeddedPostgresExit[] = [];
    sut = await startEmbeddedPostgres(join(dir, 'pglite'), { onUnexpectedExit: (error) => lost.push(error), resourceLimits: { maxOldGenerationSizeMb: 64 } });
    client = await connect(sut);
    await client.query(`CREATE TABLE page (id int PRIMARY KEY, body text)`);
    // 300 rows of 3.84 KB: each query returns 100 of them, ~390 KB on the wire.
    await client.query(`INSERT INTO page SELECT g, repeat(md5(g::text), 120) FROM generate_series(1, 300) g`);

    // 250 queries return ~95 MB: kept in the thread, they would not fit in its 64 MB heap.
    for (let i = 0; i < 250; i++) {
      const result = await client.query({ name: 'page', text: 'SELECT id, body FROM page ORDER BY id OFFSET $1 LIMIT 100', values: [i % 200] });
      expect(result.rows).toHaveLength(100);
    }

    expect(lost).toEqual([]);
  });

  it('reports the death of the database thread with its cause, and a query in flight fails instead of hanging', async () => {
    const lost: EmbeddedPostgresExit[] = [];
    sut = await startEmbeddedPostgres(join(dir, 'pglite'), {
      onUnexpectedExit: (error) => lost.push(error),
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    client = await connect(sut);

    // ~200 MB of result text, parsed inside the thread while it is sent: more than its heap may hold.
    await expect(client.query(`SELECT repeat('x', 1000000) AS big FROM generate_series(1, 200)`)).rejects.toThrow();

    await waitFor(() => lost.length > 0);
    expect(lost).toHaveLength(1);
    expect(lost[0].code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    expect(lost[0].message).toContain('out of memory');
    await expect(sut.stop()).resolves.toBeUndefined();
  });

  it('does not report a stop it was asked for', async () => {
    const lost: EmbeddedPostgresExit[] = [];
    sut = await startEmbeddedPostgres(join(dir, 'pglite'), { onUnexpectedExit: (error) => lost.push(error) });
    client = await connect(sut);
    await client.query('SELECT 1');
    await client.end();
    client = undefined;

    await sut.stop();

    expect(lost).toEqual([]);
  });

  it('refuses a second start on the open directory, and starts again once it is stopped', async () => {
    sut = await startEmbeddedPostgres(join(dir, 'pglite'));

    await expect(startEmbeddedPostgres(join(dir, 'pglite'))).rejects.toThrow(`is in use by process ${process.pid}`);

    await sut.stop();
    sut = await startEmbeddedPostgres(join(dir, 'pglite'));
    client = await connect(sut);
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
