import { Logger, type DynamicModule, type INestMicroservice, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { analysis, crawler, recommender, sources, storage } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { nestLoggerOption, registerReadinessCheck } from '@autoglm/shared-observability';
import { DrainingGrpcServer } from './draining-grpc-server';
import { createGrpcClient, type GrpcClientHandle, type PromiseClient } from './grpc-client';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { RpcObservabilityInterceptor } from './rpc-observability';
import { HealthStatusBoard, ServingStatus } from './health/health-service';
import { serviceAuthInterceptor, serviceTokenOf } from './service-auth';
import { GRPC_SERVICES, grpcServerOptions, type GrpcServiceName } from './services';
import { shutdownDeadlines, type ShutdownOptions } from './shutdown';
import { messageLimitOptions, serverCredentialsOf } from './transport-security';

/** A started service; close() stops it and releases its resources. */
export interface RunningService {
  readonly name: string;
  /**
   * Stops taking queued jobs now (services that consume a queue); the ones running go on until `drainBy` and close() waits for them.
   * A process running several services calls it on all of them first, so that no consumer keeps
   * taking jobs while the services before it in the stopping order drain.
   */
  stopTakingWork?(drainBy: number): void;
  /** Without options, in-flight work gets the drain share of config.shutdown.timeoutMs from now. */
  close(options?: ShutdownOptions): Promise<void>;
}

/** The gRPC-side options every server adds to grpcServerOptions: security, limits, health, reflection in development. */
function hardenedServerOptions(config: AppConfig, health: HealthStatusBoard) {
  const token = serviceTokenOf(config.grpcSecurity);
  return {
    credentials: serverCredentialsOf(config.grpcSecurity),
    // Nest passes channelOptions to grpc-js's Server constructor: the interceptor runs before any handler or Nest guard.
    channelOptions: { ...messageLimitOptions(config.grpcSecurity), ...(token === null ? {} : { interceptors: [serviceAuthInterceptor(token)] }) },
    onLoadPackageDefinition: (definition: PackageDefinition, server: Server) => {
      health.addTo(server);
      if (config.grpcSecurity.reflection) new ReflectionService(definition).addToServer(server);
    },
  };
}

/**
 * Starts a Nest gRPC microservice for one service on the address in config.grpc: every call must
 * carry the service token (mutual TLS too when configured), messages are bounded by
 * config.grpcSecurity, and grpc.health.v1.Health answers SERVING for the service and for "".
 * `health` lets the caller report NOT_SERVING later; close() reports it, then lets in-flight calls
 * finish and runs `drain` (the service's own in-flight work, e.g. queue jobs) side by side until the
 * drain deadline, then closes the Nest application (its shutdown hooks release clients and
 * connections). No process signal handlers here: the process's one shutdown sequence
 * (runServiceProcess, the embedded launcher) decides the order.
 */
export async function startGrpcService(
  name: GrpcServiceName,
  module: Type<unknown> | DynamicModule,
  config: AppConfig,
  drain?: (app: INestMicroservice, drainBy: number) => Promise<void>,
): Promise<{ app: INestMicroservice; running: RunningService; health: HealthStatusBoard }> {
  const def = GRPC_SERVICES[name];
  const health = new HealthStatusBoard({ '': ServingStatus.SERVING, [`${def.package}.${def.service}`]: ServingStatus.SERVING });
  const server = new DrainingGrpcServer({ ...grpcServerOptions(name, config.grpc[name]), ...hardenedServerOptions(config, health) });
  const app = await NestFactory.createMicroservice(module, { strategy: server, logger: nestLoggerOption() });
  app.useGlobalFilters(new GrpcExceptionFilter());
  app.useGlobalInterceptors(new RpcObservabilityInterceptor());
  await app.listen();
  const unregister = observeService(name, health, `${def.package}.${def.service}`);
  const logger = new Logger(name);
  logger.log(`gRPC ${name} listening on ${config.grpc[name]}`);
  let closed: Promise<void> | undefined;
  let workDrained: Promise<void> | undefined;
  const drainWork = (drainBy: number) => (workDrained ??= drain ? drain(app, drainBy) : Promise.resolve());
  const close = async ({ drainBy, onStep }: ShutdownOptions = shutdownDeadlines(config.shutdown, Date.now())) => {
    health.shutdown();
    onStep?.(`${name}: finishing in-flight gRPC calls${drain ? ' and work' : ''}`);
    const [calls] = await Promise.all([server.drain(drainBy), drainWork(drainBy)]);
    if (calls.cancelled) logger.warn(`gRPC calls still running at the drain deadline were cancelled`);
    onStep?.(`${name}: releasing clients, connections and the data it holds`);
    unregister();
    await app.close();
  };
  const stopTakingWork = (drainBy: number) => {
    // close() awaits the same drain and reports its failure.
    drainWork(drainBy).catch(() => undefined);
  };
  return { app, running: { name, stopTakingWork, close: (options) => (closed ??= close(options)) }, health };
}

/** A started service is ready while its gRPC server serves (not stopping); the queues and the database add their own checks. */
function observeService(name: GrpcServiceName, health: HealthStatusBoard, grpcService: string): () => void {
  return registerReadinessCheck(`${name}.grpc`, async () => {
    if (health.get(grpcService) !== ServingStatus.SERVING) throw new Error(`gRPC ${grpcService} is not serving`);
  });
}

/** Injection tokens of the typed, deadline-bound clients of each service. */
export const STORAGE_CLIENT = Symbol('STORAGE_CLIENT');
export const SOURCES_CLIENT = Symbol('SOURCES_CLIENT');
export const CRAWLER_CLIENT = Symbol('CRAWLER_CLIENT');
export const ANALYSIS_CLIENT = Symbol('ANALYSIS_CLIENT');
export const RECOMMENDER_CLIENT = Symbol('RECOMMENDER_CLIENT');

export type StorageClient = PromiseClient<storage.StorageServiceClient>;
export type SourcesClient = PromiseClient<sources.SourcesServiceClient>;
export type CrawlerClient = PromiseClient<crawler.CrawlerServiceClient>;
export type AnalysisClient = PromiseClient<analysis.AnalysisServiceClient>;
export type RecommenderClient = PromiseClient<recommender.RecommenderServiceClient>;

const TOKENS: Record<GrpcServiceName, symbol> = {
  storage: STORAGE_CLIENT,
  sources: SOURCES_CLIENT,
  crawler: CRAWLER_CLIENT,
  analysis: ANALYSIS_CLIENT,
  recommender: RECOMMENDER_CLIENT,
};

/**
 * Providers for typed clients of the named services, built from APP_CONFIG. The handle is
 * closed with the module (see GrpcClientCloser).
 */
export function grpcClientProviders(...names: GrpcServiceName[]): Provider[] {
  return names.map((name) => ({
    provide: TOKENS[name],
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => {
      const handle: GrpcClientHandle<object> = createGrpcClient<object>(name, {
        url: config.grpc[name],
        deadlineMs: config.rpcDeadlineMs,
        security: config.grpcSecurity,
      });
      openHandles.add(handle);
      return handle.client;
    },
  }));
}

const openHandles = new Set<GrpcClientHandle<object>>();

/** Closes every client channel opened through grpcClientProviders (called on shutdown). */
export function closeGrpcClients(): void {
  for (const h of openHandles) h.close();
  openHandles.clear();
}
