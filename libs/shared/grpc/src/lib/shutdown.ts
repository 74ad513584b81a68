import type { Server as HttpServer } from 'node:http';
import type { AppConfig } from '@autoglm/shared-config';

/** How a stopping service spends its time. */
export interface ShutdownOptions {
  /**
   * Epoch ms until which in-flight work (HTTP requests, gRPC calls, queue jobs) may run; what is
   * still running then is cancelled or handed back, and the service releases what it holds.
   */
  drainBy: number;
  /** Told what the shutdown is doing now (named in the report of a shutdown that overran). */
  onStep?(step: string): void;
}

/** When a shutdown that starts at `now` must have drained its in-flight work, and when the process must be gone. */
export interface ShutdownDeadlines {
  drainBy: number;
  exitBy: number;
}

/**
 * Two thirds of shutdown.timeoutMs for in-flight work, the rest for closing clients, the
 * database (PGlite writes its files when it closes) and Redis.
 */
export function shutdownDeadlines(config: AppConfig['shutdown'], now: number): ShutdownDeadlines {
  return { drainBy: now + Math.floor((config.timeoutMs * 2) / 3), exitBy: now + config.timeoutMs };
}

/**
 * Resolves when `work` settles or at `deadline` (epoch ms), whichever is first: true when the
 * work settled in time. The work's own outcome is its caller's business.
 */
export async function settlesBy(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops an HTTP server the way a deploy wants it: no new connection, the requests in flight
 * answered, each keep-alive connection closed as soon as it is idle (Node's close() closes the
 * idle ones only once, so a connection busy at that moment would linger until its keep-alive
 * timeout), and at `deadline` (epoch ms) every connection left is cut. Resolves when the server
 * has closed; true when no request had to be cut.
 */
export async function drainHttpServer(server: HttpServer, deadline: number, idleCheckMs = 50): Promise<boolean> {
  if (!server.listening) return true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), idleCheckMs);
  try {
    const inTime = await settlesBy(closed, deadline);
    if (!inTime) {
      server.closeAllConnections();
      await closed;
    }
    return inTime;
  } finally {
    clearInterval(sweep);
  }
}
