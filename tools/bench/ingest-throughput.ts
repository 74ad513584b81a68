// Ingestion throughput (issue 11): how close the analysis pipeline comes to bare embedding of the same texts.
// Texts: the 121 news articles of ../shared/corpora/extraction (ground-truth.json, MIT, Scrapinghub; ~4.8 KB each),
// title = the first sentence. In one run, alternating rounds (the machine's speed drifts), each on all texts:
//   bare       the default embedding model's session.run over batches of 16 of the articles' embedding texts
//              (title + text, as the pipeline embeds them) — the baseline;
//   pipeline   AnalysisService.analyze() on each article (language, keywords, topic, summary, embedding, SimHash)
//              from `--concurrency` callers (the analyze queue's concurrency), bulk lane, as the analyze consumer calls it;
//   stages     each stage of analyze() alone over the same articles from the same callers: language, embedding,
//              summary, topic vector (word model), keywords + SimHash (CPU only).
// Prints articles/s per path and the ratio pipeline/bare (goal ≥ 0.6), then what share of the pipeline each stage is.
// With --system it also times the whole system end to end (embedded: fetched from loopback feeds → stored → analysed)
// on the same articles, against bare embedding in the same run.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/ingest-throughput.js [--rounds 3] [--concurrency 16] [--system | --system-only]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import {
  AnalysisModule,
  AnalysisService,
  articleEmbeddingText,
  EmbeddingService,
  ensureModelBuilt,
  loadEmbeddingModel,
  repositoryModelsDir,
  type EmbeddingModel,
} from '@autoglm/analysis-feature';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { startEmbedded } from '../../apps/autoglm/src/embedded';
import { embeddedTestConfig } from '../../apps/autoglm/src/testing/embedded-test-config';

interface Article {
  title: string;
  text: string;
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function readArticles(): Article[] {
  const file = join(repositoryModelsDir().modelDir, '..', '..', 'shared', 'corpora', 'extraction', 'ground-truth.json');
  const truth = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { articleBody: string }>;
  return Object.values(truth)
    .map(({ articleBody }) => {
      const text = articleBody.trim();
      const title = (/^[^.!?\n]{10,160}[.!?]?/.exec(text)?.[0] ?? text.slice(0, 80)).trim();
      return { title, text };
    })
    .filter((a) => a.text.length > 200);
}

/** Runs `work` over items from `concurrency` callers; resolves with the wall time in seconds. */
async function timed<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function bareEmbedding(model: EmbeddingModel, articles: readonly Article[]): Promise<number> {
  const tokenized = articles.map((a) => model.tokenize(articleEmbeddingText(a.title, a.text)));
  const started = process.hrtime.bigint();
  for (let i = 0; i < tokenized.length; i += 16) await model.run(tokenized.slice(i, i + 16));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function analysisStages(articles: Article[], rounds: number, concurrency: number): Promise<void> {
  const config = defaultConfig();
  config.analysis = { ...config.analysis, modelDir: ensureModelBuilt() };
  const moduleRef = await Test.createTestingModule({ imports: [AnalysisModule.forRoot(config)] }).compile();
  const analysis = moduleRef.get(AnalysisService);
  const embeddings = moduleRef.get(EmbeddingService);
  const bareModel = await loadEmbeddingModel(config.analysis.modelDir, { name: embeddings.model.name, sessionPoolSize: 1 });
  const bulk = { priority: 'bulk' as const };
  const paths: Record<string, () => Promise<number>> = {
    bare: () => bareEmbedding(bareModel, articles),
    pipeline: () => timed(articles, concurrency, (a) => analysis.analyze(a.title, a.text, bulk)),
    'stage: embedding': () => timed(articles, concurrency, (a) => embeddings.embedOne(articleEmbeddingText(a.title, a.text), bulk)),
    'stage: summary': () => timed(articles, concurrency, (a) => analysis.summarize(a.text, false, a.title, bulk)),
  };
  const seconds: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
  try {
    for (const run of Object.values(paths)) await run(); // warm every path once
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of Object.entries(paths)) seconds[name]?.push(await run());
      const bare = seconds['bare']?.[round] ?? 0;
      const pipeline = seconds['pipeline']?.[round] ?? 0;
      console.log(`round ${round + 1}: pipeline/bare ${(bare / pipeline).toFixed(2)}× (bare ${(articles.length / bare).toFixed(1)}/s)`);
    }
  } finally {
    await bareModel.release();
    await moduleRef.close();
  }
  const bare = median(seconds['bare'] ?? []);
  const pipeline = median(seconds['pipeline'] ?? []);
  console.log(`\nanalysis of ${articles.length} articles (~${Math.round(articles.reduce((n, a) => n + a.text.length, 0) / articles.length)} characters), ${concurrency} callers, medians of ${rounds} rounds:`);
  console.table(
    Object.fromEntries(
      Object.entries(seconds).map(([name, values]) => {
        const s = median(values);
        return [name, { 'articles/s': +(articles.length / s).toFixed(1), 'vs bare': +(bare / s).toFixed(2), 'share of pipeline': name.startsWith('stage') ? `${Math.round((100 * s) / pipeline)}%` : '' }];
      }),
    ),
  );
  console.log(`pipeline / bare embedding: ${(bare / pipeline).toFixed(2)}× (goal ≥ 0.6×)`);
}

function serveFeeds(articles: Article[], perFeed: number): Promise<{ server: Server; base: string; feeds: number }> {
  const feeds = Math.ceil(articles.length / perFeed);
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const bodies = Array.from({ length: feeds }, (_, f) => {
    const items = articles
      .slice(f * perFeed, (f + 1) * perFeed)
      .map((a, i) => {
        const html = a.text
          .split(/\n+/)
          .map((p) => `<p>${escape(p)}</p>`)
          .join('');
        return `<item><title>${escape(a.title)}</title><link>http://127.0.0.1/a/${f}/${i}</link><guid>ingest-${f}-${i}</guid><description>${escape(html)}</description></item>`;
      })
      .join('');
    return `<?xml version="1.0"?><rss version="2.0"><channel><title>feed ${f}</title><link>http://127.0.0.1/</link>${items}</channel></rss>`;
  });
  const server = createServer((req, res) => {
    const f = Number(/^\/feed-(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? -1);
    const body = bodies[f];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, feeds });
    }),
  );
}

function systemConfig(dataDir: string, concurrency: number): Promise<AppConfig> {
  return embeddedTestConfig(dataDir, {
    database: { url: process.env['DATABASE_URL'] ?? '' },
    redis: { url: process.env['REDIS_URL'] ?? '' },
    scheduler: { tickMs: 200 },
    analysis: { modelDir: ensureModelBuilt(), concurrency },
  });
}

/** Seconds after the sources were added at which each stage's first and last article got there, from the database's timestamps. */
interface StageTimes {
  stored: [number, number];
  queued: [number, number];
  analysed: [number, number];
  /** Seconds from stored to queued (outbox relay) and from queued to analysed, per article: p50 and p90. */
  relayLag: [number, number];
  analysisLag: [number, number];
}

const STAGES_SQL = `
  WITH t AS (SELECT o.created_at AS stored, o.published_at AS queued, a.created_at AS analysed
               FROM outbox o JOIN article_analyses a ON a.article_id = o.article_id
              WHERE o.created_at >= $1::timestamptz)
  SELECT extract(epoch FROM min(stored) - $1::timestamptz)::float8 AS s0, extract(epoch FROM max(stored) - $1::timestamptz)::float8 AS s1,
         extract(epoch FROM min(queued) - $1::timestamptz)::float8 AS q0, extract(epoch FROM max(queued) - $1::timestamptz)::float8 AS q1,
         extract(epoch FROM min(analysed) - $1::timestamptz)::float8 AS a0, extract(epoch FROM max(analysed) - $1::timestamptz)::float8 AS a1,
         percentile_cont(array[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY extract(epoch FROM queued - stored)) AS relay,
         percentile_cont(array[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY extract(epoch FROM analysed - queued)) AS analysis
    FROM t`;

/** Reads the stage timestamps once the system has stopped: PGlite's directory, or the server's database. */
async function stageTimes(dataDir: string, databaseUrl: string, since: Date): Promise<StageTimes> {
  type Row = { s0: number; s1: number; q0: number; q1: number; a0: number; a1: number; relay: number[]; analysis: number[] };
  let row: Row;
  if (databaseUrl) {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      row = (await client.query<Row>(STAGES_SQL, [since.toISOString()])).rows[0] as Row;
    } finally {
      await client.end();
    }
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    // The package's subpath exports need node16 module resolution, which this workspace does not use.
    const { vector } = require('@electric-sql/pglite/vector') as { vector: import('@electric-sql/pglite').Extension };
    const db = await PGlite.create(join(dataDir, 'pglite'), { extensions: { vector } });
    try {
      row = (await db.query<Row>(STAGES_SQL, [since.toISOString()])).rows[0] as Row;
    } finally {
      await db.close();
    }
  }
  return {
    stored: [row.s0, row.s1],
    queued: [row.q0, row.q1],
    analysed: [row.a0, row.a1],
    relayLag: [row.relay[0] ?? 0, row.relay[1] ?? 0],
    analysisLag: [row.analysis[0] ?? 0, row.analysis[1] ?? 0],
  };
}

/** Seconds from adding the sources until every article is stored and analysed, through the REST API, and when each stage ran. */
async function systemIngest(articles: Article[], concurrency: number): Promise<{ seconds: number; stages: StageTimes }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'autoglm-ingest-'));
  const fixtures = await serveFeeds(articles, 40);
  const config = await systemConfig(dataDir, concurrency);
  const system = await startEmbedded(config);
  let seconds = 0;
  const since = new Date();
  try {
    const started = process.hrtime.bigint();
    for (let f = 0; f < fixtures.feeds; f++) {
      const res = await fetch(`${system.url}/api/v1/sources`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${fixtures.base}/feed-${f}.xml`, intervalSeconds: 3600 }),
      });
      if (res.status !== 201) throw new Error(`adding feed ${f}: ${res.status} ${await res.text()}`);
    }
    for (;;) {
      let analysed = 0;
      let cursor = '';
      do {
        const page = (await (await fetch(`${system.url}/api/v1/articles?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
          items: Array<{ language: string | null }>;
          nextCursor: string | null;
        };
        // List items carry no `analyzed` flag; the language is set by the analysis.
        analysed += page.items.filter((a) => a.language !== null).length;
        cursor = page.nextCursor ?? '';
      } while (cursor);
      if (analysed >= articles.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    seconds = Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await system.close();
    fixtures.server.close();
  }
  try {
    return { seconds, stages: await stageTimes(dataDir, config.database.url, since) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const span = ([from, to]: [number, number]) => `${from.toFixed(2)}–${to.toFixed(2)} s`;
const lag = ([p50, p90]: [number, number]) => `p50 ${p50.toFixed(2)} s, p90 ${p90.toFixed(2)} s`;

async function endToEnd(articles: Article[], rounds: number, concurrency: number): Promise<void> {
  const model = await loadEmbeddingModel(ensureModelBuilt(), { sessionPoolSize: 1 });
  const ratios: number[] = [];
  try {
    await bareEmbedding(model, articles);
    for (let round = 0; round < rounds; round++) {
      const bare = await bareEmbedding(model, articles);
      const { seconds: system, stages } = await systemIngest(articles, concurrency);
      ratios.push(bare / system);
      console.log(`system round ${round + 1}: ${(articles.length / system).toFixed(1)} articles/s end to end, bare ${(articles.length / bare).toFixed(1)}/s → ${(bare / system).toFixed(2)}×`);
      const analysing = stages.analysed[1] - stages.queued[0];
      console.log(
        `  stages (seconds after the sources were added): stored ${span(stages.stored)}, queued ${span(stages.queued)} (relay lag ${lag(stages.relayLag)}), ` +
          `analysed ${span(stages.analysed)} (from queued: ${lag(stages.analysisLag)}); analysis phase ${(articles.length / analysing).toFixed(1)} articles/s = ${(bare / analysing).toFixed(2)}× bare`,
      );
    }
  } finally {
    await model.release();
  }
  console.log(`end to end / bare embedding (median): ${median(ratios).toFixed(2)}× (goal ≥ 0.6×)`);
}

async function main(): Promise<void> {
  const rounds = argValue('--rounds', 3);
  const concurrency = argValue('--concurrency', defaultConfig().analysis.concurrency);
  const articles = readArticles();
  // The system first: closing the analysis testing module closes this process's in-process queues.
  if (process.argv.includes('--system') || process.argv.includes('--system-only')) await endToEnd(articles, rounds, concurrency);
  if (!process.argv.includes('--system-only')) await analysisStages(articles, rounds, concurrency);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
