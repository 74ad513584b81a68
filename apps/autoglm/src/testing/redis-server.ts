import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort, waitFor } from '@autoglm/shared-testing';

/**
 * A redis-server of the test's own on a free loopback port, without persistence (no RDB, no AOF):
 * restart() kills it with SIGKILL and starts an empty one on the same port — what a Redis restart
 * without persistence does to the queues. The machine's Redis is never touched.
 */
export class TestRedisServer {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private async launch(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'], {
      stdio: 'ignore',
    });
    await waitFor(`redis-server on port ${this.port}`, () => this.ping(), { timeoutMs: 10_000, intervalMs: 50 });
  }

  private ping(): Promise<true | undefined> {
    return new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: this.port });
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG') ? true : undefined);
      });
      socket.once('error', () => resolve(undefined));
    });
  }
}
