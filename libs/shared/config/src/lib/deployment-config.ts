import type { AppConfig, ServiceName } from './app-config';
import { ConfigError } from './config-error';

/** How a process runs the services: all in one process (apps/autoglm), or one service per process. */
export type Deployment = 'embedded' | 'distributed';

/** The services that produce or consume the pipeline's queues (crawl, analyze). */
const QUEUE_SERVICES: ReadonlySet<string> = new Set<ServiceName>(['storage', 'sources', 'crawler', 'analysis']);

/**
 * Checks, at start-up, that the queues of this process are the ones the other processes see. A
 * service started on its own shares its queues with the others through Redis: without REDIS_URL it
 * would get a private in-process queue that no other process reads, and ingestion would silently
 * stop. The embedded launcher runs every service in one process, so its in-process queue is
 * shared — unless DATABASE_URL says the database is shared with other processes too.
 */
export function checkQueueConfiguration(config: Pick<AppConfig, 'database' | 'redis'>, deployment: Deployment, service: string): void {
  if (config.redis.url) return;
  if (deployment === 'embedded') {
    if (!config.database.url) return;
    throw new ConfigError(
      'REDIS_URL is not set but DATABASE_URL is: with a shared PostgreSQL the queues must be shared too (REDIS_URL=redis://…), ' +
        'or unset DATABASE_URL to run embedded on PGlite',
    );
  }
  if (!QUEUE_SERVICES.has(service)) return;
  throw new ConfigError(
    `REDIS_URL is not set: ${service} runs on its own (distributed mode) and shares its queues with the other services through Redis ` +
      '(REDIS_URL=redis://…); without it its jobs would go to a private in-process queue no other process reads. ' +
      'To run every service in one process, use npm start',
  );
}

/** One listening address of a process of the deployment, with the setting that configures it. */
interface Listener {
  what: string;
  host: string;
  port: number;
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether two listeners on the same port would collide on one machine (a wildcard takes every local address). */
function sameMachineAddress(a: string, b: string): boolean {
  const kind = (host: string) => (WILDCARD_HOSTS.has(host) ? 'any' : LOOPBACK_HOSTS.has(host) ? 'loopback' : host.toLowerCase());
  const [ka, kb] = [kind(a), kind(b)];
  if (ka === kb) return true;
  const local = (k: string) => k === 'any' || k === 'loopback';
  return (ka === 'any' && local(kb)) || (kb === 'any' && local(ka));
}

/** Splits "host:port" (an IPv6 host in brackets keeps them). */
export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

/**
 * Refuses two services configured on one port of one machine: the second would fail to bind, or
 * (with SO_REUSEPORT, which grpc-js sets) silently take half of the other's calls. Port 0 (any free
 * port) never collides. Hosts that name different machines (Kubernetes services) may share a port.
 */
export function validateDistinctPorts(config: Pick<AppConfig, 'http' | 'grpc'>): void {
  const listeners: Listener[] = [{ what: 'the gateway (PORT)', host: config.http.host, port: config.http.port }];
  for (const [service, address] of Object.entries(config.grpc)) {
    listeners.push({ what: `${service} (GRPC_${service.toUpperCase()}_URL)`, ...splitHostPort(address) });
  }
  for (let i = 0; i < listeners.length; i++) {
    for (let j = i + 1; j < listeners.length; j++) {
      const [a, b] = [listeners[i], listeners[j]];
      if (a.port === 0 || a.port !== b.port || !sameMachineAddress(a.host, b.host)) continue;
      throw new ConfigError(`${a.what} and ${b.what} are both configured on port ${a.port}: give each service its own port`);
    }
  }
}
