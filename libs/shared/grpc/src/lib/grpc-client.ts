import { Metadata, status, type CallOptions } from '@grpc/grpc-js';
import { ClientGrpcProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, type Observable } from 'rxjs';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { errorCodeOfGrpcStatus } from './grpc-status';
import { grpcLoaderOptions } from './loader-options';
import { GRPC_SERVICES, protoPath, type GrpcServiceName } from './services';

/** A failure reported by another service over gRPC, with its domain code and message. */
export class RemoteCallError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly grpcCode: number,
    readonly method: string,
  ) {
    super(code, message);
    this.name = 'RemoteCallError';
  }
}

type UnaryMethod = (request: never, metadata?: Metadata) => Observable<unknown>;

/** The generated XServiceClient with every unary method turned into a Promise that has a deadline. */
export type PromiseClient<T> = {
  [K in keyof T]: T[K] extends (request: infer Req, metadata?: Metadata) => Observable<infer Res>
    ? (request: Req) => Promise<Res>
    : never;
};

export interface GrpcClientOptions {
  url: string;
  /** Every call gets this deadline (milliseconds from the call). */
  deadlineMs: number;
}

export interface GrpcClientHandle<T> {
  client: PromiseClient<T>;
  close(): void;
}

export function createGrpcClient<T extends object>(name: GrpcServiceName, options: GrpcClientOptions): GrpcClientHandle<T> {
  const def = GRPC_SERVICES[name];
  const proxy = ClientProxyFactory.create({
    transport: Transport.GRPC,
    options: {
      url: options.url,
      package: def.package,
      protoPath: protoPath(name),
      loader: grpcLoaderOptions(),
    },
  }) as ClientGrpcProxy;
  const raw = proxy.getService<T>(def.service) as unknown as Record<string, UnaryMethod>;
  const client = new Proxy({} as PromiseClient<T>, {
    get(_target, prop: string | symbol) {
      if (typeof prop !== 'string') return undefined;
      const method = raw[prop] as unknown as
        | ((request: unknown, metadata: Metadata, callOptions: CallOptions) => Observable<unknown>)
        | undefined;
      if (typeof method !== 'function') return undefined;
      return async (request: unknown) => {
        const callOptions: CallOptions = { deadline: Date.now() + options.deadlineMs };
        try {
          return await firstValueFrom(method(request, new Metadata(), callOptions));
        } catch (error) {
          throw toRemoteCallError(error, `${def.service}/${prop}`);
        }
      };
    },
  });
  return { client, close: () => proxy.close() };
}

export function toRemoteCallError(error: unknown, method: string): RemoteCallError {
  const e = error as { code?: unknown; details?: unknown; message?: unknown };
  const grpcCode = typeof e?.code === 'number' ? e.code : status.UNKNOWN;
  const text = typeof e?.details === 'string' && e.details ? e.details : String(e?.message ?? 'call failed');
  const code = errorCodeOfGrpcStatus(grpcCode);
  const message =
    grpcCode === status.UNAVAILABLE
      ? `service unavailable (${method})`
      : grpcCode === status.DEADLINE_EXCEEDED
        ? `deadline exceeded calling ${method}`
        : text;
  return new RemoteCallError(code, message, grpcCode, method);
}
