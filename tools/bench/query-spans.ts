// Cost of the database query spans: storage's ListArticles over gRPC (one SELECT per call, on an empty
// PGlite database, so the query itself is as cheap as it gets and the spans' share is at its largest)
// served by (a) a storage service opened before tracing was installed — its pg pool is not wrapped, as
// in a process without OTEL_* — and (b) one opened after, whose every query is a span (SDK with a
// simple span processor and an exporter that drops the spans). Both run under tracing, so both make
// the gRPC server span; the difference is the query spans alone. Rounds alternate (a) and (b); prints
// calls/s per round and the median ratio b/a. Also: µs to describe a long SQL text (summary + text), new and remembered.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/query-spans.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { createGrpcClient, type RunningService } from '@autoglm/shared-grpc';
import { inSpan, installTracing, SpanKind } from '@autoglm/shared-observability';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { describeSql, startStorageService } from '@autoglm/storage-feature';

const ROUNDS = Number(process.env['QUERY_SPANS_BENCH_ROUNDS'] || 5);
const CALLS = 1_500;
const CONCURRENCY = 2;
const DESCRIBES = 20_000;

interface Variant {
  name: string;
  list(i: number): Promise<unknown>;
  close(): Promise<void>;
}

async function variant(name: string, dir: string, queues: InProcessQueueFactory): Promise<Variant> {
  const base = defaultConfig();
  const config: AppConfig = { ...base, database: { ...base.database, url: '', dataDir: join(dir, name.slice(1, 2)) }, grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` } };
  const service: RunningService = await startStorageService(config, { queueFactory: queues });
  const handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 60_000 });
  return {
    name,
    // Limits differ call to call, so storage does not coalesce identical reads in flight.
    list: (i) => handle.client.listArticles({ limit: 1 + (i % 50), cursor: '', sourceId: '', topic: '', language: '', withoutContent: false }),
    close: async () => {
      handle.close();
      await service.close();
    },
  };
}

/** calls/s of CALLS calls from CONCURRENCY callers, each call inside a client span (as a gateway request would be). */
async function measure(v: Variant): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) {
        const i = next++;
        await inSpan('bench call', { kind: SpanKind.CLIENT }, () => v.list(i));
      }
    }),
  );
  return CALLS / (Number(process.hrtime.bigint() - start) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** µs to describe a long statement the first time (distinct texts) and again (the same text, remembered). */
function describeCost(): { first: number; again: number; length: number } {
  const sql = `WITH due AS MATERIALIZED (SELECT id FROM sources WHERE status <> $4 AND next_check_at <= $2 ORDER BY next_check_at, id LIMIT $1 FOR UPDATE SKIP LOCKED),
    s AS (UPDATE sources u SET next_check_at = $3, claimed_at = $2 FROM due WHERE u.id = due.id RETURNING u.*)
    SELECT s.id, s.url, s.title, (SELECT count(*) FROM articles a WHERE a.source_id = s.id AND a.title <> 'x') AS n,
           (SELECT m.cluster_id FROM story_memberships m JOIN articles d ON d.id = m.near_duplicate_of WHERE m.article_id = s.id LIMIT 1) AS c
      FROM s LEFT JOIN LATERAL (SELECT x.topic FROM article_analyses x WHERE x.article_id = s.id ORDER BY x.created_at DESC LIMIT 1) an ON true`;
  const perCall = (texts: (i: number) => string) => {
    for (let i = 0; i < 1_000; i++) describeSql(texts(i));
    const start = process.hrtime.bigint();
    for (let i = 0; i < DESCRIBES; i++) describeSql(texts(i));
    return Number(process.hrtime.bigint() - start) / 1e3 / DESCRIBES;
  };
  const again = perCall(() => sql);
  // Distinct texts (a comment numbered apart) are each described anew.
  return { first: perCall((i) => `${sql} -- ${i}`), again, length: sql.length };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-bench-query-spans-'));
  const queues = new InProcessQueueFactory();
  const variants: Variant[] = [];
  try {
    variants.push(await variant('(a) no query spans', dir, queues));
    const tracing = installTracing({ otlpEndpoint: '', serviceName: 'bench' }, 'bench', {
      export: (_spans, done) => done({ code: 0 }),
      shutdown: async () => undefined,
    });
    variants.push(await variant('(b) a span per query', dir, queues));
    for (const v of variants) await measure(v); // warm-up: connections, plans, JIT
    const rates = new Map<Variant, number[]>(variants.map((v) => [v, []]));
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order each round so drift in machine load falls on both alike.
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      const now = new Map<Variant, number>();
      for (const v of order) now.set(v, await measure(v));
      for (const v of variants) rates.get(v)?.push(now.get(v) as number);
      ratios.push((now.get(variants[1] as Variant) as number) / (now.get(variants[0] as Variant) as number));
      console.log(`round ${round + 1}: ${variants.map((v) => `${v.name} ${(now.get(v) as number).toFixed(0)} calls/s`).join(' · ')}`);
    }
    console.table(variants.map((v) => ({ variant: v.name, 'median calls/s': median(rates.get(v) as number[]).toFixed(0) })));
    console.log(`ListArticles calls/s, b/a: median ${median(ratios).toFixed(3)} (rounds ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`);
    const cost = describeCost();
    console.log(`describeSql of a ${cost.length}-character statement: ${cost.first.toFixed(1)} µs the first time, ${cost.again.toFixed(2)} µs again (remembered)`);
    await tracing?.shutdown();
  } finally {
    for (const v of variants) await v.close();
    await queues.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
