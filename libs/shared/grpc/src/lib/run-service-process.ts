import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { checkGrpcAuthentication, checkQueueConfiguration, ConfigError, loadConfig, type AppConfig, type Deployment, type OpsProcessName } from '@autoglm/shared-config';
import { installProcessLogging, installTracing, registerReadinessCheck, startOpsHttpServer, type OpsHttpServer } from '@autoglm/shared-observability';
import { closeInProcessQueues } from '@autoglm/shared-queue';
import { closeGrpcClients, type RunningService } from './grpc-service-host';
import { shutdownDeadlines } from './shutdown';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The body of every apps/<service>/src/main.ts: load and validate the configuration once, start
 * the service, and exit 1 with a readable message when start-up fails. `deployment` is 'embedded'
 * only for apps/autoglm (all services in this process).
 *
 * On SIGINT/SIGTERM (also one that arrives during start-up) the service stops in order — in-flight
 * work drained, then every client channel and queue of the process released — and the process
 * exits 0, within config.shutdown.timeoutMs: past it, it says what was still stopping and exits 1.
 * A second signal while stopping changes nothing (the deadline already bounds the wait).
 *
 * Logs are pino JSON lines from the moment the configuration is valid. In distributed mode, with
 * a health port configured for the service (HEALTH_PORT), the process also serves /health/live,
 * /health/ready and /metrics there from before start-up: ready once started, not ready from the
 * signal on (so load balancers stop sending work before the drain). With an OTLP endpoint in the
 * OTEL_* variables, spans go there (the last ones are sent before the exit).
 */
export function runServiceProcess(
  name: string,
  start: (config: AppConfig) => Promise<RunningService>,
  deployment: Deployment = 'distributed',
): void {
  const logger = new Logger(name);
  let signalled: NodeJS.Signals | undefined;
  let stop: ((signal: NodeJS.Signals) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.log(`${signal} received while stopping; the shutdown goes on`);
      return;
    }
    signalled = signal;
    if (stop) stop(signal);
    else logger.log(`${signal} received during start-up: stopping once started`);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);

  const main = async () => {
    const config = loadConfig();
    installProcessLogging(config.observability, name);
    const tracing = installTracing(config.observability.tracing, name);
    let phase: 'starting' | 'started' | 'stopping' = 'starting';
    registerReadinessCheck(name, async () => {
      if (phase !== 'started') throw new Error(`${name} is ${phase}`);
    });
    const opsServer = await startOpsServer(name, config, deployment);
    // Before the services allocate: V8 reads the factor whenever it sizes the heap after a collection.
    if (config.runtime.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.runtime.heapGrowingPercent}`);
    // A service process of a distributed deployment must not open its port to every caller by default.
    checkGrpcAuthentication(config, deployment);
    // Nor take its queue jobs from a private in-process queue no other process reads.
    checkQueueConfiguration(config, deployment, name);
    const running = await start(config);
    phase = 'started';
    stop = (signal) => {
      phase = 'stopping';
      const startedAt = Date.now();
      const { drainBy, exitBy } = shutdownDeadlines(config.shutdown, startedAt);
      let step = `stopping ${running.name}`;
      logger.log(`${signal} received: stopping (at most ${config.shutdown.timeoutMs} ms)`);
      const watchdog = setTimeout(() => {
        logger.error(`shutdown did not finish within ${config.shutdown.timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); still running: ${step}`);
        process.exit(1);
      }, exitBy - startedAt);
      void (async () => {
        await running.close({ drainBy, onStep: (now) => (step = now) });
        step = 'closing client channels and queues';
        closeGrpcClients();
        await closeInProcessQueues();
        await opsServer?.close();
        step = 'sending the last spans';
        await tracing?.shutdown();
      })().then(
        () => {
          clearTimeout(watchdog);
          logger.log(`stopped in ${Date.now() - startedAt} ms`);
          process.exit(0);
        },
        (error: unknown) => {
          clearTimeout(watchdog);
          logger.error(`stopping failed during ${step}: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    };
    if (signalled) stop(signalled);
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) logger.fatal(`invalid configuration: ${error.message}`);
    else logger.fatal(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

/** The health/metrics port of a distributed-mode process, when one is configured for it. */
async function startOpsServer(name: string, config: AppConfig, deployment: Deployment): Promise<OpsHttpServer | undefined> {
  if (deployment !== 'distributed' || !(name in config.observability.healthPorts)) return undefined;
  const port = config.observability.healthPorts[name as OpsProcessName];
  return port === null ? undefined : startOpsHttpServer(name, config.observability.healthHost, port);
}
