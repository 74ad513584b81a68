import { join } from 'node:path';
import { ConfigError, splitHostPort, type AppConfig, type ServiceName } from '@autoglm/shared-config';

/** The processes of a distributed deployment, in start order: storage first (it migrates the database), the gateway last. */
export const DISTRIBUTED_SERVICES = ['storage', 'analysis', 'crawler', 'sources', 'recommender', 'gateway'] as const;
export type DistributedService = (typeof DISTRIBUTED_SERVICES)[number];

/** Services whose extra replicas only consume queue jobs, so several of them on one host is meaningful. */
const REPLICABLE: ReadonlySet<DistributedService> = new Set(['crawler', 'analysis']);
const MAX_REPLICAS = 16;

/** One process to run: which service, which replica, what it listens on and the variables that differ from the launcher's. */
export interface ServiceProcessPlan {
  service: DistributedService;
  /** 1-based; 1 is the replica the other services call over gRPC. */
  replica: number;
  /** "crawler" for a single replica, "crawler#2" for the second one. */
  label: string;
  /** Where it accepts connections once it is ready (a wildcard host is probed on loopback). */
  listen: { host: string; port: number };
  env: Record<string, string>;
}

/** Parses `--replicas crawler=2,analysis=2`: only crawler and analysis replicate (their extra replicas consume queues). */
export function parseReplicas(value: string): Partial<Record<DistributedService, number>> {
  const replicas: Partial<Record<DistributedService, number>> = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+)=(\d+)$/.exec(part);
    const service = match?.[1] as DistributedService | undefined;
    const count = Number(match?.[2]);
    if (!match || !service || !REPLICABLE.has(service) || !Number.isInteger(count) || count < 1 || count > MAX_REPLICAS) {
      throw new ConfigError(`--replicas: "${part}" must be crawler=<n> or analysis=<n> with 1 ≤ n ≤ ${MAX_REPLICAS}`);
    }
    replicas[service] = count;
  }
  return replicas;
}

/** Connections to a wildcard address are made to loopback. */
function probeHost(host: string): string {
  return host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The processes to start. Extra replicas of crawler and analysis listen on ports of their own
 * (`freePort`), on the host of the first replica; nothing calls them over gRPC, they take jobs.
 */
export async function planDistributed(
  config: AppConfig,
  replicas: Partial<Record<DistributedService, number>>,
  freePort: () => Promise<number>,
): Promise<ServiceProcessPlan[]> {
  const plans: ServiceProcessPlan[] = [];
  for (const service of DISTRIBUTED_SERVICES) {
    const count = replicas[service] ?? 1;
    const first = service === 'gateway' ? { host: config.http.host, port: config.http.port } : splitHostPort(config.grpc[service as ServiceName]);
    if (first.port === 0) {
      throw new ConfigError(`${service === 'gateway' ? 'PORT' : `GRPC_${service.toUpperCase()}_URL`} is 0: the services of a distributed deployment must be told each other's ports`);
    }
    for (let replica = 1; replica <= count; replica++) {
      const env: Record<string, string> = {};
      let listen = first;
      if (replica > 1) {
        listen = { host: first.host, port: await freePort() };
        env[`GRPC_${service.toUpperCase()}_URL`] = `${first.host}:${listen.port}`;
      }
      plans.push({ service, replica, label: count > 1 ? `${service}#${replica}` : service, listen: { host: probeHost(listen.host), port: listen.port }, env });
    }
  }
  return plans;
}

/** How a service's process is started: its built main.js (after `npm run build`), or its TypeScript source (specs). */
export function serviceCommand(root: string, service: DistributedService, fromSource: boolean): string[] {
  return fromSource
    ? ['-r', join(root, 'tools', 'scripts', 'register-ts-source.js'), join(root, 'apps', service, 'src', 'main.ts')]
    : ['-r', join(root, 'tools', 'scripts', 'register-paths.js'), join(root, 'dist', 'apps', service, 'src', 'main.js')];
}
