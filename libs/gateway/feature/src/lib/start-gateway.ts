import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@autoglm/shared-config';
import { drainHttpServer, shutdownDeadlines, type RunningService, type ShutdownOptions } from '@autoglm/shared-grpc';
import { nestLoggerOption, registerReadinessCheck } from '@autoglm/shared-observability';
import { configureGatewayApp, gatewayHttpAdapter } from './gateway-app';
import { GatewayModule } from './gateway.module';
import { PushStreams } from './push/push-streams.service';

export type RunningGateway = RunningService & { readonly url: string };

/** Starts the HTTP surface on config.http; port 0 picks a free port, reported in url. */
export async function startGateway(config: AppConfig): Promise<RunningGateway> {
  const app = await NestFactory.create(GatewayModule.forRoot(config), gatewayHttpAdapter(), { logger: nestLoggerOption() });
  configureGatewayApp(app, config.api);
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://${reachableHost(config.http.host)}:${address.port}`;
  new Logger('gateway').log(`HTTP gateway listening on ${url} (REST /api/v1, OpenAPI /docs, GraphQL /graphql)`);
  const logger = new Logger('gateway');
  let closed: Promise<void> | undefined;
  let draining = false;
  // The gateway's own readiness: it serves HTTP until it drains. Backends that are down make it degraded (/health/status), not unready.
  const unregister = registerReadinessCheck('gateway.http', async () => {
    if (draining) throw new Error('the gateway is draining');
  });
  // Requests in flight are answered (until the drain deadline) before Nest's hooks run and the backends go.
  const close = async ({ drainBy, onStep }: ShutdownOptions = shutdownDeadlines(config.shutdown, Date.now())) => {
    // Push streams never end by themselves: close them first (clients resume elsewhere with Last-Event-ID).
    app.get(PushStreams).closeAll();
    draining = true;
    unregister();
    onStep?.('gateway: answering HTTP requests in flight');
    if (!(await drainHttpServer(app.getHttpServer() as Server, drainBy))) logger.warn('HTTP requests still running at the drain deadline were cut');
    onStep?.('gateway: releasing clients');
    await app.close();
  };
  return { name: 'gateway', url, close: (options) => (closed ??= close(options)) };
}

/** A wildcard bind address is not something a client can connect to: name loopback instead. */
function reachableHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
