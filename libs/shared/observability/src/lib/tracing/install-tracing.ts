import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { TracingConfig } from '@autoglm/shared-config';

export interface InstalledTracing {
  /** Sends the spans still buffered and stops the exporter (on shutdown). */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK for this process when traces are configured (an OTLP endpoint,
 * from the standard OTEL_* variables), or with `exporter` (specs: an in-memory exporter, spans
 * exported as each ends). Context lives in AsyncLocalStorage and travels as W3C trace context
 * (traceparent) through HTTP, gRPC metadata and job data; the spans are made by the services' own
 * instrumentation (libs/shared/observability tracing/spans). Without configuration nothing is
 * registered and every span is a no-op.
 */
export function installTracing(settings: TracingConfig, service: string, exporter?: SpanExporter): InstalledTracing | undefined {
  if (!exporter && !settings.otlpEndpoint) return undefined;
  installed = true;
  const processor = exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.otlpEndpoint }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName || `open-autoglm-${service}` }),
    spanProcessors: [processor],
  });
  provider.register();
  return {
    // Also unregisters the SDK (tracer provider, context manager, propagator), so tracing can be installed again.
    shutdown: async () => {
      installed = false;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

let installed = false;

/**
 * True while this process traces (installTracing registered the SDK): instrumentation that costs
 * something even as a no-op (wrapping every database query) is set up only then.
 */
export function tracingInstalled(): boolean {
  return installed;
}
