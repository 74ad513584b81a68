import { SpanKind, SpanStatusCode, trace, traceContext, tracer, type Attributes, type Span } from '@autoglm/shared-observability';
import { onEachClient, type HookablePool, type PoolClientLike } from './pool-clients';
import { describeSql } from './sql-summary';

/** Where the clients' queries run: PostgreSQL, or PGlite behind its loopback socket. */
export type DatabaseEngine = 'postgresql' | 'pglite';

/** What a pg client knows of its server (pg's Client sets these from its connection parameters). */
interface ConnectedClient extends PoolClientLike {
  host?: unknown;
  port?: unknown;
  database?: unknown;
  [TRACED]?: true;
}

const TRACED = Symbol('autoglm.tracedQueries');

/**
 * Makes every query of the pool's clients a CLIENT span, child of the span that runs it (the gRPC
 * server span of the storage call, a queue job's span …), with the OpenTelemetry database attributes:
 * db.system.name, db.namespace, db.operation.name, db.query.summary (which is also the span's name),
 * db.query.text with every literal replaced by `?` (bind parameters' values are never read),
 * server.address/port, and the SQLSTATE of a failed query (db.response.status_code, error.type — not
 * the server's message, which may quote a value). A query that runs outside any recording span
 * (start-up, background timers without a trace) makes no span. Installed only when the process
 * traces: otherwise the pool is left untouched.
 */
export function traceQueriesOf(pool: HookablePool, engine: DatabaseEngine): void {
  onEachClient(pool, (client) => traceClient(client as ConnectedClient, engine));
}

function traceClient(client: ConnectedClient, engine: DatabaseEngine): void {
  if (client[TRACED]) return;
  client[TRACED] = true;
  const query = client.query.bind(client);
  const server: Attributes = {
    'db.system.name': 'postgresql',
    'db.system': 'postgresql',
    'autoglm.db.engine': engine,
    ...(typeof client.database === 'string' ? { 'db.namespace': client.database } : {}),
    ...(typeof client.host === 'string' ? { 'server.address': client.host } : {}),
    ...(typeof client.port === 'number' ? { 'server.port': client.port } : {}),
  };
  client.query = (...args: unknown[]) => {
    const parent = traceContext.active();
    const text = sqlTextOf(args[0]);
    if (text === undefined || !trace.getSpan(parent)?.isRecording()) return query(...args);
    const { operation, summary, text: sanitized } = describeSql(text);
    const span = tracer().startSpan(
      summary || 'postgresql',
      {
        kind: SpanKind.CLIENT,
        attributes: { ...server, 'db.operation.name': operation, 'db.operation': operation, 'db.query.summary': summary, 'db.query.text': sanitized },
      },
      parent,
    );
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const callback = last as (error: unknown, result: unknown) => void;
      return query(...args.slice(0, -1), (error: unknown, result: unknown) => {
        endQuerySpan(span, error, result);
        callback(error, result);
      });
    }
    let result: unknown;
    try {
      result = query(...args);
    } catch (error) {
      endQuerySpan(span, error, undefined);
      throw error;
    }
    if (isPromise(result)) {
      result.then(
        (rows) => endQuerySpan(span, undefined, rows),
        (error: unknown) => endQuerySpan(span, error, undefined),
      );
    } else {
      span.end();
    }
    return result;
  };
}

/** The SQL of a query call: a text, or a query config's text; streams and other submittables are left alone. */
function sqlTextOf(first: unknown): string | undefined {
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && !('submit' in first) && typeof (first as { text?: unknown }).text === 'string') return (first as { text: string }).text;
  return undefined;
}

function endQuerySpan(span: Span, error: unknown, result: unknown): void {
  if (error) {
    const code = (error as { code?: unknown }).code;
    const type = typeof code === 'string' && code ? code : error instanceof Error ? error.name : 'Error';
    span.setAttributes({ 'error.type': type, ...(typeof code === 'string' ? { 'db.response.status_code': code } : {}) });
    span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  } else {
    const rows = (result as { rows?: unknown } | undefined)?.rows;
    if (Array.isArray(rows)) span.setAttribute('db.response.returned_rows', rows.length);
  }
  span.end();
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
