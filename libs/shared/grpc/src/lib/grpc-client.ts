import { Metadata, status, type CallOptions, type ChannelCredentials, type ChannelOptions, type ClientOptions } from '@grpc/grpc-js';
import { ClientGrpcProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, type Observable } from 'rxjs';
import type { GrpcSecurityConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { errorCodeOfGrpcStatus } from './grpc-status';
import { observedCallInterceptor } from './rpc-observability';
import { grpcLoaderOptions } from './loader-options';
import { ACTOR_METADATA, serviceCallInterceptor, serviceTokenOf } from './service-auth';
import { GRPC_SERVICES, protoPath, type GrpcServiceName } from './services';
import { channelCredentialsOf, embeddedGrpcSecurity, messageLimitOptions } from './transport-security';

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

/** Who a call acts for, sent in its metadata rather than in the request (where any caller could write anything). */
export interface CallContext {
  /** The user the call acts for (the gateway's authenticated caller); absent or '' for none. */
  actor?: string;
}

/**
 * The generated XServiceClient with every unary method turned into a Promise that has a deadline
 * and takes an optional CallContext. Streaming methods are left out (never): a Promise would see
 * only their first answer; stream callers use a grpc-js client built with grpcChannelSetup().
 */
export type PromiseClient<T> = {
  [K in keyof T]: T[K] extends (request: infer Req, metadata?: Metadata) => Observable<infer Res>
    ? Req extends Observable<unknown>
      ? never
      : (request: Req, context?: CallContext) => Promise<Res>
    : never;
};

export interface GrpcClientOptions {
  url: string;
  /** Every call gets this deadline (milliseconds from the call). */
  deadlineMs: number;
  /** Token, TLS and message limits (AppConfig.grpcSecurity); absent: an embedded instance's (the process token, plaintext). */
  security?: GrpcSecurityConfig;
}

/**
 * Credentials and channel options of a client of our services: TLS when configured, message
 * limits, and the interceptor that adds the service token and a default deadline to every call
 * (streams included). For grpc-js clients made by hand (stream callers, tools):
 * `new Service(url, setup.credentials, setup.options)`.
 */
export function grpcChannelSetup(security: GrpcSecurityConfig, deadlineMs: number): { credentials: ChannelCredentials; options: ClientOptions } {
  return {
    credentials: channelCredentialsOf(security),
    options: {
      ...messageLimitOptions(security),
      interceptors: [serviceCallInterceptor(serviceTokenOf(security), deadlineMs), observedCallInterceptor()],
    },
  };
}

export interface GrpcClientHandle<T> {
  client: PromiseClient<T>;
  close(): void;
}

export function createGrpcClient<T extends object>(name: GrpcServiceName, options: GrpcClientOptions): GrpcClientHandle<T> {
  const def = GRPC_SERVICES[name];
  const setup = grpcChannelSetup(options.security ?? embeddedGrpcSecurity(), options.deadlineMs);
  const proxy = ClientProxyFactory.create({
    transport: Transport.GRPC,
    options: {
      url: options.url,
      package: def.package,
      protoPath: protoPath(name),
      loader: grpcLoaderOptions(),
      credentials: setup.credentials,
      // Nest hands channelOptions to the grpc-js client's constructor, which takes the interceptors from it.
      channelOptions: setup.options as ChannelOptions,
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
      return async (request: unknown, context: CallContext = {}) => {
        const callOptions: CallOptions = { deadline: Date.now() + options.deadlineMs };
        const metadata = new Metadata();
        if (context.actor) metadata.set(ACTOR_METADATA, context.actor);
        try {
          return await firstValueFrom(method(request, metadata, callOptions));
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
