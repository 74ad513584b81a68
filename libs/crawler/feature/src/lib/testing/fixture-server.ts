import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

export type FixtureHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server for tests: routes are registered per test, unknown paths answer 404. */
export class FixtureServer {
  private readonly routes = new Map<string, FixtureHandler>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  /** Requests received, as "METHOD path", with their headers. */
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers'] }> = [];
  port = 0;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  route(path: string, handler: FixtureHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  /** Serves a fixed body with a content type (and optional extra headers). */
  serve(path: string, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): this {
    return this.route(path, (_req, res) => {
      res.writeHead(200, { 'content-type': contentType, ...headers });
      res.end(body);
    });
  }

  redirect(path: string, location: string, status = 302): this {
    return this.route(path, (_req, res) => {
      res.writeHead(status, { location });
      res.end();
    });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push({ path, headers: req.headers });
      const handler = this.routes.get(path.split('?')[0]);
      if (handler) return handler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  reset(): void {
    this.routes.clear();
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Reads a file of src/fixtures. */
export function readFixture(name: string): Buffer {
  return readFileSync(join(__dirname, '..', '..', 'fixtures', name));
}
