import { InterceptingCall, ListenerBuilder, Metadata, RequesterBuilder, status, type Interceptor } from '@grpc/grpc-js';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import {
  acceptRequestId,
  currentRequestId,
  extractTraceContext,
  failSpan,
  injectTraceContext,
  REQUEST_ID_HEADER,
  rpcClientDuration,
  rpcServerDuration,
  runWithRequestId,
  SpanKind,
  SpanStatusCode,
  trace,
  traceContext,
  tracer,
} from '@autoglm/shared-observability';
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

/** OpenTelemetry's RPC attributes of a call. */
function rpcAttributes(labels: { service: string; method: string }) {
  return { 'rpc.system': 'grpc', 'rpc.service': labels.service, 'rpc.method': labels.method };
}

interface PathCall {
  getPath?(): string;
}

/**
 * Every RPC a service handles runs in the unit of work its caller named (the `x-request-id`
 * metadata, or a new id), so the service's log lines carry it and the calls and jobs it starts
 * pass it on; its duration and status are recorded by service and method, and it runs in a server
 * span that continues the caller's trace (`traceparent` metadata).
 */
export class RpcObservabilityInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const metadata = context.switchToRpc().getContext<Metadata | undefined>();
    const call = context.getArgByIndex<PathCall | undefined>(2);
    const path = typeof call?.getPath === 'function' ? call.getPath() : `/${context.getClass().name}/${context.getHandler().name}`;
    const incoming = metadata instanceof Metadata ? metadata : undefined;
    const requestId = acceptRequestId(incoming?.get(REQUEST_ID_HEADER)[0]);
    const labels = rpcLabels(path);
    const end = rpcServerDuration.startTimer(labels);
    const parent = extractTraceContext(incoming?.getMap());
    const span = tracer().startSpan(`${labels.service}/${labels.method}`, { kind: SpanKind.SERVER, attributes: rpcAttributes(labels) }, parent);
    return new Observable((subscriber) =>
      traceContext.with(trace.setSpan(parent, span), () =>
        runWithRequestId(requestId, () =>
          next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (error: unknown) => {
              const code = toGrpcErrorPayload(error).code;
              end({ code: statusName(code) });
              span.setAttribute('rpc.grpc.status_code', code);
              failSpan(span, error);
              span.end();
              subscriber.error(error);
            },
            complete: () => {
              end({ code: 'OK' });
              span.setAttribute('rpc.grpc.status_code', status.OK);
              span.end();
              subscriber.complete();
            },
          }),
        ),
      ),
    );
  }
}

/**
 * Every outgoing call of a client: the correlation id of the work it is part of and the trace
 * context of its client span go in its metadata, and its duration and final status are recorded
 * by service and method.
 */
export function observedCallInterceptor(): Interceptor {
  return (options, nextCall) => {
    const labels = rpcLabels(options.method_definition.path);
    const requestId = currentRequestId();
    const end = rpcClientDuration.startTimer(labels);
    const parent = traceContext.active();
    const span = tracer().startSpan(`${labels.service}/${labels.method}`, { kind: SpanKind.CLIENT, attributes: rpcAttributes(labels) }, parent);
    const requester = new RequesterBuilder()
      .withStart((metadata, _listener, next) => {
        if (requestId) metadata.set(REQUEST_ID_HEADER, requestId);
        for (const [key, value] of Object.entries(traceContext.with(trace.setSpan(parent, span), injectTraceContext))) metadata.set(key, value);
        const observed = new ListenerBuilder()
          .withOnReceiveStatus((received, nextStatus) => {
            end({ code: statusName(received.code) });
            span.setAttribute('rpc.grpc.status_code', received.code);
            if (received.code !== status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: received.details });
            span.end();
            nextStatus(received);
          })
          .build();
        next(metadata, observed);
      })
      .build();
    return new InterceptingCall(nextCall(options), requester);
  };
}
