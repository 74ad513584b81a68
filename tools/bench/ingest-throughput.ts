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
// on the same articles, against bare embedding in the same run, and reports per stage (from the process's metrics)
// the time spent in crawl jobs, each storage RPC of the pipeline, analyze jobs and model calls. With --server each
// round runs on a fresh PostgreSQL database and Redis db (127.0.0.1:5432 / :6379) instead of embedded PGlite.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/ingest-throughput.js [--rounds 3] [--concurrency 16] [--system | --system-only] [--server]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import {
  AnalysisModule,
  AnalysisService,
  articleEmbeddingText,
  articleSimhash64,
  EmbeddingCatalog,
  EmbeddingService,
  ensureModelBuilt,
  LANGUAGE_DETECTOR,
  loadEmbeddingModel,
  repositoryModelsDir,
  wordKeywords,
  type EmbeddingModel,
  type LanguageDetector,
} from '@autoglm/analysis-feature';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { articlesAnalysed, metricsRegistry } from '@autoglm/shared-observability';
import { startEmbedded } from '../../apps/autoglm/src/embedded';
import { embeddedTestConfig } from '../../apps/autoglm/src/testing/embedded-test-config';
import { startServerBackend, type ServerBackend } from '../../apps/autoglm/src/testing/server-backend';

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
  const languages = moduleRef.get<LanguageDetector>(LANGUAGE_DETECTOR);
  const wordModel = await moduleRef.get(EmbeddingCatalog).wordModel();
  const bareModel = await loadEmbeddingModel(config.analysis.modelDir, { name: embeddings.model.name, sessionPoolSize: 1 });
  const bulk = { priority: 'bulk' as const };
  const paths: Record<string, () => Promise<number>> = {
    bare: () => bareEmbedding(bareModel, articles),
    pipeline: () => timed(articles, concurrency, (a) => analysis.analyze(a.title, a.text, bulk)),
    'stage: embedding': () => timed(articles, concurrency, (a) => embeddings.embedOne(articleEmbeddingText(a.title, a.text), bulk)),
    'stage: summary': () => timed(articles, concurrency, (a) => analysis.summarize(a.text, false, a.title, bulk)),
    'stage: language': () => timed(articles, concurrency, (a) => languages.detect(articleEmbeddingText(a.title, a.text))),
    'stage: topic vector (word model)': () => timed(articles, concurrency, (a) => wordModel.embedOne(articleEmbeddingText(a.title, a.text), bulk)),
    'stage: keywords + SimHash': () =>
      timed(articles, concurrency, async (a) => {
        const words = wordModel.model.tokenizer.words(articleEmbeddingText(a.title, a.text));
        return [wordKeywords(words, wordModel.model.tokenizer), articleSimhash64(words)];
      }),
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

function systemConfig(dataDir: string, concurrency: number, server: ServerBackend | undefined): Promise<AppConfig> {
  return embeddedTestConfig(dataDir, {
    database: { url: server?.databaseUrl ?? '' },
    redis: { url: server?.redisUrl ?? '' },
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

/** Sum and count of every histogram series of the process's metrics, keyed by name and labels. */
type MetricTotals = Map<string, { sum: number; count: number }>;

async function metricTotals(): Promise<MetricTotals> {
  const totals: MetricTotals = new Map();
  for (const metric of await metricsRegistry.getMetricsAsJSON()) {
    if (String(metric.type) !== 'histogram') continue;
    for (const value of metric.values) {
      // Histogram values carry the series name (…_bucket, …_sum, …_count).
      const series = (value as { metricName?: string }).metricName ?? '';
      const part = series.endsWith('_sum') ? 'sum' : series.endsWith('_count') ? 'count' : undefined;
      if (!part) continue;
      const labels = Object.entries(value.labels)
        .filter(([name]) => name !== 'code' && name !== 'outcome')
        .map(([, label]) => String(label))
        .join(' ');
      const key = `${metric.name} ${labels}`;
      const entry = totals.get(key) ?? { sum: 0, count: 0 };
      entry[part] += value.value;
      totals.set(key, entry);
    }
  }
  return totals;
}

/** The pipeline's stages as the metrics name them: label, metric, and a label value that picks the series. */
const STAGE_METRICS: ReadonlyArray<[string, string, string]> = [
  ['crawl job (fetch, parse, store)', 'autoglm_queue_job_duration_seconds', 'crawl'],
  ['storage UpsertArticles', 'autoglm_rpc_server_duration_seconds', 'UpsertArticles'],
  ['analyze job (read, analyse, save)', 'autoglm_queue_job_duration_seconds', 'analyze'],
  ['analyze job: wait in queue', 'autoglm_queue_job_wait_seconds', 'analyze'],
  ['storage GetAnalysisInputs', 'autoglm_rpc_server_duration_seconds', 'GetAnalysisInputs'],
  ['storage SaveAnalyses', 'autoglm_rpc_server_duration_seconds', 'SaveAnalyses'],
  ['batcher: wait for a batch', 'autoglm_batcher_queue_wait_seconds', 'bulk'],
];

/** Per stage: calls, total seconds (summed over concurrent calls) and mean ms per call between two snapshots. */
function stageTable(before: MetricTotals, after: MetricTotals): Record<string, { calls: number; 'total s': number; 'ms/call': number }> {
  const delta = (name: string, label: string) => {
    let sum = 0;
    let count = 0;
    for (const [key, value] of after) {
      const [metric, ...labels] = key.split(' ');
      if (metric !== name || !labels.includes(label)) continue;
      sum += value.sum - (before.get(key)?.sum ?? 0);
      count += value.count - (before.get(key)?.count ?? 0);
    }
    return { sum, count };
  };
  const rows = STAGE_METRICS.map(([label, name, value]) => [label, delta(name, value)] as const);
  // Model calls: every model of the process (the embedding model, the word model).
  const models = new Set([...after.keys()].filter((key) => key.startsWith('autoglm_model_inference_duration_seconds ')).map((key) => key.split(' ')[1] ?? ''));
  const all = [...rows, ...[...models].map((model) => [`model run: ${model}`, delta('autoglm_model_inference_duration_seconds', model)] as const)];
  return Object.fromEntries(
    all.map(([label, { sum, count }]) => [label, { calls: count, 'total s': +sum.toFixed(2), 'ms/call': count ? +((1000 * sum) / count).toFixed(1) : 0 }]),
  );
}

/** The main thread's event-loop delay since the metrics were last collected (the metricTotals() before the ingest), in ms. */
async function eventLoopDelay(): Promise<{ mean: number; p99: number; max: number }> {
  const value = async (name: string) => {
    const metric = metricsRegistry.getSingleMetric(name);
    const values = metric ? (await metric.get()).values : [];
    return +(1000 * (values[0]?.value ?? 0)).toFixed(1);
  };
  // This gauge's collect sets the others from the delay histogram (and restarts it).
  await value('nodejs_eventloop_lag_seconds');
  return {
    mean: await value('nodejs_eventloop_lag_mean_seconds'),
    p99: await value('nodejs_eventloop_lag_p99_seconds'),
    max: await value('nodejs_eventloop_lag_max_seconds'),
  };
}

/** Analyses storage saved in this process so far. */
async function analysedTotal(): Promise<number> {
  return (await articlesAnalysed.get()).values.reduce((n, v) => n + v.value, 0);
}

/** Articles the REST list shows with a language (list items carry no `analyzed` flag; the language is set by the analysis). */
async function listedWithLanguage(url: string): Promise<number> {
  let analysed = 0;
  let cursor = '';
  do {
    const page = (await (await fetch(`${url}/api/v1/articles?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
      items: Array<{ language: string | null }>;
      nextCursor: string | null;
    };
    analysed += page.items.filter((a) => a.language !== null).length;
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return analysed;
}

/** Seconds from adding the sources until every article is stored and analysed, through the REST API, and when each stage ran. */
async function systemIngest(
  articles: Article[],
  concurrency: number,
  serverMode: boolean,
): Promise<{ seconds: number; cpuSeconds: number; stages: StageTimes; perStage: ReturnType<typeof stageTable>; eventLoopNote: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'autoglm-ingest-'));
  const fixtures = await serveFeeds(articles, 40);
  const server = serverMode ? await startServerBackend('ingest_bench') : undefined;
  const config = await systemConfig(dataDir, concurrency, server);
  const system = await startEmbedded(config);
  let seconds = 0;
  let cpuSeconds = 0;
  let perStage: ReturnType<typeof stageTable> = {};
  let eventLoopNote = '';
  const since = new Date();
  const before = await metricTotals();
  const analysedBefore = await analysedTotal();
  try {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    for (let f = 0; f < fixtures.feeds; f++) {
      const res = await fetch(`${system.url}/api/v1/sources`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${fixtures.base}/feed-${f}.xml`, intervalSeconds: 3600 }),
      });
      if (res.status !== 201) throw new Error(`adding feed ${f}: ${res.status} ${await res.text()}`);
    }
    // Waits on the process's own counter of saved analyses (polling the REST list would load the system it measures),
    // then checks once what a user sees: every article listed with its language.
    while ((await analysedTotal()) - analysedBefore < articles.length) await new Promise((r) => setTimeout(r, 20));
    seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const listed = await listedWithLanguage(system.url);
    if (listed < articles.length) throw new Error(`${articles.length} analyses saved, but only ${listed} articles are listed with a language`);
    // Read before the metric snapshot below, which restarts prom-client's event-loop delay histogram.
    const loop = await eventLoopDelay();
    perStage = stageTable(before, await metricTotals());
    eventLoopNote = `main thread's event-loop delay while ingesting: mean ${loop.mean} ms, p99 ${loop.p99} ms, max ${loop.max} ms`;
  } finally {
    await system.close();
    fixtures.server.close();
  }
  try {
    return { seconds, cpuSeconds, stages: await stageTimes(dataDir, config.database.url, since), perStage, eventLoopNote };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await server?.cleanup();
  }
}

const span = ([from, to]: [number, number]) => `${from.toFixed(2)}–${to.toFixed(2)} s`;
const lag = ([p50, p90]: [number, number]) => `p50 ${p50.toFixed(2)} s, p90 ${p90.toFixed(2)} s`;

async function endToEnd(articles: Article[], rounds: number, concurrency: number, serverMode: boolean): Promise<void> {
  const model = await loadEmbeddingModel(ensureModelBuilt(), { sessionPoolSize: 1 });
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  try {
    await bareEmbedding(model, articles);
    for (let round = 0; round < rounds; round++) {
      const cpuBefore = process.cpuUsage();
      const bare = await bareEmbedding(model, articles);
      const bareCpu = process.cpuUsage(cpuBefore);
      const bareCpuSeconds = (bareCpu.user + bareCpu.system) / 1e6;
      const { seconds: system, cpuSeconds, stages, perStage, eventLoopNote } = await systemIngest(articles, concurrency, serverMode);
      ratios.push(bare / system);
      cpuRatios.push(bareCpuSeconds / cpuSeconds);
      console.log(`system round ${round + 1}: ${(articles.length / system).toFixed(1)} articles/s end to end, bare ${(articles.length / bare).toFixed(1)}/s → ${(bare / system).toFixed(2)}×`);
      const analysing = stages.analysed[1] - stages.queued[0];
      console.log(
        `  stages (seconds after the sources were added): stored ${span(stages.stored)}, queued ${span(stages.queued)} (relay lag ${lag(stages.relayLag)}), ` +
          `analysed ${span(stages.analysed)} (from queued: ${lag(stages.analysisLag)}); analysis phase ${(articles.length / analysing).toFixed(1)} articles/s = ${(bare / analysing).toFixed(2)}× bare`,
      );
      console.log(`  per stage (${serverMode ? 'PostgreSQL + Redis' : 'embedded PGlite'}; total s sums concurrent calls; bare embedding took ${bare.toFixed(2)} s):`);
      console.table(perStage);
      // Every storage round trip, gRPC call and model hand-off of the embedded system waits for a turn of this loop.
      console.log(`  ${eventLoopNote}`);
      // CPU time is what a busy machine cannot hide: this process's threads (in server mode PostgreSQL and Redis are not counted).
      console.log(
        `  CPU per article: bare ${((1000 * bareCpuSeconds) / articles.length).toFixed(1)} ms, system ${((1000 * cpuSeconds) / articles.length).toFixed(1)} ms` +
          ` (bare/system ${(bareCpuSeconds / cpuSeconds).toFixed(2)}×${serverMode ? '; without PostgreSQL and Redis' : ''})`,
      );
    }
  } finally {
    await model.release();
  }
  console.log(`end to end / bare embedding (median): ${median(ratios).toFixed(2)}× (goal ≥ 0.6×); CPU per article bare/system (median): ${median(cpuRatios).toFixed(2)}×`);
}

async function main(): Promise<void> {
  const rounds = argValue('--rounds', 3);
  const concurrency = argValue('--concurrency', defaultConfig().analysis.concurrency);
  const articles = readArticles();
  // The system first: closing the analysis testing module closes this process's in-process queues.
  if (process.argv.includes('--system') || process.argv.includes('--system-only')) {
    await endToEnd(articles, rounds, concurrency, process.argv.includes('--server'));
  }
  if (!process.argv.includes('--system-only')) await analysisStages(articles, rounds, concurrency);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
