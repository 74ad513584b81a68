// PGlite memory under repeated result-heavy queries: (a) a bare PGLiteSocketServer on PGlite in a
// worker thread, as pglite-socket's README sets it up, vs (b) storage's startEmbeddedPostgres (which
// frees each query's parsed messages). Each variant runs in its own child process, connects with pg
// and runs the same named prepared statement returning 100 rows of 3.84 KB (an article page) QUERIES
// times; prints the process RSS at checkpoints and the growth ratio.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/pglite-memory.js
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@autoglm/storage-feature';

const QUERIES = 2_000;
const CHECKPOINT = 500;
const MB = 1024 * 1024;

/** pglite-socket served from a worker thread without any release of parsed messages. */
const BARE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
  const db = await PGlite.create(workerData.dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  parentPort.postMessage(server.getServerConn());
})();
`;

async function startBare(dataDir: string): Promise<{ host: string; port: number; stop(): Promise<void> }> {
  const worker = new Worker(BARE_WORKER, {
    eval: true,
    workerData: { dataDir, pglite: require.resolve('@electric-sql/pglite'), socket: require.resolve('@electric-sql/pglite-socket') },
  });
  const conn = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const at = conn.lastIndexOf(':');
  return { host: conn.slice(0, at), port: Number(conn.slice(at + 1)), stop: async () => void (await worker.terminate()) };
}

async function runVariant(variant: 'bare' | 'ours'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-pglite-memory-'));
  const server = variant === 'bare' ? await startBare(join(dir, 'pglite')) : await startEmbeddedPostgres(join(dir, 'pglite'));
  const client = new Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query(`CREATE TABLE page (id int PRIMARY KEY, body text)`);
    await client.query(`INSERT INTO page SELECT g, repeat(md5(g::text), 120) FROM generate_series(1, 300) g`);
    const rss: number[] = [];
    for (let i = 0; i <= QUERIES; i++) {
      if (i % CHECKPOINT === 0) rss.push(process.memoryUsage().rss);
      if (i === QUERIES) break;
      const result = await client.query({ name: 'page', text: 'SELECT id, body FROM page ORDER BY id OFFSET $1 LIMIT 100', values: [i % 200] });
      if (result.rowCount !== 100) throw new Error(`expected 100 rows, got ${result.rowCount}`);
    }
    process.send?.(rss);
  } finally {
    await client.end();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(variant: 'bare' | 'ours'): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--variant', variant], { execArgv: process.execArgv });
    let rss: number[] | undefined;
    child.on('message', (message: number[]) => (rss = message));
    child.once('error', reject);
    child.once('exit', (code) => (rss ? resolve(rss) : reject(new Error(`the ${variant} variant exited with code ${code} before reporting`))));
  });
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--variant');
  if (at >= 0) return runVariant(process.argv[at + 1] === 'bare' ? 'bare' : 'ours');
  const bare = await measure('bare');
  const ours = await measure('ours');
  console.log(`\npglite-memory: ${QUERIES} prepared queries of 100 rows × 3.84 KB through pglite-socket, process RSS (MB)\n`);
  console.table(
    bare.map((_, i) => ({ queries: i * CHECKPOINT, '(a) bare pglite-socket': Math.round(bare[i] / MB), '(b) startEmbeddedPostgres': Math.round(ours[i] / MB) })),
  );
  const growth = (rss: number[]) => (rss[rss.length - 1] - rss[1]) / MB;
  console.log(`RSS growth after the first ${CHECKPOINT} queries: (a) ${growth(bare).toFixed(0)} MB, (b) ${growth(ours).toFixed(0)} MB`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
