import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger as Pino } from 'pino';
import {
  acceptRequestId,
  extractTraceContext,
  httpRequestDuration,
  processPinoLogger,
  redactUrl,
  REQUEST_ID_HEADER,
  runWithRequestId,
  SpanKind,
  SpanStatusCode,
  trace,
  traceContext,
  tracer,
} from '@autoglm/shared-observability';

/** The route label of a request no route matched: the raw path would make one series per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The first middleware of the gateway's HTTP server. Each request gets its correlation id (the
 * caller's `x-request-id` when it is plain and short, else a new one), echoed in the response
 * header; everything the request does — its logs, the gRPC calls and jobs it starts — runs in that
 * unit of work. When the response ends, its duration is recorded by method, route template
 * (Express's matched route, e.g. /api/v1/articles/:id) and status code, and its server span (a
 * child of the caller's `traceparent`, if any) ends.
 */
export function requestObservability(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    req.id = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const end = httpRequestDuration.startTimer();
    const parent = extractTraceContext(req.headers);
    const span = tracer().startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    res.once('finish', () => {
      const route = routeTemplate(req);
      end({ method: req.method, route, status_code: String(res.statusCode) });
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    traceContext.with(trace.setSpan(parent, span), () => runWithRequestId(requestId, next));
  };
}

/** The template of the route that served `req`, with its mount path; never the URL itself. */
export function routeTemplate(req: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}

/** Health probes and the metrics scrape: called every few seconds by kubelets, load balancers and Prometheus. */
const PROBE_PATHS = new Set(['/health', '/health/live', '/health/ready', '/health/status', '/metrics']);

/**
 * One JSON log line per request through the process's pino logger, when the process installed one (specs
 * that start the gateway alone keep quiet): method, URL (credentials in its query redacted), route
 * template, status, response time, client address and the request id. Headers are not logged, so no
 * credential header can reach a line. A probe or metrics scrape that succeeds is not logged (one that fails
 * is); a request the client abandoned before the answer is logged as aborted.
 *
 * Written by hand rather than with pino-http: that middleware made a child logger per request and logged
 * the request and response headers, which then had to be redacted — under load ~40% of the gateway's main
 * thread (a CPU profile of GET /health at 32 connections), and /health fell to 0.24× a bare hello endpoint.
 */
export function requestLogging(logger: Pino | undefined = processPinoLogger()): RequestHandler | undefined {
  if (!logger) return undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const status = res.statusCode;
      const completed = res.writableFinished;
      if (completed && status < 400 && req.method === 'GET' && PROBE_PATHS.has(req.path)) return;
      const line = {
        requestId: req.id,
        req: { method: req.method, url: redactUrl(req.originalUrl), route: routeTemplate(req), remoteAddress: req.socket.remoteAddress },
        res: { statusCode: status },
        responseTime: Number(process.hrtime.bigint() - started) / 1e6,
      };
      if (!completed) logger.warn(line, 'request aborted');
      else if (status >= 500) logger.error(line, 'request errored');
      else if (status >= 400) logger.warn(line, 'request completed');
      else logger.info(line, 'request completed');
    });
    next();
  };
}
