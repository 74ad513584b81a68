import { Worker, type ResourceLimits } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock';

/** PGlite served over the PostgreSQL wire protocol on a loopback port. */
export interface EmbeddedPostgres {
  readonly host: string;
  readonly port: number;
  /** Stops the server and closes the database (flushes it to dataDir). */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /**
   * Called once when the database thread ends after start-up without being stopped (out of
   * memory, a crash, terminated): every connection to it is gone and what it had not yet written
   * is lost, so the owner must not carry on as if nothing happened.
   */
  onUnexpectedExit?: (error: EmbeddedPostgresExit) => void;
  /** Limits of the database thread (tests use a small heap to make it die). */
  resourceLimits?: ResourceLimits;
}

/** Why the embedded database's thread ended while it was in use. */
export class EmbeddedPostgresExit extends Error {
  constructor(
    message: string,
    /** The worker's error code when it died of one (e.g. ERR_WORKER_OUT_OF_MEMORY). */
    readonly code: string | undefined,
    readonly exitCode: number | undefined,
  ) {
    super(message);
    this.name = 'EmbeddedPostgresExit';
  }
}

/*
 * PGlite runs in a worker thread: its WASM executes queries synchronously, which would stall
 * the service's event loop (gRPC, timers) on the main thread; and the worker is a plain Node
 * context, so PGlite's dynamic import()s also work when the host is a VM sandbox (Jest).
 * The worker is given resolved module paths so it does not depend on the working directory.
 *
 * Why execProtocolRawStream is wrapped: PGlite 0.4.6 parses every message the backend writes
 * and appends it to a private list that only execProtocol()/execProtocolStream() reset, while
 * pglite-socket serves every client message through execProtocolRawStream(), which never does.
 * Every row ever returned therefore stayed in the thread's heap (100 rows of 3.9 KB: ~390 KB per
 * query) until the thread ran out of memory (upstream: electric-sql/pglite#1025). A Terminate
 * message ('X') through execProtocol() resets that list without reaching PostgreSQL (PGlite
 * returns before running the backend for it), so each call frees what it parsed. The
 * int-spec runs more result bytes than the thread's heap holds; a PGlite upgrade that changes this makes it fail.
 *
 * Why each connection's writes are corked until the next turn of the thread's event loop: pglite-socket
 * runs each message of a query (Parse, Bind, Describe, Execute, Sync) on its own and writes each answer
 * to the socket at once — five or more send calls per query, each a system call that cost ~0.3 ms on the
 * 2-core development VM (a CPU profile of For-You calls at 100,000 articles: 13% of the database thread's
 * time). Corked, what one burst of messages answers leaves in one writev.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.modules.pglite);
const { vector } = require(workerData.modules.vector);
const { PGLiteSocketServer } = require(workerData.modules.socket);
const TERMINATE = new Uint8Array([88, 0, 0, 0, 4]);
function coalesceWrites(netServer) {
  if (!netServer || typeof netServer.on !== 'function') throw new Error('pglite-socket no longer exposes its net.Server as .server');
  netServer.on('connection', (socket) => {
    const write = socket.write.bind(socket);
    socket.write = (...args) => {
      if (!socket.writableCorked) {
        socket.cork();
        setImmediate(() => socket.uncork());
      }
      return write(...args);
    };
  });
}
function releaseParsedMessages(db) {
  const stream = db.execProtocolRawStream.bind(db);
  db.execProtocolRawStream = async (message, options) => {
    try {
      return await stream(message, options);
    } finally {
      await db.execProtocol(TERMINATE, { syncToFs: false, throwOnError: false });
    }
  };
}
(async () => {
  let db;
  let server;
  try {
    db = await PGlite.create(workerData.dataDir, { extensions: { vector } });
    releaseParsedMessages(db);
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    coalesceWrites(server.server);
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

type WorkerMessage =
  | { type: 'ready'; conn: string }
  | { type: 'failed'; message: string }
  | { type: 'stopped'; message?: string };

const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts PGlite (with pgvector) on dataDir, listening on 127.0.0.1 at an ephemeral port. The
 * directory is locked until stop() (see lockDataDir): a second start on it fails at once.
 */
export async function startEmbeddedPostgres(dataDir: string, options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const release = lockDataDir(dataDir);
  try {
    const started = await startWorker(dataDir, options);
    return { host: started.host, port: started.port, stop: () => started.stop().finally(release) };
  } catch (error) {
    release();
    throw error;
  }
}

function startWorker(dataDir: string, options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
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
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
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
      const supervision = supervise(worker, options.onUnexpectedExit);
      const at = message.conn.lastIndexOf(':');
      let stopped: Promise<void> | undefined;
      resolve({
        host: message.conn.slice(0, at),
        port: Number(message.conn.slice(at + 1)),
        stop: () => {
          supervision.stopping = true;
          stopped ??= supervision.dead ? Promise.resolve() : stopWorker(worker);
          return stopped;
        },
      });
    });
  });
}

interface Supervision {
  /** Set by stop(): the thread's end is expected from then on. */
  stopping: boolean;
  /** Set when the thread has ended. */
  dead: boolean;
}

/**
 * Watches the running thread: an 'error' (e.g. ERR_WORKER_OUT_OF_MEMORY) or an 'exit' that stop()
 * did not ask for is reported once to onUnexpectedExit. The 'error' listener stays for the thread's
 * life, so its death is never an unhandled 'error' event that takes the process down unexplained.
 */
function supervise(worker: Worker, onUnexpectedExit: EmbeddedPostgresOptions['onUnexpectedExit']): Supervision {
  const state: Supervision = { stopping: false, dead: false };
  let cause: Error | undefined;
  worker.on('error', (error) => {
    cause = error;
  });
  worker.once('exit', (exitCode) => {
    state.dead = true;
    if (state.stopping) return;
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const message = cause
      ? `embedded PostgreSQL's thread died: ${cause.message}`
      : `embedded PostgreSQL's thread exited unexpectedly (exit code ${exitCode})`;
    onUnexpectedExit?.(new EmbeddedPostgresExit(message, code, exitCode));
  });
  return state;
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
