import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, waitFor as waitUntil } from '@autoglm/shared-testing';
import { startServerBackend } from './testing/server-backend';

/**
 * SIGTERM to the real process (`npm start`'s main.ts, run from the sources through a transpiling
 * require hook) while it ingests loopback feeds: it must exit 0 within SHUTDOWN_TIMEOUT_MS
 * without a warning or an error, and a restart on the same data must end with every feed item
 * stored once and analysed once — the jobs it did not run were handed back, not lost. Run on
 * PGlite with the in-process queue (the default) and on the PostgreSQL server with BullMQ.
 */

const ROOT = join(__dirname, '..', '..', '..');
const REGISTER_TS = join(ROOT, 'tools', 'scripts', 'register-ts-source.js');
const MAIN = join(__dirname, 'main.ts');
const FEEDS = 6;
const ITEMS_PER_FEED = 30;
const TOTAL = FEEDS * ITEMS_PER_FEED;
const SHUTDOWN_TIMEOUT_MS = 15_000;
/** A loaded 2-core machine: start-up transpiles every source file and loads the models. */
const START_TIMEOUT_MS = 300_000;

type Counts = { stored: number; distinctItems: number; analysed: number; notAnalysedOnce: number; notEmbeddedOnce: number; unpublished: number };

const COUNTS_SQL: Record<keyof Counts, string> = {
  stored: `SELECT count(*)::int AS n FROM articles`,
  distinctItems: `SELECT count(DISTINCT (source_id, item_key))::int AS n FROM articles`,
  analysed: `SELECT count(DISTINCT article_id)::int AS n FROM article_analyses`,
  notAnalysedOnce: `SELECT count(*)::int AS n FROM articles a WHERE (SELECT count(*) FROM article_analyses x WHERE x.article_id = a.id) <> 1`,
  notEmbeddedOnce: `SELECT count(*)::int AS n FROM articles a WHERE (SELECT count(*) FROM article_embeddings e WHERE e.article_id = a.id) <> 1`,
  unpublished: `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
};

interface Backend {
  env: Record<string, string>;
  /** The in-process queue's leftover jobs die with the process unless storage hands them back (BullMQ's stay in Redis). */
  handsBackJobs: boolean;
  /** The numbers of COUNTS_SQL, read while no process of the system runs. */
  counts(): Promise<Counts>;
  cleanup(): Promise<void>;
}

/** PGlite is read by a plain Node process, as the system itself would open it (Jest's module sandbox cannot load it). */
function pgliteCounts(dataDir: string): Counts {
  const script = `
    const { PGlite } = require('@electric-sql/pglite');
    const { vector } = require('@electric-sql/pglite/vector');
    (async () => {
      const db = await PGlite.create(process.argv[1], { extensions: { vector } });
      const out = {};
      for (const [name, sql] of Object.entries(JSON.parse(process.argv[2]))) out[name] = (await db.query(sql)).rows[0].n;
      await db.close();
      process.stdout.write(JSON.stringify(out));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const run = spawnSync(process.execPath, ['-e', script, dataDir, JSON.stringify(COUNTS_SQL)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`reading ${dataDir} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Counts;
}

const MODES: Array<[string, (dir: string) => Promise<Backend>]> = [
  [
    'embedded (PGlite + in-process queue)',
    async (dir) => {
      const dataDir = join(dir, 'pglite');
      return { env: { DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' }, handsBackJobs: true, counts: async () => pgliteCounts(dataDir), cleanup: async () => undefined };
    },
  ],
  [
    'with servers (PostgreSQL + BullMQ on Redis)',
    async () => {
      const backend = await startServerBackend('autoglm_shutdown', 7);
      return {
        env: { DATABASE_URL: backend.databaseUrl, REDIS_URL: backend.redisUrl },
        handsBackJobs: false,
        counts: async () => {
          const client = new Client({ connectionString: backend.databaseUrl });
          await client.connect();
          try {
            const out: Partial<Counts> = {};
            for (const [name, sql] of Object.entries(COUNTS_SQL)) out[name as keyof Counts] = (await client.query<{ n: number }>(sql)).rows[0].n;
            return out as Counts;
          } finally {
            await client.end();
          }
        },
        cleanup: backend.cleanup,
      };
    },
  ],
];

function feedXml(feed: number): string {
  const items = Array.from({ length: ITEMS_PER_FEED }, (_, i) => {
    const topic = ['rail budgets', 'river flooding', 'chip exports', 'school meals', 'wind farms', 'museum funding'][(feed + i) % 6];
    return `<item><title>Feed ${feed}, story ${i}: what changed in ${topic}</title><link>http://news.test/${feed}/${i}</link>
      <guid isPermaLink="false">feed-${feed}-item-${i}</guid><pubDate>${new Date(Date.UTC(2026, 10, 1 + i, feed)).toUTCString()}</pubDate>
      <description>Report ${i} of desk ${feed} on ${topic}. Councils, engineers and residents weighed costs, schedules and risks; ${'the numbers were argued over at length while officials promised a review. '.repeat(6)}</description></item>`;
  }).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk ${feed}</title><link>http://news.test/${feed}</link><description>Desk ${feed}</description>${items}</channel></rss>`;
}

/** The feeds answer after a pause, so crawls are still running when the signal comes. */
function serveFeeds(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const match = /^\/feed-(\d+)\.xml$/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end('not found');
      return;
    }
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feedXml(Number(match[1]))), 500);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    }),
  );
}

/** One run of the real process; its output is kept line by line. */
class SystemProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private signalAt = 0;
  private linesAtSignal = 0;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['-r', REGISTER_TS, MAIN], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const collect = (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The gateway's URL, once the system says it runs. */
  async started(): Promise<string> {
    return waitFor('the system to start', async () => {
      if (this.child.exitCode !== null) throw new Error(`the process exited during start-up:\n${this.lines.slice(-30).join('\n')}`);
      return this.lines.map((line) => /Open-AutoGLM is running .*: (http:\/\/[^\s"]+)/.exec(line)?.[1]).find(Boolean);
    }, START_TIMEOUT_MS);
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.signalAt) {
      this.signalAt = Date.now();
      this.linesAtSignal = this.lines.length;
    }
    this.child.kill(signal);
  }

  /** How it ended and how long after the first signal. */
  async exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterSignalMs: number }> {
    const ended = await this.exited;
    return { ...ended, afterSignalMs: Date.now() - this.signalAt };
  }

  /** Lines after the signal that report a problem: a warning, an error, a stack frame, a used-after-close client. */
  problemsAfterSignal(): string[] {
    return this.lines.slice(this.linesAtSignal).filter((line) => /\b(WARN|ERROR|FATAL)\b|^\s+at |client is (destroyed|closed)|Unhandled/i.test(line));
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** The system's own exit ends any wait at once. */
function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, fatal: (error) => /exited during start-up/.test((error as Error).message) });
}

interface ListedArticle {
  id: string;
  sourceId: string;
  url: string;
  language: string;
}

async function listAll(url: string): Promise<ListedArticle[]> {
  const all: ListedArticle[] = [];
  let cursor = '';
  do {
    const res = await fetch(`${url}/api/v1/articles?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`GET /api/v1/articles answered ${res.status}`);
    const page = (await res.json()) as { items: ListedArticle[]; nextCursor?: string };
    all.push(...page.items);
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return all;
}

describe.each(MODES)('SIGTERM during ingestion, then a restart, %s', (_mode, makeBackend) => {
  let dir: string;
  let feeds: { server: Server; base: string };
  let backend: Backend;
  const running: SystemProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'autoglm-shutdown-'));
    feeds = await serveFeeds();
    backend = await makeBackend(dir);
    const sources = Array.from({ length: FEEDS }, (_, i) => `  - url: ${feeds.base}/feed-${i + 1}.xml\n    interval_seconds: 3600\n`).join('');
    writeFileSync(join(dir, 'config.yaml'), `sources:\n${sources}`);
  });

  afterAll(async () => {
    for (const p of running) p.kill();
    feeds?.server.close();
    await backend?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ system: SystemProcess; url: string }> {
    const [http, ...grpc] = await Promise.all([0, 1, 2, 3, 4, 5].map(() => freePort()));
    const env: Record<string, string> = {
      ...backend.env,
      AUTOGLM_CONFIG: join(dir, 'config.yaml'),
      HOST: '127.0.0.1',
      PORT: String(http),
      AUTOGLM_ALLOW_HOSTS: '127.0.0.1',
      MODEL_DIR: join(ROOT, 'models'),
      SCHEDULER_TICK_MS: '300',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      NO_COLOR: '1',
    };
    ['STORAGE', 'SOURCES', 'CRAWLER', 'ANALYSIS', 'RECOMMENDER'].forEach((name, i) => (env[`GRPC_${name}_URL`] = `127.0.0.1:${grpc[i]}`));
    const system = new SystemProcess(env);
    running.push(system);
    return { system, url: await system.started() };
  }

  /** With `twice`, a second signal comes while the first one's shutdown runs (an impatient operator, a supervisor). */
  async function stopCleanly(system: SystemProcess, twice = false): Promise<void> {
    system.signal('SIGTERM');
    if (twice) setTimeout(() => system.signal('SIGINT'), 300);
    const exit = await system.exit();
    expect({ code: exit.code, signal: exit.signal, problems: system.problemsAfterSignal() }).toEqual({ code: 0, signal: null, problems: [] });
    // The process's own watchdog exits 1 at the deadline; this adds the time a loaded machine takes to end a process.
    expect(exit.afterSignalMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 5_000);
    expect(system.lines.some((line) => /stopped in \d+ ms/.test(line))).toBe(true);
  }

  it(
    'exits 0 within the deadline, and after a restart every item is stored once and analysed once',
    async () => {
      const first = await start();
      await waitFor('the first stored articles', async () => ((await listAll(first.url)).length > 0 ? true : undefined), START_TIMEOUT_MS);
      await stopCleanly(first.system, true);

      const interrupted = await backend.counts();
      // Stopped mid-ingestion: otherwise this test would prove nothing about the jobs left over.
      expect(interrupted.analysed).toBeLessThan(TOTAL);
      expect(interrupted.stored).toBeGreaterThan(0);
      expect(interrupted.distinctItems).toBe(interrupted.stored);
      if (backend.handsBackJobs) {
        expect(first.system.lines.some((line) => /handed back to the database: [1-9]\d* analysis job/.test(line))).toBe(true);
        expect(interrupted.unpublished).toBeGreaterThan(0);
      }

      const second = await start();
      const articles = await waitFor(
        `all ${TOTAL} articles analysed after the restart`,
        async () => {
          const all = await listAll(second.url);
          return all.length >= TOTAL && all.every((a) => a.language) ? all : undefined;
        },
        START_TIMEOUT_MS,
      );
      expect(articles).toHaveLength(TOTAL);
      expect(new Set(articles.map((a) => a.url)).size).toBe(TOTAL);
      await stopCleanly(second.system);

      expect(await backend.counts()).toEqual({ stored: TOTAL, distinctItems: TOTAL, analysed: TOTAL, notAnalysedOnce: 0, notEmbeddedOnce: 0, unpublished: 0 });
    },
    2 * START_TIMEOUT_MS + 120_000,
  );
});
