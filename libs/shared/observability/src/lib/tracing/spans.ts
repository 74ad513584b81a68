import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

/** The tracer of every service: spans are no-ops until installTracing registered an SDK. */
export function tracer() {
  return trace.getTracer('open-autoglm');
}

/** W3C trace context (traceparent, tracestate) of the active span, for job data and other carriers. */
export type TraceCarrier = Record<string, string>;

export function injectTraceContext(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context a carrier (incoming headers, metadata, job data) names, on top of the active one. */
export function extractTraceContext(carrier: Record<string, unknown> | undefined): Context {
  return carrier ? propagation.extract(context.active(), carrier, { get: (c, key) => stringOf(c[key]), keys: (c) => Object.keys(c) }) : context.active();
}

function stringOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return stringOf(value[0]);
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  /** The parent context (an extracted one); the active context by default. */
  parent?: Context;
}

/**
 * Runs `work` inside a new span (the active span while it runs, so spans it starts are children);
 * the span ends when `work` settles, with ERROR status and the exception when it rejects.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

export { ROOT_CONTEXT, SpanKind, SpanStatusCode, context as traceContext, trace };
export type { Attributes, Span };
