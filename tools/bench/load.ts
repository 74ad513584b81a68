// Load on the gateway's read endpoints (issue 11): the whole system started as a user starts it
// (`node dist/apps/autoglm/src/main.js`, a child process), ~260 realistic English articles (~3.9 KB
// each) ingested from loopback feeds, then autocannon against each endpoint — /health, the article
// list, an article with its similar articles, search (text, semantic, hybrid), GraphQL articles — and
// against a bare NestJS app with one hello endpoint (another child process), in alternating pairs
// (hello, endpoint) per round. Prints req/s, p50/p99, errors and non-2xx per endpoint, its ratio to
// the hello of its pair (median over rounds) and pass/fail against the goals: /health ≥ 0.5× hello,
// list and detail ≥ 0.2× hello, 0 errors everywhere; search and GraphQL are reported.
//
// Both servers run as child processes so that neither shares an event loop with autocannon (the
// client's own CPU would otherwise be charged to whichever server ran in the bench's process), and the
// system under test gets its configuration from the environment exactly as `npm start` does
// (RATE_LIMIT_ENABLED=false: the load comes from one client address).
//
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/load.js \
//     [--mode embedded|server|both] [--duration 15] [--connections 32] [--rounds 2] [--articles 260] \
//     [--endpoints health,list,...] [--cpu-prof <dir>]
// server mode: a fresh database on 127.0.0.1:5432 (dropped afterwards) and Redis db index 1 + pid % 15.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { freePort, waitFor as waitUntil } from '@autoglm/shared-testing';
import { startServerBackend } from '../../apps/autoglm/src/testing/server-backend';

type Mode = 'embedded' | 'server';

interface Options {
  modes: Mode[];
  durationSeconds: number;
  connections: number;
  rounds: number;
  articles: number;
  endpoints: string[] | undefined;
  cpuProfileDir: string | undefined;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function positive(name: string, fallback: number): number {
  const raw = argValue(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

function parseOptions(): Options {
  const mode = argValue('--mode') ?? 'both';
  if (!['embedded', 'server', 'both'].includes(mode)) throw new Error(`--mode must be embedded, server or both, got "${mode}"`);
  return {
    modes: mode === 'both' ? ['embedded', 'server'] : [mode as Mode],
    durationSeconds: positive('--duration', 15),
    connections: Math.round(positive('--connections', 32)),
    rounds: Math.round(positive('--rounds', 2)),
    articles: Math.round(positive('--articles', 260)),
    endpoints: argValue('--endpoints')?.split(',').map((e) => e.trim()),
    cpuProfileDir: argValue('--cpu-prof') ? resolve(argValue('--cpu-prof') as string) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// The bare NestJS app: this same file, forked with --hello, so the baseline runs the framework
// version and platform (Express) the gateway runs, in a process of its own.

async function runHello(): Promise<void> {
  require('reflect-metadata');
  const { Controller, Get, Module } = require('@nestjs/common') as typeof import('@nestjs/common');
  const { NestFactory } = require('@nestjs/core') as typeof import('@nestjs/core');

  @Controller()
  class HelloController {
    @Get('hello')
    hello(): { hello: string } {
      return { hello: 'world' };
    }
  }

  @Module({ controllers: [HelloController] })
  class HelloModule {}

  const app = await NestFactory.create(HelloModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  process.send?.({ port });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

// ---------------------------------------------------------------------------------------------
// Articles: the English news texts of the summary set, each extended with paragraphs of others to
// ~3.9 KB, with a distinct title and date; served as full-content RSS from loopback.

interface NewsText {
  lang: string;
  title: string;
  text: string;
}

const REPOSITORY = join(__dirname, '..', '..', '..');
const FEEDS = 4;
const TARGET_BYTES = 3_900;

function newsTexts(): NewsText[] {
  const file = join(REPOSITORY, 'libs', 'analysis', 'feature', 'src', 'lib', 'summary', 'data', 'news-summaries.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as NewsText)
    .filter((n) => n.lang === 'en');
}

interface FeedArticle {
  title: string;
  text: string;
  published: Date;
}

function makeArticles(count: number): FeedArticle[] {
  const texts = newsTexts();
  const paragraphs = texts.flatMap((t) => t.text.split('\n').filter((p) => p.trim()));
  const articles: FeedArticle[] = [];
  for (let i = 0; i < count; i++) {
    const base = texts[i % texts.length] as NewsText;
    const parts = [base.text];
    let size = Buffer.byteLength(base.text);
    for (let k = 0; size < TARGET_BYTES; k++) {
      const paragraph = paragraphs[(i * 7 + k * 13) % paragraphs.length] as string;
      parts.push(paragraph);
      size += Buffer.byteLength(paragraph) + 2;
    }
    articles.push({
      title: `${base.title} — report ${i + 1}`,
      text: parts.join('\n\n'),
      published: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000),
    });
  }
  return articles;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function rss(base: string, feed: number, articles: FeedArticle[]): string {
  const items = articles
    .map((a, i) => {
      const html = a.text
        .split('\n\n')
        .map((p) => `<p>${escapeXml(p)}</p>`)
        .join('');
      return `<item><title>${escapeXml(a.title)}</title><link>${base}/articles/${feed}/${i}</link><guid>${base}/articles/${feed}/${i}</guid>
<pubDate>${a.published.toUTCString()}</pubDate><description>${escapeXml(a.text.slice(0, 200))}</description>
<content:encoded><![CDATA[${html}]]></content:encoded></item>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Load bench feed ${feed}</title><link>${base}/</link><description>Loopback news</description>
${items}
</channel></rss>`;
}

async function serveFeeds(count: number): Promise<{ server: Server; urls: string[] }> {
  const articles = makeArticles(count);
  const bodies = new Map<string, string>();
  const server = createServer((req, res) => {
    const body = bodies.get((req.url ?? '').split('?')[0] as string);
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const urls: string[] = [];
  for (let f = 0; f < FEEDS; f++) {
    const slice = articles.filter((_, i) => i % FEEDS === f);
    bodies.set(`/feed-${f}.xml`, rss(base, f, slice));
    urls.push(`${base}/feed-${f}.xml`);
  }
  return { server, urls };
}

// ---------------------------------------------------------------------------------------------
// The system under test and its backends.

interface Backend {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function makeBackend(mode: Mode): Promise<Backend> {
  if (mode === 'embedded') return { env: { DATABASE_URL: '', REDIS_URL: '' }, cleanup: async () => undefined };
  const backend = await startServerBackend('autoglm_load');
  return { env: { DATABASE_URL: backend.databaseUrl, REDIS_URL: backend.redisUrl }, cleanup: backend.cleanup };
}

interface RunningSystem {
  url: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

async function startSystem(mode: Mode, backend: Backend, dataDir: string, options: Options): Promise<RunningSystem> {
  const configPath = join(dataDir, 'config.yaml');
  writeFileSync(configPath, 'sources: []\n');
  const [http, ...grpc] = await Promise.all([0, 1, 2, 3, 4, 5].map(() => freePort()));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...backend.env,
    AUTOGLM_CONFIG: configPath,
    HOST: '127.0.0.1',
    PORT: String(http),
    DATA_DIR: join(dataDir, 'pglite'),
    MODEL_DIR: join(REPOSITORY, 'models'),
    AUTOGLM_ALLOW_HOSTS: '127.0.0.1',
    SCHEDULER_TICK_MS: '500',
    RATE_LIMIT_ENABLED: 'false',
  };
  ['storage', 'sources', 'crawler', 'analysis', 'recommender'].forEach((s, i) => {
    env[`GRPC_${s.toUpperCase()}_URL`] = `127.0.0.1:${grpc[i]}`;
  });
  const nodeArgs = ['-r', join(REPOSITORY, 'tools', 'scripts', 'register-paths.js')];
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', join(options.cpuProfileDir, mode));
  const child = spawn(process.execPath, [...nodeArgs, join(REPOSITORY, 'dist', 'apps', 'autoglm', 'src', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${http}`;
  const stop = () => stopChild(child);
  try {
    await waitFor('the system to answer /health', async () => {
      if (child.exitCode !== null) throw new Error(`the system exited with ${child.exitCode}:\n${log.join('')}`);
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    }, 180_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** The system's own exit ends any wait at once. */
function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, intervalMs: 500, fatal: (error) => String(error).includes('the system exited') });
}

interface ListedArticle {
  id: string;
  language: string | null;
}

async function allArticles(url: string): Promise<ListedArticle[]> {
  const articles: ListedArticle[] = [];
  let cursor = '';
  do {
    const res = await fetch(`${url}/api/v1/articles?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    const page = (await res.json()) as { items: ListedArticle[]; nextCursor: string | null };
    articles.push(...page.items);
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return articles;
}

async function ingest(url: string, feeds: string[], expected: number): Promise<{ ids: string[]; seconds: number }> {
  const started = Date.now();
  for (const feed of feeds) {
    const res = await fetch(`${url}/api/v1/sources`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: feed }),
    });
    if (res.status !== 201) throw new Error(`adding ${feed} answered ${res.status}: ${await res.text()}`);
  }
  const articles = await waitFor(
    `${expected} analysed articles`,
    async () => {
      const listed = await allArticles(url);
      return listed.length >= expected && listed.every((a) => a.language) ? listed : undefined;
    },
    30 * 60_000,
  );
  return { ids: articles.map((a) => a.id), seconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// Endpoints and measurement.

interface Endpoint {
  name: string;
  /** The least share of the hello rate it must reach; undefined: reported only. */
  goal: number | undefined;
  request(next: () => number): autocannon.Request;
}

const QUERIES = ['interest rates inflation', 'election results parliament', 'football final', 'climate flood river', 'chip factory jobs'];

function endpoints(ids: string[]): Endpoint[] {
  const search = (mode: string) => (next: () => number) => ({
    method: 'GET' as const,
    setupRequest: (req: autocannon.Request) => ({
      ...req,
      path: `/api/v1/search?q=${encodeURIComponent(QUERIES[next() % QUERIES.length] as string)}&mode=${mode}&limit=20`,
    }),
  });
  return [
    { name: 'health', goal: 0.5, request: () => ({ method: 'GET', path: '/health' }) },
    { name: 'list', goal: 0.2, request: () => ({ method: 'GET', path: '/api/v1/articles?limit=20' }) },
    {
      name: 'detail',
      goal: 0.2,
      request: (next) => ({
        method: 'GET',
        setupRequest: (req: autocannon.Request) => ({ ...req, path: `/api/v1/articles/${ids[next() % ids.length]}` }),
      }),
    },
    { name: 'search text', goal: undefined, request: search('text') },
    { name: 'search semantic', goal: undefined, request: search('semantic') },
    { name: 'search hybrid', goal: undefined, request: search('hybrid') },
    {
      name: 'graphql articles',
      goal: undefined,
      request: () => ({
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ articles(limit: 20) { items { id title summary topic publishedAt } nextCursor } }' }),
      }),
    },
  ];
}

interface Sample {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function measure(url: string, request: autocannon.Request, options: Options): Promise<Sample> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [request],
    timeout: 30,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

interface Row {
  endpoint: Endpoint;
  samples: Sample[];
  hello: Sample[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function benchMode(mode: Mode, options: Options, helloUrl: string): Promise<boolean> {
  const backend = await makeBackend(mode);
  const dataDir = mkdtempSync(join(tmpdir(), 'autoglm-load-'));
  const feeds = await serveFeeds(options.articles);
  let system: RunningSystem | undefined;
  try {
    system = await startSystem(mode, backend, dataDir, options);
    const { ids, seconds } = await ingest(system.url, feeds.urls, options.articles);
    console.log(`\n[${mode}] ${ids.length} articles ingested and analysed in ${seconds.toFixed(0)} s`);
    // One untimed pass, so that every endpoint's first-call costs (model load, caches, JIT) are behind us.
    const selected = endpoints(ids).filter((e) => !options.endpoints || options.endpoints.includes(e.name));
    let counter = 0;
    const next = () => counter++;
    for (const endpoint of selected) await measure(system.url, endpoint.request(next), { ...options, durationSeconds: 1 });

    const rows: Row[] = selected.map((endpoint) => ({ endpoint, samples: [], hello: [] }));
    for (let round = 0; round < options.rounds; round++) {
      for (const row of rows) {
        row.hello.push(await measure(helloUrl, { method: 'GET', path: '/hello' }, options));
        row.samples.push(await measure(system.url, row.endpoint.request(next), options));
      }
    }
    return report(mode, rows, options);
  } finally {
    await system?.stop();
    feeds.server.close();
    rmSync(dataDir, { recursive: true, force: true });
    await backend.cleanup();
  }
}

function report(mode: Mode, rows: Row[], options: Options): boolean {
  console.log(
    `\n[${mode}] ${options.connections} connections, ${options.durationSeconds} s per run, ${options.rounds} rounds of (hello, endpoint); ` +
      'req/s and p50 are means over rounds, p99 the worst round, ratio the median of the per-round ratios',
  );
  const table = rows.map(({ endpoint, samples, hello }) => {
    const ratio = median(samples.map((s, i) => s.requestsPerSecond / (hello[i] as Sample).requestsPerSecond));
    const errors = samples.reduce((n, s) => n + s.errors, 0);
    const non2xx = samples.reduce((n, s) => n + s.non2xx, 0);
    const pass = errors === 0 && non2xx === 0 && (endpoint.goal === undefined || ratio >= endpoint.goal);
    const mean = (pick: (s: Sample) => number, of: Sample[]) => of.reduce((n, s) => n + pick(s), 0) / of.length;
    return {
      endpoint: endpoint.name,
      'req/s': Math.round(mean((s) => s.requestsPerSecond, samples)),
      'p50 ms': Math.round(mean((s) => s.p50, samples)),
      'p99 ms': Math.max(...samples.map((s) => s.p99)),
      errors,
      non2xx,
      'hello req/s': Math.round(mean((s) => s.requestsPerSecond, hello)),
      ratio: Number(ratio.toFixed(3)),
      goal: endpoint.goal === undefined ? '0 errors' : `≥${endpoint.goal}×, 0 errors`,
      result: pass ? 'pass' : 'FAIL',
    };
  });
  console.table(table);
  return table.every((r) => r.result === 'pass');
}

async function main(): Promise<void> {
  const options = parseOptions();
  const hello = fork(__filename, ['--hello'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((done, fail) => {
      hello.once('message', (m: { port: number }) => done(m.port));
      hello.once('exit', (code) => fail(new Error(`the hello app exited with ${code}`)));
    });
    const helloUrl = `http://127.0.0.1:${port}`;
    let allPass = true;
    for (const mode of options.modes) allPass = (await benchMode(mode, options, helloUrl)) && allPass;
    console.log(`\n${allPass ? 'all goals met' : 'some goals NOT met'}`);
    process.exitCode = allPass ? 0 : 1;
  } finally {
    await stopChild(hello);
  }
}

if (process.argv.includes('--hello')) {
  runHello().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
