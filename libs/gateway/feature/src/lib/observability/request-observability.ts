import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import {
  acceptRequestId,
  extractTraceContext,
  httpRequestDuration,
  processPinoLogger,
  redactRequestLog,
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

/**
 * One JSON log line per request (method, route, status, duration, request id; credentials headers
 * redacted) through the process's pino logger, when the process installed one; specs that start
 * the gateway alone keep quiet.
 */
export function requestLogging(logger = processPinoLogger()): RequestHandler | undefined {
  if (!logger) return undefined;
  return pinoHttp({
    logger,
    // The id requestObservability gave the request.
    genReqId: (req) => req.id ?? acceptRequestId(undefined),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    quietReqLogger: true,
    // Credentials some clients put in the URL (?api_key=, ?Passwd=) stay out of the line.
    serializers: { req: redactRequestLog },
  });
}
