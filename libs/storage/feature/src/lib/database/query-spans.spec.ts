import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { inSpan, installTracing, SpanKind, SpanStatusCode, type InstalledTracing } from '@autoglm/shared-observability';
import type { PoolClientLike } from './pool-clients';
import { traceQueriesOf } from './query-spans';

/** A pool double handing out one client that answers (or fails) like pg, in both call forms. */
function setup(answer: (text: string) => { rows: unknown[] } | Error = () => ({ rows: [{ id: 1 }, { id: 2 }] })) {
  const ran: unknown[][] = [];
  const client = {
    host: '127.0.0.1',
    port: 5432,
    database: 'autoglm',
    query: (...args: unknown[]) => {
      ran.push(args);
      const first = args[0];
      const outcome = answer(typeof first === 'string' ? first : (first as { text: string }).text);
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        setImmediate(() => (outcome instanceof Error ? last(outcome) : last(undefined, outcome)));
        return undefined;
      }
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    },
  };
  const pool = { connect: () => Promise.resolve(client) };
  traceQueriesOf(pool, 'pglite');
  return { ran, checkout: () => pool.connect() as Promise<PoolClientLike & typeof client> };
}

describe(traceQueriesOf.name, () => {
  const exporter = new InMemorySpanExporter();
  let tracing: InstalledTracing | undefined;
  beforeAll(() => (tracing = installTracing({ otlpEndpoint: '', serviceName: 'spec' }, 'spec', exporter)));
  afterAll(() => tracing?.shutdown());
  beforeEach(() => exporter.reset());
  const spans = () => exporter.getFinishedSpans();
  const underParent = <T>(work: () => T) => inSpan('parent', { kind: SpanKind.SERVER }, async () => work());

  it('makes each query a client span under the span that runs it, with the database attributes and no values', async () => {
    const { ran, checkout } = setup();
    const client = await checkout();

    const result = await underParent(() => client.query('SELECT "id" FROM "articles" WHERE "url" = $1 AND "kind" = \'secret-kind\'', ['https://private.example/?token=abc']));

    expect(result).toEqual({ rows: [{ id: 1 }, { id: 2 }] });
    expect(ran).toEqual([['SELECT "id" FROM "articles" WHERE "url" = $1 AND "kind" = \'secret-kind\'', ['https://private.example/?token=abc']]]);
    const [query, parent] = spans();
    expect(parent.name).toBe('parent');
    expect(query.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(query.name).toBe('SELECT articles');
    expect(query.kind).toBe(SpanKind.CLIENT);
    expect(query.attributes).toEqual({
      'db.system.name': 'postgresql',
      'db.system': 'postgresql',
      'autoglm.db.engine': 'pglite',
      'db.namespace': 'autoglm',
      'server.address': '127.0.0.1',
      'server.port': 5432,
      'db.operation.name': 'SELECT',
      'db.operation': 'SELECT',
      'db.query.summary': 'SELECT articles',
      'db.query.text': 'SELECT "id" FROM "articles" WHERE "url" = $1 AND "kind" = ?',
      'db.response.returned_rows': 2,
    });
    expect(JSON.stringify(query.attributes)).not.toMatch(/secret-kind|private\.example|abc/);
  });

  it('makes no span for a query outside any trace', async () => {
    const { ran, checkout } = setup();

    await (await checkout()).query('SELECT 1');

    expect(ran).toHaveLength(1);
    expect(spans()).toEqual([]);
  });

  it('marks a failed query with its SQLSTATE, not the server message (it may quote a value)', async () => {
    const failure = Object.assign(new Error('invalid input syntax for type uuid: "not-a-uuid-42"'), { code: '22P02' });
    const { checkout } = setup(() => failure);
    const client = await checkout();

    await expect(underParent(() => client.query({ name: 'agl_1', text: 'SELECT * FROM users WHERE id = $1', values: ['not-a-uuid-42'] }))).rejects.toBe(failure);

    const query = spans().find((s) => s.name === 'SELECT users')!;
    expect(query.status).toEqual({ code: SpanStatusCode.ERROR, message: '22P02' });
    expect(query.attributes).toMatchObject({ 'error.type': '22P02', 'db.response.status_code': '22P02' });
    expect(JSON.stringify({ attributes: query.attributes, events: query.events, status: query.status })).not.toContain('not-a-uuid-42');
  });

  it('ends the span of a callback-form query when its callback runs, and wraps a reused client once', async () => {
    const { checkout } = setup();
    await checkout();
    const client = await checkout();

    const rows = await underParent(
      () => new Promise((resolve, reject) => client.query('COMMIT', (error: unknown, result: { rows: unknown[] }) => (error ? reject(error) : resolve(result.rows)))),
    );

    expect(rows).toHaveLength(2);
    expect(spans().map((s) => s.name)).toEqual(['COMMIT', 'parent']);
  });
});
