import { Logger, type DynamicModule, type INestMicroservice, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { analysis, crawler, recommender, sources, storage } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { createGrpcClient, type GrpcClientHandle, type PromiseClient } from './grpc-client';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { grpcServerOptions, type GrpcServiceName } from './services';

/** A started service; close() stops it and releases its resources. */
export interface RunningService {
  readonly name: string;
  close(): Promise<void>;
}

/** Starts a Nest gRPC microservice for one service on the address in config.grpc. */
export async function startGrpcService(
  name: GrpcServiceName,
  module: Type<unknown> | DynamicModule,
  config: AppConfig,
): Promise<{ app: INestMicroservice; running: RunningService }> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    transport: Transport.GRPC,
    options: grpcServerOptions(name, config.grpc[name]),
    logger: ['error', 'warn', 'log'],
  });
  app.useGlobalFilters(new GrpcExceptionFilter());
  app.enableShutdownHooks();
  await app.listen();
  new Logger(name).log(`gRPC ${name} listening on ${config.grpc[name]}`);
  return { app, running: { name, close: () => app.close() } };
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
