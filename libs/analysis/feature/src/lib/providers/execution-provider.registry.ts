import { Logger } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import type { ExecutionProvider, ProviderEnvironment, ProviderKind, ProviderProbe } from './execution-provider';

/**
 * Providers tried in this order, best first; CPU is always the last resort. A constant because the
 * analysis config slice (libs/shared/config) has no `executionProviders` setting yet. WebGPU is
 * registered but not preferred: for the small embedding models here the upload cost outweighs the
 * GPU, and Dawn's adapter search is slow and noisy on machines without one.
 */
export const EXECUTION_PROVIDER_PREFERENCE: readonly string[] = ['tensorrt', 'cuda', 'cann', 'qnn', 'coreml', 'directml', 'openvino', 'cpu'];

export type AttemptOutcome = 'skipped' | 'failed' | 'chosen';

/** One step of the start-up fallback trail of a model. */
export interface ProviderAttempt {
  provider: string;
  outcome: AttemptOutcome;
  reason: string;
}

/** A registered provider as GetModelInfo shows it. */
export interface ProviderStatus {
  name: string;
  ortName: string;
  kind: ProviderKind;
  description: string;
  available: boolean;
  bundled: boolean;
  chosen: boolean;
  /** 1-based place in the preference order; 0 when not preferred. */
  preferenceRank: number;
  reason: string;
}

export interface ProviderSelection<T> {
  provider: ExecutionProvider;
  attempts: ProviderAttempt[];
  providers: ProviderStatus[];
  /** What `open` returned for the chosen provider (the session). */
  opened: T;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;

/** The execution providers known to the service: plugins behind one interface, looked up by name. */
export class ExecutionProviderRegistry {
  private readonly byName = new Map<string, ExecutionProvider>();

  constructor(providers: readonly ExecutionProvider[]) {
    for (const provider of providers) {
      if (this.byName.has(provider.name)) throw new Error(`execution provider ${provider.name} is registered twice`);
      this.byName.set(provider.name, provider);
    }
    if (!this.byName.has('cpu')) throw new Error('the cpu execution provider must be registered (it is the last resort)');
  }

  list(): ExecutionProvider[] {
    return [...this.byName.values()];
  }

  get(name: string): ExecutionProvider | undefined {
    return this.byName.get(name);
  }

  /** The preference order to try: known names, without repeats, always ending with cpu. */
  candidates(preference: readonly string[]): ExecutionProvider[] {
    const unknown = preference.filter((name) => !this.byName.has(name));
    if (unknown.length > 0) {
      throw DomainError.failedPrecondition(
        `unknown execution provider ${unknown.join(', ')}; registered: ${[...this.byName.keys()].join(', ')}`,
      );
    }
    const names = [...new Set([...preference.filter((n) => n !== 'cpu'), 'cpu'])];
    return names.map((n) => this.byName.get(n) as ExecutionProvider);
  }

  /**
   * Tries the preferred providers in order: an unavailable one is skipped, one whose session
   * cannot be created is noted as failed, each with its reason (logged); the first that opens wins.
   */
  async select<T>(
    preference: readonly string[],
    environment: ProviderEnvironment,
    open: (provider: ExecutionProvider) => Promise<T>,
    logger: Pick<Logger, 'warn' | 'log'> = new Logger(ExecutionProviderRegistry.name),
  ): Promise<ProviderSelection<T>> {
    const probes = new Map(this.list().map((p) => [p.name, p.probe(environment)] as const));
    const attempts: ProviderAttempt[] = [];
    for (const provider of this.candidates(preference)) {
      const probe = probes.get(provider.name) as ProviderProbe;
      if (!probe.available) {
        attempts.push({ provider: provider.name, outcome: 'skipped', reason: probe.reason });
        // Not on this machine is expected (most hosts have no NPU): logged, not warned.
        logger.log(`execution provider ${provider.name} skipped: ${probe.reason}; trying the next one`);
        continue;
      }
      try {
        const opened = await open(provider);
        attempts.push({ provider: provider.name, outcome: 'chosen', reason: probe.reason });
        logger.log(`execution provider ${provider.name} chosen (${probe.reason})`);
        return { provider, attempts, providers: this.describe(preference, probes, attempts), opened };
      } catch (error) {
        const reason = `the session could not be created: ${messageOf(error)}`;
        attempts.push({ provider: provider.name, outcome: 'failed', reason });
        logger.warn(`execution provider ${provider.name} failed: ${reason}; trying the next one`);
      }
    }
    throw DomainError.failedPrecondition(
      `no execution provider could load the model (${attempts.map((a) => `${a.provider}: ${a.reason}`).join('; ')})`,
    );
  }

  private describe(preference: readonly string[], probes: Map<string, ProviderProbe>, attempts: ProviderAttempt[]): ProviderStatus[] {
    const order = this.candidates(preference).map((p) => p.name);
    const chosen = attempts.find((a) => a.outcome === 'chosen')?.provider;
    return this.list().map((p) => {
      const probe = probes.get(p.name) as ProviderProbe;
      const attempt = attempts.find((a) => a.provider === p.name);
      const rank = order.indexOf(p.name) + 1;
      let reason = probe.reason;
      if (attempt?.outcome === 'failed') reason = attempt.reason;
      else if (probe.available && rank === 0) reason = `${probe.reason}; not in the preference order`;
      else if (probe.available && !attempt) reason = `${probe.reason}; not tried, ${chosen} comes first in the preference order`;
      return {
        name: p.name,
        ortName: p.ortName,
        kind: p.kind,
        description: p.description,
        available: probe.available && attempt?.outcome !== 'failed',
        bundled: probe.bundled,
        chosen: p.name === chosen,
        preferenceRank: rank,
        reason,
      };
    });
  }
}
