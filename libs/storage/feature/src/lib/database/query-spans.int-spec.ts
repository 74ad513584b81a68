import { Logger } from '@nestjs/common';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { inSpan, installTracing, SpanKind, SpanStatusCode, type InstalledTracing } from '@autoglm/shared-observability';
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from '../testing/storage-harness';
import { openStorageDatabase, type StorageDatabase } from './storage-database';

/** Query spans on the real engines: the pg driver to PostgreSQL, and to PGlite behind its socket. */
describe.each(TEST_BACKENDS)('database query spans on %s', (backend) => {
  const exporter = new InMemorySpanExporter();
  let tracing: InstalledTracing | undefined;
  let database: TestDatabase;
  let db: StorageDatabase;

  beforeAll(async () => {
    tracing = installTracing({ otlpEndpoint: '', serviceName: 'spec' }, 'spec', exporter);
    database = await createTestDatabase(backend);
    db = await openStorageDatabase(database.config);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await database?.dispose();
    await tracing?.shutdown();
  });

  beforeEach(() => exporter.reset());
  const queries = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);

  it('makes each query run inside a trace a child span with the database attributes and no values', async () => {
    const parent = await inSpan('rpc', { kind: SpanKind.SERVER }, async (span) => {
      await db.dataSource.query(`SELECT id FROM sources WHERE url = $1 AND title <> 'literal-title'`, ['https://secret.example/feed?token=1']);
      await db.dataSource.transaction(async (manager) => manager.query(`UPDATE sources SET title = $1 WHERE false`, ['new title']));
      return span.spanContext();
    });

    const spans = queries();
    expect(spans.every((s) => s.parentSpanContext?.spanId === parent.spanId && s.spanContext().traceId === parent.traceId)).toBe(true);
    expect(spans.map((s) => s.name)).toEqual(['SELECT sources', 'START TRANSACTION', 'UPDATE sources', 'COMMIT']);
    const [select] = spans;
    const server = new URL(database.config.url || 'postgres://127.0.0.1');
    expect(select.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'autoglm.db.engine': backend === 'PGlite' ? 'pglite' : 'postgresql',
      'db.namespace': backend === 'PGlite' ? 'postgres' : server.pathname.slice(1),
      'server.address': '127.0.0.1',
      'db.operation.name': 'SELECT',
      'db.query.text': `SELECT id FROM sources WHERE url = $1 AND title <> ?`,
      'db.response.returned_rows': 0,
    });
    if (backend === 'PostgreSQL') expect(select.attributes['server.port']).toBe(5432);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toMatch(/secret\.example|literal-title|new title/);
  });

  it('marks a failed query with its SQLSTATE only, and prints none of its parameters', async () => {
    const printed = jest.spyOn(console, 'log');
    const warned = jest.spyOn(Logger.prototype, 'warn');
    await expect(inSpan('rpc', { kind: SpanKind.SERVER }, () => db.dataSource.query(`SELECT $1::uuid`, ['not-a-uuid-7']))).rejects.toThrow();

    const [failed] = queries();
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: '22P02' });
    expect(JSON.stringify({ attributes: failed.attributes, events: failed.events })).not.toContain('not-a-uuid-7');
    expect(warned).toHaveBeenCalledWith('query failed (SQLSTATE 22P02): invalid input syntax for type uuid: "?" — SELECT: SELECT $1::uuid');
    expect(JSON.stringify([...printed.mock.calls, ...warned.mock.calls])).not.toContain('not-a-uuid-7');
    printed.mockRestore();
    warned.mockRestore();
  });

  it('makes no span for queries outside a trace', async () => {
    await db.dataSource.query('SELECT 1');
    expect(queries()).toEqual([]);
  });
});
