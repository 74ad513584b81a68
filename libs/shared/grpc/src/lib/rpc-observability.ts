import { InterceptingCall, ListenerBuilder, Metadata, RequesterBuilder, status, type Interceptor } from '@grpc/grpc-js';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { acceptRequestId, currentRequestId, REQUEST_ID_HEADER, rpcClientDuration, rpcServerDuration, runWithRequestId } from '@autoglm/shared-observability';
import { toGrpcErrorPayload } from './grpc-exception.filter';

/** "/autoglm.storage.v1.StorageService/ListArticles" → service "autoglm.storage.v1.StorageService", method "ListArticles". */
export function rpcLabels(path: string): { service: string; method: string } {
  const [, service = 'unknown', method = 'unknown'] = path.split('/');
  return { service, method };
}

/** A gRPC status code's name (OK, NOT_FOUND, …), the code label of the RPC metrics. */
export function statusName(code: number): string {
  return status[code] ?? String(code);
}

interface PathCall {
  getPath?(): string;
}

/**
 * Every RPC a service handles runs in the unit of work its caller named (the `x-request-id`
 * metadata, or a new id), so the service's log lines carry it and the calls and jobs it starts
 * pass it on; its duration and status are recorded by service and method.
 */
export class RpcObservabilityInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const metadata = context.switchToRpc().getContext<Metadata | undefined>();
    const call = context.getArgByIndex<PathCall | undefined>(2);
    const path = typeof call?.getPath === 'function' ? call.getPath() : `/${context.getClass().name}/${context.getHandler().name}`;
    const requestId = acceptRequestId(metadata instanceof Metadata ? metadata.get(REQUEST_ID_HEADER)[0] : undefined);
    const end = rpcServerDuration.startTimer(rpcLabels(path));
    return new Observable((subscriber) =>
      runWithRequestId(requestId, () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            end({ code: statusName(toGrpcErrorPayload(error).code) });
            subscriber.error(error);
          },
          complete: () => {
            end({ code: 'OK' });
            subscriber.complete();
          },
        }),
      ),
    );
  }
}

/**
 * Every outgoing call of a client: the correlation id of the work it is part of goes in its
 * metadata, and its duration and final status are recorded by service and method.
 */
export function observedCallInterceptor(): Interceptor {
  return (options, nextCall) => {
    const labels = rpcLabels(options.method_definition.path);
    const requestId = currentRequestId();
    const end = rpcClientDuration.startTimer(labels);
    const requester = new RequesterBuilder()
      .withStart((metadata, _listener, next) => {
        if (requestId) metadata.set(REQUEST_ID_HEADER, requestId);
        const observed = new ListenerBuilder()
          .withOnReceiveStatus((received, nextStatus) => {
            end({ code: statusName(received.code) });
            nextStatus(received);
          })
          .build();
        next(metadata, observed);
      })
      .build();
    return new InterceptingCall(nextCall(options), requester);
  };
}
