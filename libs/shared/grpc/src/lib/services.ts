import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { grpcLoaderOptions } from './loader-options';

/** Every gRPC service of the system: its proto package, file and service name. */
export const GRPC_SERVICES = {
  storage: { package: 'autoglm.storage.v1', file: 'autoglm/storage/v1/storage.proto', service: 'StorageService' },
  sources: { package: 'autoglm.sources.v1', file: 'autoglm/sources/v1/sources.proto', service: 'SourcesService' },
  crawler: { package: 'autoglm.crawler.v1', file: 'autoglm/crawler/v1/crawler.proto', service: 'CrawlerService' },
  analysis: { package: 'autoglm.analysis.v1', file: 'autoglm/analysis/v1/analysis.proto', service: 'AnalysisService' },
  recommender: {
    package: 'autoglm.recommender.v1',
    file: 'autoglm/recommender/v1/recommender.proto',
    service: 'RecommenderService',
  },
} as const;

export type GrpcServiceName = keyof typeof GRPC_SERVICES;

/**
 * The proto root: AUTOGLM_PROTO_ROOT, else the nearest `proto/` folder above this file
 * (works from the sources under Jest and from the compiled output in dist/).
 */
export function protoRoot(): string {
  const fromEnv = process.env['AUTOGLM_PROTO_ROOT'];
  if (fromEnv) return fromEnv;
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'autoglm'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), 'proto');
    dir = parent;
  }
}

export function protoPath(name: GrpcServiceName): string {
  return join(protoRoot(), GRPC_SERVICES[name].file);
}

/** Options for a Nest gRPC server of one service (used by connectMicroservice/createMicroservice). */
export function grpcServerOptions(name: GrpcServiceName, url: string) {
  const def = GRPC_SERVICES[name];
  return {
    url,
    package: def.package,
    protoPath: protoPath(name),
    loader: grpcLoaderOptions(),
  };
}
