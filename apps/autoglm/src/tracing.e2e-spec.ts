import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { installTracing, type InstalledTracing } from '@autoglm/shared-observability';
import { waitFor as waitUntil } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';

/**
 * One trace through the services, with the OpenTelemetry SDK and an in-memory exporter: a gateway
 * request → its gRPC call to storage → storage serving it → the database queries it ran (PGlite);
 * a crawl job (added by the source registration) → the feed fetch → the items stored through
 * storage; and a scheduler round (a trace of its own) → its claim of due sources → the crawl job it
 * enqueued for a source of config.yaml.
 */
describe('traces across the services (embedded, in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: InstalledTracing | undefined;
  let system: EmbeddedSystem;
  let dataDir: string;
  let feeds: Server;
  let feedBase: string;

  beforeAll(async () => {
    tracing = installTracing({ otlpEndpoint: '', serviceName: 'spec' }, 'spec', exporter);
    const feed = readFileSync(join(__dirname, 'fixtures', 'en-feed.xml'));
    feeds = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed));
    await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
    const address = feeds.address();
    feedBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-tracing-'));
    // A source of config.yaml is registered without a crawl job: the scheduler's round claims it.
    const configured = { url: `${feedBase}/configured.xml`, title: '', intervalSeconds: 900, fullText: false, kind: 'feed' as const };
    system = await startEmbedded(await embeddedTestConfig(dataDir, { sources: [configured] }));
  }, 180_000);

  afterAll(async () => {
    await system?.close();
    await tracing?.shutdown();
    await new Promise((resolve) => feeds.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const spans = () => exporter.getFinishedSpans();
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000) => waitUntil(what, probe, { timeoutMs });
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const childrenOf = (span: ReadableSpan) => spans().filter((s) => parentOf(s) === span.spanContext().spanId);
  /** Every span under `root`, at any depth. */
  const descendantsOf = (root: ReadableSpan): ReadableSpan[] => childrenOf(root).flatMap((child) => [child, ...descendantsOf(child)]);
  const isQuery = (span: ReadableSpan) => span.kind === SpanKind.CLIENT && span.attributes['db.system.name'] === 'postgresql';

  it('follows a gateway request into the storage service that serves it', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await fetch(`${system.url}/api/v1/articles?limit=5`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(answer.status).toBe(200);

    const request = await waitFor('the request span', async () =>
      spans().find((s) => s.spanContext().traceId === traceId && s.kind === SpanKind.SERVER && s.name === 'GET /api/v1/articles'),
    );
    const call = await waitFor('the gRPC client span', async () => childrenOf(request).find((s) => s.kind === SpanKind.CLIENT && s.name.endsWith('StorageService/ListArticles')));
    const served = await waitFor('the storage server span', async () => childrenOf(call).find((s) => s.kind === SpanKind.SERVER));

    const queries = await waitFor('the database query spans', async () => {
      const found = childrenOf(served).filter(isQuery);
      const listing = (q: ReadableSpan) => q.attributes['db.operation.name'] === 'SELECT' && String(q.attributes['db.query.summary']).split(' ').includes('sources');
      return found.some(listing) ? found : undefined;
    });

    expect(parentOf(request)).toBe('00f067aa0ba902b7');
    expect(served.name).toBe('autoglm.storage.v1.StorageService/ListArticles');
    expect([call, served, ...queries].every((s) => s.spanContext().traceId === traceId)).toBe(true);
    for (const query of queries) {
      expect(query.attributes).toMatchObject({ 'autoglm.db.engine': 'pglite', 'db.operation.name': expect.any(String), 'db.query.text': expect.any(String) });
      expect(query.name).toBe(query.attributes['db.query.summary']);
    }
  });

  it('follows a crawl job to its fetch and to the items it stores', async () => {
    const created = await fetch(`${system.url}/api/v1/sources`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${feedBase}/en.xml` }),
    });
    expect(created.status).toBe(201);

    const job = await waitFor(
      'a crawl job span that fetched and stored',
      async () =>
        spans().find((s) => {
          if (s.kind !== SpanKind.CONSUMER || s.name !== 'crawl process') return false;
          const under = descendantsOf(s);
          return under.some((d) => d.kind === SpanKind.CLIENT && d.name === 'GET') && under.some((d) => d.kind === SpanKind.SERVER && /StorageService\/UpsertArticles$/.test(d.name));
        }),
      120_000,
    );

    const under = descendantsOf(job);
    const fetchSpan = under.find((d) => d.name === 'GET');
    const store = under.find((d) => d.kind === SpanKind.SERVER && /StorageService\/UpsertArticles$/.test(d.name));
    expect(fetchSpan?.attributes['server.address']).toBe(new URL(feedBase).host);
    expect(store?.attributes['rpc.grpc.status_code']).toBe(0);
    expect(under.every((d) => d.spanContext().traceId === job.spanContext().traceId)).toBe(true);
    // Storing the items ran its INSERTs under that storage call, in the same trace.
    expect(childrenOf(store!).filter(isQuery).map((q) => q.attributes['db.operation.name'])).toContain('INSERT');
  }, 180_000);

  it('starts a trace at a scheduler round, continued by the crawl job it enqueues', async () => {
    const round = await waitFor(
      'a scheduler round that claimed the configured source and whose crawl job stored its items',
      async () =>
        spans().find((s) => {
          if (s.name !== 'crawl scheduling round' || s.attributes['autoglm.round.items'] !== 1) return false;
          const job = descendantsOf(s).find((d) => d.kind === SpanKind.CONSUMER && d.name === 'crawl process');
          return job && descendantsOf(job).some((d) => d.kind === SpanKind.SERVER && /StorageService\/UpsertArticles$/.test(d.name));
        }),
      120_000,
    );

    expect(parentOf(round)).toBeUndefined();
    const under = descendantsOf(round);
    const claim = under.find((d) => d.kind === SpanKind.SERVER && /StorageService\/ClaimDueSources$/.test(d.name))!;
    const call = spans().find((s) => s.spanContext().spanId === parentOf(claim))!;
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(call)).toBe(round.spanContext().spanId);
    // The claim: one statement, UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED).
    expect(childrenOf(claim).filter(isQuery).map((q) => q.attributes['db.query.summary'])).toContainEqual(expect.stringContaining('UPDATE sources'));
    const job = under.find((d) => d.name === 'crawl process')!;
    expect(descendantsOf(job).find((d) => d.name === 'GET')?.attributes['server.address']).toBe(new URL(feedBase).host);
    expect(under.every((d) => d.spanContext().traceId === round.spanContext().traceId)).toBe(true);
  }, 180_000);
});
