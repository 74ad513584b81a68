import { Worker, type TransferListItem } from 'node:worker_threads';
import { DomainError } from '@autoglm/shared-errors';

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/**
 * Wraps the body of a worker: `handlers` (a JS object literal of async functions, evaluated in the
 * worker with `workerData` and `require` in scope) answer `{ id, method, payload }` messages.
 * Workers run outside Jest's module sandbox, which native addons and ESM-only code need.
 */
export function workerSource(handlers: string): string {
  return `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const handlers = (${handlers});
parentPort.on('message', async ({ id, method, payload }) => {
  try {
    const handler = handlers[method];
    if (typeof handler !== 'function') throw new Error('unknown method ' + method);
    const { result, transfer } = (await handler(payload)) || {};
    parentPort.postMessage({ id, ok: true, result }, transfer || []);
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: String((error && error.message) || error) });
  }
});`;
}

/** Request/response calls into a worker thread running a workerSource() body. */
export class WorkerRpc {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  private nextId = 0;
  private failure: DomainError | undefined;

  constructor(
    private readonly name: string,
    source: string,
    workerData: unknown,
  ) {
    this.worker = new Worker(source, { eval: true, workerData });
    this.worker.on('message', (reply: Reply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      if (reply.ok) call.resolve(reply.result);
      else call.reject(new Error(reply.error));
    });
    this.worker.on('error', (error) => this.fail(`${name} worker crashed: ${error.message}`));
    this.worker.on('exit', (code) => this.fail(`${name} worker stopped (exit code ${code})`));
  }

  call<T>(method: string, payload: unknown, transfer: readonly TransferListItem[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, method, payload }, transfer);
    });
  }

  async close(): Promise<void> {
    this.fail(`${this.name} is shut down`);
    await this.worker.terminate();
  }

  private fail(message: string): void {
    this.failure ??= DomainError.unavailable(message);
    for (const call of this.pending.values()) call.reject(this.failure);
    this.pending.clear();
  }
}
