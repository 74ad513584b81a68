// Soak: does the system keep bounded memory and answer without errors under a long mixed read load?
// Starts the real entry point (dist/apps/autoglm/src/main.js) as a child process, embedded (PGlite +
// in-process queue, the default) or against the servers here (--mode server: a fresh PostgreSQL
// database and an empty Redis db index other than 0). Serves ≥1,000 English articles of 3–5 KB
// from loopback RSS feeds (plus hostile feeds: deeply nested, entity bombs, oversized, garbage),
// waits until every article is ingested and analysed, then drives a mixed read load (article
// lists, details with `similar`, search text/semantic/hybrid, recommendations, GraphQL, bad
// input, and clients that hang up mid-response) while sampling the system's RSS, heap and
// event-loop delay. Prints a table and pass/fail against the goals: every request answered as
// expected (0 errors) and RSS growing < 150 MB after the first 2,000 requests.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/soak.js \
//     [--mode embedded|server] [--requests 20000] [--duration <seconds>] [--concurrency 8] [--articles 1000]
//     [--heap-snapshot <dir>] [--set NAME=VALUE ...]   (heap snapshots of the system before and after the load, with the heap retained)
// The articles are made from the article bodies of ../shared/corpora/extraction (scrapinghub
// article-extraction-benchmark, MIT License, Copyright (c) 2020 Scrapinghub): each one joins
// paragraphs of two bodies, so the texts are real English news prose but no two are the same.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { createClient } from 'redis';
import { seededRandom } from './seeded-random';
import type { SoakHeapSnapshotDone, SoakHeapSnapshotRequest, SoakProbeSample } from './soak-probe';

const MB = 1024 * 1024;
const RSS_GROWTH_GOAL_MB = 150;
const WARM_UP_REQUESTS = 2_000;
const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const REDIS = 'redis://127.0.0.1:6379';
const ROOT = resolve(__dirname, '..', '..', '..');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpora', 'extraction', 'ground-truth.json');

interface Options {
  mode: 'embedded' | 'server';
  requests: number;
  durationSeconds: number;
  concurrency: number;
  articles: number;
  feeds: number;
  /** Where to write heap snapshots of the system at the start and the end of the load (none when empty). */
  heapSnapshotDir: string;
  /** More environment for the system (--set NAME=VALUE, repeatable): e.g. a setting to compare. */
  systemEnv: Record<string, string>;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { mode: 'embedded', requests: 20_000, durationSeconds: 0, concurrency: 8, articles: 1_000, feeds: 10, heapSnapshotDir: '', systemEnv: {} };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    const int = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a non-negative integer, got ${value}`);
      return n;
    };
    if (name === '--mode' && (value === 'embedded' || value === 'server')) options.mode = value;
    else if (name === '--requests') options.requests = int();
    else if (name === '--duration') options.durationSeconds = int();
    else if (name === '--concurrency') options.concurrency = Math.max(1, int());
    else if (name === '--articles') options.articles = int();
    else if (name === '--feeds') options.feeds = Math.max(1, int());
    else if (name === '--heap-snapshot' && value) options.heapSnapshotDir = resolve(value);
    else if (name === '--set' && /^[A-Z][A-Z0-9_]*=/.test(value ?? '')) {
      const [key, ...rest] = (value as string).split('=');
      options.systemEnv[key as string] = rest.join('=');
    }
    else throw new Error(`unknown option ${name} ${value ?? ''} (see the header of tools/bench/soak.ts)`);
  }
  return options;
}

// ---------------------------------------------------------------- the articles and their feeds

interface CorpusArticle {
  guid: string;
  title: string;
  paragraphs: string[];
  publishedAt: Date;
}

/** A deterministic pseudo-random sequence, so every run serves the same articles. */
const random = seededRandom;

function buildArticles(count: number): CorpusArticle[] {
  const truth = JSON.parse(readFileSync(CORPUS, 'utf8')) as Record<string, { articleBody: string }>;
  const bodies = Object.values(truth)
    .map((t) => t.articleBody.split(/\n+/).map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p.length > 60))
    .filter((paragraphs) => paragraphs.length >= 3);
  const next = random(11);
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const first = bodies[i % bodies.length];
    const second = bodies[Math.floor(next() * bodies.length)];
    const target = 3_000 + Math.floor(next() * 2_000);
    const start = Math.floor(next() * first.length);
    const pool = [...first.slice(start), ...first.slice(0, start), ...second];
    const paragraphs: string[] = [];
    let size = 0;
    for (const paragraph of pool) {
      if (size >= target) break;
      paragraphs.push(paragraph);
      size += paragraph.length;
    }
    const lead = paragraphs[0].split(/(?<=[.!?])\s/)[0].slice(0, 110);
    return { guid: `soak-${i}`, title: `${lead} (${i})`, paragraphs, publishedAt: new Date(now - i * 60_000) };
  });
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function rss(title: string, base: string, articles: CorpusArticle[]): string {
  const items = articles.map((a) => {
    const html = a.paragraphs.map((p) => `<p>${escapeXml(p)}</p>`).join('');
    return `<item><title>${escapeXml(a.title)}</title><link>${base}/articles/${a.guid}</link><guid isPermaLink="false">${a.guid}</guid>` +
      `<pubDate>${a.publishedAt.toUTCString()}</pubDate><description><![CDATA[${html}]]></description></item>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${escapeXml(title)}</title><link>${base}/</link>${items.join('')}</channel></rss>`;
}

/** Feeds a crawler must survive without effect: each is refused or yields nothing harmful. */
function hostileFeeds(): Record<string, Buffer> {
  const depth = 100_000;
  const nested = `<?xml version="1.0"?><rss version="2.0"><channel><title>deep</title>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</channel></rss>`;
  const laughs = [`<!ENTITY l0 "lol">`, ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('');
  const bomb = `<?xml version="1.0"?><!DOCTYPE rss [${laughs}<!ENTITY secret SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&l9;</title>` +
    `<item><title>&l9;</title><guid>bomb-1</guid><description>&secret;</description></item></channel></rss>`;
  const huge = Buffer.alloc(11 * MB, `<item><title>${'x'.repeat(200)}</title></item>`);
  const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919) % 256));
  return {
    '/hostile/nested.xml': Buffer.from(nested),
    '/hostile/bomb.xml': Buffer.from(bomb),
    '/hostile/huge.xml': Buffer.concat([Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title>'), huge]),
    '/hostile/garbage.xml': garbage,
    '/hostile/truncated.xml': Buffer.from(rss('cut', 'http://127.0.0.1', []).slice(0, 60) + '<item><title>never closed'),
  };
}

async function startFeedServer(articles: CorpusArticle[], feeds: number): Promise<{ server: Server; base: string; feedPaths: string[]; hostilePaths: string[] }> {
  const routes = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const body = routes.get((req.url ?? '').split('?')[0]);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const feedPaths: string[] = [];
  for (let f = 0; f < feeds; f++) {
    const path = `/feeds/${f}.xml`;
    routes.set(path, Buffer.from(rss(`Soak feed ${f}`, base, articles.filter((_, i) => i % feeds === f))));
    feedPaths.push(path);
  }
  const hostile = hostileFeeds();
  for (const [path, body] of Object.entries(hostile)) routes.set(path, body);
  return { server, base, feedPaths, hostilePaths: Object.keys(hostile) };
}

// ---------------------------------------------------------------- the system under test

interface SystemUnderTest {
  child: ChildProcess;
  url: string;
  samples: SoakProbeSample[];
  exited: () => string | undefined;
  /** Writes a heap snapshot of the system to `file` (after a full collection). */
  heapSnapshot(file: string): Promise<SoakHeapSnapshotDone>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function startSystem(env: Record<string, string>, workDir: string): Promise<SystemUnderTest> {
  const grpc = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const services = ['STORAGE', 'SOURCES', 'CRAWLER', 'ANALYSIS', 'RECOMMENDER'];
  const configPath = join(workDir, 'config.yaml');
  writeFileSync(configPath, 'sources: []\n');
  const childEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? workDir,
    NODE_ENV: 'production',
    AUTOGLM_CONFIG: configPath,
    HOST: '127.0.0.1',
    // The gateway takes a free port itself and names its URL in the log (no race with other processes for it).
    PORT: '0',
    DATA_DIR: join(workDir, 'pglite'),
    MODEL_DIR: join(ROOT, 'models'),
    AUTOGLM_ALLOW_HOSTS: '127.0.0.1',
    CRAWLER_ROBOTS_TXT: 'false',
    RATE_LIMIT_ENABLED: 'false',
    WEBSUB_ENABLED: 'false',
    ...Object.fromEntries(services.map((s, i) => [`GRPC_${s}_URL`, `127.0.0.1:${grpc[i]}`])),
    ...env,
  };
  const log: string[] = [];
  let url: string | undefined;
  const keep = (chunk: Buffer) => {
    const lines = chunk.toString('utf8').split('\n').filter(Boolean);
    url ??= lines.map((line) => /Open-AutoGLM is running .*: (http:\/\/[\w.-]+:\d+)/.exec(line)?.[1]).find(Boolean);
    log.push(...lines);
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  const child = fork(join(ROOT, 'dist', 'apps', 'autoglm', 'src', 'main.js'), [], {
    cwd: ROOT,
    env: childEnv,
    execArgv: ['-r', join(ROOT, 'tools', 'scripts', 'register-paths.js'), '-r', join(__dirname, 'soak-probe.js')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const samples: SoakProbeSample[] = [];
  const snapshotsDone: Array<(done: SoakHeapSnapshotDone) => void> = [];
  child.on('message', (message: SoakProbeSample | SoakHeapSnapshotDone) => {
    if (message?.type === 'soak-probe') samples.push(message);
    if (message?.type === 'soak-heap-snapshot-done') snapshotsDone.shift()?.(message);
  });
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = `exited (code ${code}, signal ${signal}); last log lines:\n${log.slice(-25).join('\n')}`;
  });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    if (exit) throw new Error(`the system ${exit}`);
    if (Date.now() > deadline) throw new Error(`the system did not answer /health in time; last log lines:\n${log.slice(-25).join('\n')}`);
    const health = url ? await fetch(`${url}/health`).catch(() => undefined) : undefined;
    if (health?.ok) break;
    await sleep(500);
  }
  return {
    child,
    url: url as string,
    samples,
    exited: () => exit,
    heapSnapshot: (file: string) =>
      new Promise<SoakHeapSnapshotDone>((done) => {
        snapshotsDone.push(done);
        const request: SoakHeapSnapshotRequest = { type: 'soak-heap-snapshot', file };
        child.send(request);
      }),
    stop: async () => {
      if (exit) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------- talking to it

interface Answer {
  status: number;
  body: unknown;
}

async function call(base: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text for the error report.
  }
  return { status: response.status, body };
}

type ArticleItem = { id: string; sourceId: string; language: string | null; title: string };

/** Every article, newest first, through the list endpoint's cursor. */
async function allArticles(base: string): Promise<ArticleItem[]> {
  const items: ArticleItem[] = [];
  let cursor = '';
  for (;;) {
    const page = await call(base, `/api/v1/articles?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (page.status !== 200) throw new Error(`listing articles answered ${page.status}: ${JSON.stringify(page.body).slice(0, 300)}`);
    const body = page.body as { items: ArticleItem[]; nextCursor: string | null };
    items.push(...body.items);
    if (!body.nextCursor) return items;
    cursor = body.nextCursor;
  }
}

// ---------------------------------------------------------------- the load

interface Outcome {
  kind: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

type Check = (answer: Answer) => string | undefined;

const expectStatus = (status: number): Check => (a) => (a.status === status ? undefined : `status ${a.status}: ${JSON.stringify(a.body).slice(0, 200)}`);
const graphqlOk: Check = (a) =>
  a.status !== 200 ? `status ${a.status}` : (a.body as { errors?: unknown }).errors ? `errors ${JSON.stringify((a.body as { errors: unknown }).errors).slice(0, 200)}` : undefined;

interface Mix {
  kind: string;
  weight: number;
  run(pick: () => number): { path: string; method?: string; body?: unknown; check: Check } | 'disconnect';
}

function mixFor(ids: string[], words: string[], users: string[]): Mix[] {
  const any = <T>(list: T[], pick: () => number) => list[Math.floor(pick() * list.length)];
  const q = (pick: () => number) => encodeURIComponent(`${any(words, pick)} ${any(words, pick)}`);
  return [
    { kind: 'list 100', weight: 12, run: () => ({ path: '/api/v1/articles?limit=100', check: expectStatus(200) }) },
    { kind: 'list 20 (filtered)', weight: 8, run: () => ({ path: '/api/v1/articles?limit=20&language=en', check: expectStatus(200) }) },
    { kind: 'detail + similar', weight: 20, run: (p) => ({ path: `/api/v1/articles/${any(ids, p)}`, check: expectStatus(200) }) },
    { kind: 'search text', weight: 10, run: (p) => ({ path: `/api/v1/search?q=${q(p)}&mode=text`, check: expectStatus(200) }) },
    { kind: 'search semantic', weight: 10, run: (p) => ({ path: `/api/v1/search?q=${q(p)}&mode=semantic`, check: expectStatus(200) }) },
    { kind: 'search hybrid', weight: 10, run: (p) => ({ path: `/api/v1/search?q=${q(p)}`, check: expectStatus(200) }) },
    { kind: 'recommendations', weight: 8, run: (p) => ({ path: `/api/v1/users/${any(users, p)}/recommendations?limit=10`, check: expectStatus(200) }) },
    {
      kind: 'graphql article',
      weight: 6,
      run: (p) => ({
        path: '/graphql',
        method: 'POST',
        body: { query: `{ article(id: "${any(ids, p)}") { id title language summary similar { id title score } } }` },
        check: graphqlOk,
      }),
    },
    {
      kind: 'graphql search+list',
      weight: 6,
      run: (p) => ({
        path: '/graphql',
        method: 'POST',
        body: { query: `{ search(q: "${any(words, p)}", limit: 10) { mode items { highlight article { id title } } } articles(limit: 20) { items { id title } } }` },
        check: graphqlOk,
      }),
    },
    {
      kind: 'bad input (400)',
      weight: 4,
      run: (p) =>
        any(
          [
            { path: '/api/v1/articles?limit=0', check: expectStatus(400) },
            { path: '/api/v1/articles?cursor=garbage', check: expectStatus(400) },
            { path: '/api/v1/search?q=', check: expectStatus(400) },
            { path: `/api/v1/search?q=${encodeURIComponent('x'.repeat(600))}`, check: expectStatus(400) },
            { path: '/api/v1/articles/not-a-uuid', check: (a: Answer) => (a.status === 400 || a.status === 404 ? undefined : `status ${a.status}`) },
          ],
          p,
        ),
    },
    { kind: 'disconnect mid-response', weight: 6, run: () => 'disconnect' },
  ];
}

/** A client that asks for a large page and hangs up as soon as the answer starts to arrive. */
function disconnectMidResponse(base: string): Promise<string | undefined> {
  return new Promise((done) => {
    const req = httpRequest(`${base}/api/v1/articles?limit=100`, (res) => {
      res.once('data', () => {
        req.destroy();
        done(undefined);
      });
      res.once('end', () => done(undefined));
    });
    req.on('error', () => done(undefined));
    req.setTimeout(60_000, () => {
      req.destroy();
      done('no answer in 60 s');
    });
    req.end();
  });
}

interface LoadResult {
  outcomes: Outcome[];
  /** Index in samples of the first sample at or after each mark. */
  marks: { start: number; warm: number | undefined; end: number };
  seconds: number;
}

async function drive(system: SystemUnderTest, mix: Mix[], options: Options): Promise<LoadResult> {
  const total = mix.reduce((sum, m) => sum + m.weight, 0);
  const pick = random(7);
  const choose = () => {
    let r = pick() * total;
    for (const m of mix) if ((r -= m.weight) < 0) return m;
    return mix[mix.length - 1];
  };
  const outcomes: Outcome[] = [];
  const started = Date.now();
  const startSample = system.samples.length;
  let warm: number | undefined;
  let issued = 0;
  const more = () =>
    options.durationSeconds > 0 ? Date.now() - started < options.durationSeconds * 1000 : issued < options.requests;
  let lastReport = Date.now();
  const client = async () => {
    while (more() && !system.exited()) {
      issued++;
      const m = choose();
      const t0 = performance.now();
      let detail: string | undefined;
      const plan = m.run(pick);
      if (plan === 'disconnect') {
        detail = await disconnectMidResponse(system.url);
      } else {
        try {
          detail = plan.check(await call(system.url, plan.path, plan));
        } catch (error) {
          detail = `${(error as Error).message} (${plan.path.slice(0, 80)})`;
        }
      }
      outcomes.push({ kind: m.kind, ok: detail === undefined, ms: performance.now() - t0, detail });
      if (warm === undefined && outcomes.length >= WARM_UP_REQUESTS) warm = system.samples.length;
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        const last = system.samples[system.samples.length - 1];
        console.log(`  ${outcomes.length} requests, ${outcomes.filter((o) => !o.ok).length} errors, RSS ${last ? Math.round(last.rssBytes / MB) : '?'} MB`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  // One more sample after the last request.
  await sleep(1_100);
  return { outcomes, marks: { start: startSample, warm, end: system.samples.length - 1 }, seconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------- the run

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const workDir = mkdtempSync(join(tmpdir(), 'autoglm-soak-'));
  const articles = buildArticles(options.articles);
  const feeds = await startFeedServer(articles, options.feeds);
  const cleanups: Array<() => Promise<void>> = [async () => void (await new Promise((done) => feeds.server.close(done)))];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup().catch((error: Error) => console.error(`cleanup: ${error.message}`));
    rmSync(workDir, { recursive: true, force: true });
  };
  // An interrupted soak still stops the system and drops its database and Redis keys.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the system and cleaning up`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  const env: Record<string, string> = {};
  try {
    if (options.mode === 'server') {
      const name = `soak_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      const admin = new Client({ connectionString: `${POSTGRES}/postgres` });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      cleanups.push(async () => {
        const c = new Client({ connectionString: `${POSTGRES}/postgres` });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      });
      const index = await emptyRedisIndex();
      cleanups.push(async () => {
        const redis = createClient({ url: `${REDIS}/${index}` });
        await redis.connect();
        await redis.flushDb();
        await redis.quit();
      });
      env['DATABASE_URL'] = `${POSTGRES}/${name}`;
      env['REDIS_URL'] = `${REDIS}/${index}`;
    }
    const avgKb = articles.reduce((s, a) => s + a.paragraphs.join('\n\n').length, 0) / articles.length / 1024;
    console.log(`soak (${options.mode}): ${articles.length} articles (mean ${avgKb.toFixed(1)} KB) in ${options.feeds} feeds + ${feeds.hostilePaths.length} hostile feeds`);

    const system = await startSystem({ ...env, ...options.systemEnv }, workDir);
    cleanups.unshift(() => system.stop());
    const bootSample = system.samples[system.samples.length - 1];

    const ingestStarted = Date.now();
    const sourceIds = new Set<string>();
    for (const path of [...feeds.feedPaths, ...feeds.hostilePaths]) {
      const id = await addSource(system.url, `${feeds.base}${path}`);
      if (feeds.feedPaths.includes(path)) sourceIds.add(id);
    }
    let analysed: ArticleItem[] = [];
    for (;;) {
      const exit = system.exited();
      if (exit) throw new Error(`the system ${exit}`);
      // While ingesting, a list can outlive its deadline: that is reported and asked again, the soak itself counts every error.
      const items = await allArticles(system.url).catch((error: Error) => {
        console.log(`  ingest: ${error.message.slice(0, 160)}`);
        return undefined;
      });
      if (!items) {
        await sleep(10_000);
        continue;
      }
      analysed = items.filter((a) => sourceIds.has(a.sourceId) && a.language);
      if (analysed.length >= articles.length) break;
      if (Date.now() - ingestStarted > 60 * 60_000) throw new Error(`only ${analysed.length}/${articles.length} articles analysed after 60 min`);
      console.log(`  ingest: ${items.length} stored, ${analysed.length} analysed after ${Math.round((Date.now() - ingestStarted) / 1000)} s`);
      await sleep(20_000);
    }
    const ingestSeconds = (Date.now() - ingestStarted) / 1000;
    console.log(`  ingest: ${analysed.length} analysed in ${ingestSeconds.toFixed(0)} s (${(analysed.length / ingestSeconds).toFixed(1)} articles/s)`);

    // Reading events make the recommendation profiles warm.
    const users = ['soak-alice', 'soak-bob', 'soak-carol', 'soak-dave'];
    const readPick = random(3);
    for (const user of users) {
      for (let i = 0; i < 5; i++) {
        const article = analysed[Math.floor(readPick() * analysed.length)];
        const event = await call(system.url, '/api/v1/events', { method: 'POST', body: { userId: user, articleId: article.id, type: 'open' } });
        if (event.status !== 201) throw new Error(`a reading event answered ${event.status}: ${JSON.stringify(event.body)}`);
      }
    }
    const words = [...new Set(articles.flatMap((a) => a.title.toLowerCase().match(/\b[a-z]{5,}\b/g) ?? []))];

    console.log(`  load: ${options.durationSeconds ? `${options.durationSeconds} s` : `${options.requests} requests`}, concurrency ${options.concurrency}`);
    const snapshot = async (point: string) => {
      if (!options.heapSnapshotDir) return;
      const done = await system.heapSnapshot(join(options.heapSnapshotDir, `${options.mode}-${point}.heapsnapshot`));
      console.log(`  heap snapshot at ${point}: ${done.file}; heap used after a full collection ${Math.round(done.heapUsedAfterGcBytes / MB)} MB`);
    };
    await snapshot('load-start');
    const load = await drive(system, mixFor(analysed.map((a) => a.id), words, users), options);
    await snapshot('load-end');

    // After the load: still healthy, the hostile feeds added nothing and broke nothing.
    const exit = system.exited();
    const health = exit ? undefined : await call(system.url, '/health').catch(() => undefined);
    const after = exit ? [] : await allArticles(system.url);
    const fromFeeds = after.filter((a) => sourceIds.has(a.sourceId)).length;
    const sources = exit ? undefined : await call(system.url, '/api/v1/sources');
    const hostileStatus = ((sources?.body as { items?: Array<{ url: string; status: string; articleCount: number; lastError?: string }> } | undefined)?.items ?? [])
      .filter((s) => s.url.includes('/hostile/'))
      .map((s) => `${s.url.split('/').pop()}: ${s.status}, ${s.articleCount} article(s)${s.lastError ? ` (${s.lastError.slice(0, 60)})` : ''}`);
    const leaked = after.some((a) => /root:x:0:0/.test(a.title));

    report(options, bootSample, system.samples, load, { ingestSeconds, analysed: analysed.length, fromFeeds, expected: articles.length, health: health?.status, exit, hostileStatus, leaked });
  } finally {
    await cleanUp();
  }
}

/**
 * Adds a feed. While the first feeds are ingested an add can outlive its deadline (504) and still
 * happen, so a failed add is looked up before it is tried again.
 */
async function addSource(base: string, url: string): Promise<string> {
  let last = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    const created = await call(base, '/api/v1/sources', { method: 'POST', body: { url } }).catch((error: Error) => ({ status: 0, body: error.message }));
    if (created.status === 201) return (created.body as { id: string }).id;
    last = `${created.status}: ${JSON.stringify(created.body).slice(0, 200)}`;
    const list = await call(base, '/api/v1/sources').catch(() => undefined);
    const found = list?.status === 200 ? (list.body as { items: Array<{ id: string; url: string }> }).items.find((s) => s.url === url) : undefined;
    if (found) {
      console.log(`  adding ${url} answered ${last}; it was added all the same`);
      return found.id;
    }
    await sleep(2_000);
  }
  throw new Error(`adding ${url} failed 10 times, last ${last}`);
}

/** A Redis db index other than 0 that holds no keys (other engineers' tests share the server). */
async function emptyRedisIndex(): Promise<number> {
  for (let index = 15; index >= 1; index--) {
    const redis = createClient({ url: `${REDIS}/${index}` });
    await redis.connect();
    const size = await redis.dbSize();
    await redis.quit();
    if (size === 0) return index;
  }
  throw new Error('no empty Redis db index (1–15) is free');
}

interface Checks {
  ingestSeconds: number;
  analysed: number;
  fromFeeds: number;
  expected: number;
  health: number | undefined;
  exit: string | undefined;
  hostileStatus: string[];
  leaked: boolean;
}

function report(options: Options, boot: SoakProbeSample | undefined, samples: SoakProbeSample[], load: LoadResult, checks: Checks): void {
  const { outcomes } = load;
  const kinds = [...new Set(outcomes.map((o) => o.kind))];
  console.log(`\nsoak (${options.mode}): ${outcomes.length} requests in ${load.seconds.toFixed(0)} s (${(outcomes.length / load.seconds).toFixed(1)} req/s), concurrency ${options.concurrency}\n`);
  console.table(
    [...kinds, 'all'].map((kind) => {
      const of = kind === 'all' ? outcomes : outcomes.filter((o) => o.kind === kind);
      const ms = of.map((o) => o.ms).sort((a, b) => a - b);
      return { kind, requests: of.length, errors: of.filter((o) => !o.ok).length, 'p50 ms': Math.round(percentile(ms, 50)), 'p99 ms': Math.round(percentile(ms, 99)) };
    }),
  );
  const errors = outcomes.filter((o) => !o.ok);
  for (const e of errors.slice(0, 10)) console.log(`  error: ${e.kind}: ${e.detail}`);

  const at = (i: number | undefined) => (i === undefined ? undefined : samples[Math.min(Math.max(i, 0), samples.length - 1)]);
  const start = at(load.marks.start);
  const warm = at(load.marks.warm);
  const end = at(load.marks.end);
  const during = samples.slice(load.marks.start, load.marks.end + 1);
  const mb = (s: SoakProbeSample | undefined, f: (s: SoakProbeSample) => number) => (s ? Math.round(f(s) / MB) : NaN);
  console.table(
    (
      [
        ['boot (idle)', boot],
        ['load start', start],
        [`after ${WARM_UP_REQUESTS} requests`, warm],
        ['load end', end],
      ] as Array<[string, SoakProbeSample | undefined]>
    ).map(([point, s]) => ({
      point,
      'RSS MB': mb(s, (x) => x.rssBytes),
      'heap used MB': mb(s, (x) => x.heapUsedBytes),
      'heap held MB': mb(s, (x) => x.heapTotalBytes),
      'external MB': mb(s, (x) => x.externalBytes),
      'of which buffers MB': mb(s, (x) => x.arrayBuffersBytes),
      // What the allocators outside V8 hold: onnxruntime's arenas, PGlite's WebAssembly memory is external.
      'rest MB': mb(s, (x) => x.rssBytes - x.heapTotalBytes - x.externalBytes),
    })),
  );
  const lags = during.map((s) => s.lagP99Ms).sort((a, b) => a - b);
  const peakRss = Math.max(...during.map((s) => s.rssBytes));
  console.log(
    `  RSS peak during load ${Math.round(peakRss / MB)} MB; event-loop delay p99 per second: median ${percentile(lags, 50).toFixed(0)} ms, worst ${percentile(lags, 100).toFixed(0)} ms; ` +
      `ingest ${checks.analysed} articles in ${checks.ingestSeconds.toFixed(0)} s`,
  );
  console.log(`  hostile feeds: ${checks.hostileStatus.join('; ') || '(not read)'}`);

  const growth = warm && end ? (end.rssBytes - warm.rssBytes) / MB : NaN;
  const goals: Array<[string, boolean, string]> = [
    [`requests ≥ ${options.durationSeconds ? '(time-bound run)' : options.requests}`, options.durationSeconds > 0 || outcomes.length >= options.requests, `${outcomes.length}`],
    ['0 errors', errors.length === 0, `${errors.length}`],
    [`RSS growth after ${WARM_UP_REQUESTS} requests < ${RSS_GROWTH_GOAL_MB} MB`, growth < RSS_GROWTH_GOAL_MB, `${growth.toFixed(0)} MB`],
    ['system alive and healthy after the soak', !checks.exit && checks.health === 200, checks.exit ?? `health ${checks.health}`],
    ['hostile feeds and disconnects changed nothing', checks.fromFeeds === checks.expected && !checks.leaked, `${checks.fromFeeds}/${checks.expected} articles from the feeds${checks.leaked ? ', /etc/passwd leaked' : ''}`],
  ];
  console.table(goals.map(([goal, ok, value]) => ({ goal, value, result: ok ? 'PASS' : 'FAIL' })));
  if (goals.some(([, ok]) => !ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
