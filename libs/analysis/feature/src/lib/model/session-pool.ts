import { availableParallelism } from 'node:os';
import { Logger } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import type { ProviderSessionSettings } from '../providers/execution-provider';
import type { ExecutionProviderRegistry, ProviderAttempt, ProviderStatus } from '../providers/execution-provider.registry';
import type { ModelRunOutput, ModelRunRequest, ModelSession, SessionHost } from './onnx-session';

/** Sessions per model: two let one batch compute while the next is prepared and transferred. */
export function defaultSessionPoolSize(cores = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores));
}

/** GPU/NPU device the accelerator providers use; a constant until the analysis config slice has one. */
export const EXECUTION_DEVICE_ID = 0;

/** How a model's provider was chosen at start-up. */
export interface ProviderChoice {
  provider: string;
  attempts: ProviderAttempt[];
  providers: ProviderStatus[];
}

/** N sessions of one model; every run goes to a free session (or waits for one). */
export class SessionPool implements ModelSession {
  private readonly idle: ModelSession[];
  private readonly waiters: ((session: ModelSession) => void)[] = [];
  private released = false;

  constructor(
    private readonly sessions: readonly ModelSession[],
    readonly choice: ProviderChoice,
  ) {
    if (sessions.length === 0) throw new RangeError('a session pool needs at least one session');
    this.idle = [...sessions];
  }

  get size(): number {
    return this.sessions.length;
  }

  get executionProvider(): string {
    return this.choice.provider;
  }

  /** Sessions not running a batch right now. */
  get free(): number {
    return this.idle.length;
  }

  async run(request: ModelRunRequest): Promise<ModelRunOutput> {
    const session = await this.acquire();
    try {
      return await session.run(request);
    } finally {
      const next = this.waiters.shift();
      if (next) next(session);
      else this.idle.push(session);
    }
  }

  async release(): Promise<void> {
    this.released = true;
    await Promise.allSettled(this.sessions.map((s) => s.release()));
  }

  private acquire(): Promise<ModelSession> {
    if (this.released) return Promise.reject(DomainError.unavailable('the model is shut down'));
    const session = this.idle.pop();
    if (session) return Promise.resolve(session);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface OpenSessionPoolOptions {
  registry: ExecutionProviderRegistry;
  preference: readonly string[];
  size?: number;
  cores?: number;
  /** Starts one session host (a worker thread). */
  spawn: () => SessionHost;
  logger?: Logger;
}

/**
 * Opens a model's sessions: the first host asks onnxruntime what this build supports, the
 * registry picks the first preferred provider that is available and opens (falling back with a
 * logged reason), then the other hosts open on the chosen provider. A host that fails there is
 * dropped with a warning; the pool keeps the sessions that opened.
 */
export async function openSessionPool(model: Uint8Array, options: OpenSessionPoolOptions): Promise<SessionPool> {
  const logger = options.logger ?? new Logger('SessionPool');
  const cores = options.cores ?? availableParallelism();
  const size = options.size ?? defaultSessionPoolSize(cores);
  const settings: ProviderSessionSettings = { deviceId: EXECUTION_DEVICE_ID, threads: Math.max(1, Math.floor(cores / size)) };
  const first = options.spawn();
  const hosts: SessionHost[] = [first];
  try {
    const environment = { ...(await first.environment()), cores };
    const selection = await options.registry.select(
      options.preference,
      environment,
      async (provider) => first.open(model, provider.sessionOptions(settings)),
      logger,
    );
    const sessionOptions = selection.provider.sessionOptions(settings);
    const others = await Promise.all(
      Array.from({ length: size - 1 }, async (_, i) => {
        const host = options.spawn();
        hosts.push(host);
        try {
          await host.open(model, sessionOptions);
          return host;
        } catch (error) {
          logger.warn(`session ${i + 2} of ${size} on ${selection.provider.name} failed to open (${(error as Error).message}); the pool runs without it`);
          await host.release().catch(() => undefined);
          return undefined;
        }
      }),
    );
    const sessions = [first, ...others.filter((h): h is SessionHost => h !== undefined)];
    return new SessionPool(sessions, { provider: selection.provider.name, attempts: selection.attempts, providers: selection.providers });
  } catch (error) {
    await Promise.allSettled(hosts.map((h) => h.release()));
    throw error;
  }
}
