import { Worker } from 'node:worker_threads';

/** PGlite served over the PostgreSQL wire protocol on a loopback port. */
export interface EmbeddedPostgres {
  readonly host: string;
  readonly port: number;
  /** Stops the server and closes the database (flushes it to dataDir). */
  stop(): Promise<void>;
}

/*
 * PGlite runs in a worker thread: its WASM executes queries synchronously, which would stall
 * the service's event loop (gRPC, timers) on the main thread; and the worker is a plain Node
 * context, so PGlite's dynamic import()s also work when the host is a VM sandbox (Jest).
 * The worker is given resolved module paths so it does not depend on the working directory.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.modules.pglite);
const { vector } = require(workerData.modules.vector);
const { PGLiteSocketServer } = require(workerData.modules.socket);
(async () => {
  let db;
  let server;
  try {
    db = await PGlite.create(workerData.dataDir, { extensions: { vector } });
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String((error && error.message) || error) });
    if (db) await db.close().catch(() => undefined);
    parentPort.close();
    return;
  }
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    try {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: 'stopped' });
    } catch (error) {
      parentPort.postMessage({ type: 'stopped', message: String((error && error.message) || error) });
    }
    parentPort.close();
  });
  parentPort.postMessage({ type: 'ready', conn: server.getServerConn() });
})();
`;

type WorkerMessage = { type: 'ready'; conn: string } | { type: 'failed'; message: string } | { type: 'stopped'; message?: string };

const STOP_TIMEOUT_MS = 15_000;

/** Starts PGlite (with pgvector) on dataDir, listening on 127.0.0.1 at an ephemeral port. */
export function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dataDir,
      modules: {
        pglite: require.resolve('@electric-sql/pglite'),
        vector: require.resolve('@electric-sql/pglite/vector'),
        socket: require.resolve('@electric-sql/pglite-socket'),
      },
    },
  });
  return new Promise<EmbeddedPostgres>((resolve, reject) => {
    const fail = (error: Error) => {
      worker.removeAllListeners();
      void worker.terminate();
      reject(error);
    };
    worker.once('error', (error) => fail(new Error(`embedded PostgreSQL failed to start: ${error.message}`)));
    worker.once('exit', (code) => fail(new Error(`embedded PostgreSQL exited during start-up (code ${code})`)));
    worker.once('message', (message: WorkerMessage) => {
      worker.removeAllListeners();
      if (message.type !== 'ready') {
        void worker.terminate();
        reject(new Error(`embedded PostgreSQL failed to start in ${dataDir}: ${'message' in message ? message.message : message.type}`));
        return;
      }
      const at = message.conn.lastIndexOf(':');
      let stopped: Promise<void> | undefined;
      resolve({
        host: message.conn.slice(0, at),
        port: Number(message.conn.slice(at + 1)),
        stop: () => (stopped ??= stopWorker(worker)),
      });
    });
  });
}

function stopWorker(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('embedded PostgreSQL did not stop in time'));
    }, STOP_TIMEOUT_MS);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type !== 'stopped') return;
      // The database is closed: nothing is lost by ending the thread now.
      void worker.terminate();
      if (message.message) {
        clearTimeout(timer);
        reject(new Error(`embedded PostgreSQL did not stop cleanly: ${message.message}`));
      }
    });
    worker.postMessage('stop');
  });
}
