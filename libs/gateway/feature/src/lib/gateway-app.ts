import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import type { ApiConfig } from '@autoglm/shared-config';
import { jsonBodyParserOptions } from './common/json-body-limits';
import { FEED_READER_PATHS } from './feed-readers/feed-reader-paths';
import { WEB_READER_PATHS } from './web/web-reader.controller';
import { requestLogging, requestObservability } from './observability/request-observability';

export const API_PREFIX = 'api/v1';
export const DOCS_PATH = 'docs';
/** Probes and scrapers use these at the root, as they do on every service's health port. */
const HEALTH_PATHS = ['health', 'health/live', 'health/ready', 'health/status'];
/** Form bodies: enough for 10,000 item ids and a few other fields. */
const FORM_PARAMETER_LIMIT = 10_100;
const FORM_BODY_LIMIT = '1mb';

/**
 * The gateway's HTTP server: Express with case-sensitive, strict routing, so that a path matches
 * one route in one spelling only (authorization is decided by each route's declared policy, but
 * /API/V1/ADMIN and /api/v1/admin/ should not even reach it). The settings must be in place before
 * the adapter exists: Express builds its router once, at the adapter's first middleware.
 */
export function gatewayHttpAdapter(): ExpressAdapter {
  const app = express();
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  // Before every route: the correlation id, request metrics and request logs cover all requests.
  app.use(requestObservability());
  const logging = requestLogging();
  if (logging) app.use(logging);
  return new ExpressAdapter(app);
}

/**
 * What the module cannot declare itself: the URL prefix, the JSON body parser's limits and the
 * OpenAPI documents (Swagger UI at /docs, the JSON at /docs-json). Call before init()/listen().
 */
export function configureGatewayApp(app: INestApplication, api: ApiConfig): void {
  // Replaces Nest's default JSON parser (same name, so Nest does not add its own). Nest would swap
  // `verify` for its raw-body hook if the application were created with rawBody: true; it is not.
  (app as NestExpressApplication).useBodyParser('json', jsonBodyParserOptions(api));
  // Form bodies (the feed-reader protocols post them): flat name=value pairs, a repeated name gives
  // all its values (edit-tag's i=…&i=…, up to 10,000 ids); no nested objects from brackets.
  (app as NestExpressApplication).useBodyParser('urlencoded', { extended: false, parameterLimit: FORM_PARAMETER_LIMIT, limit: FORM_BODY_LIMIT });
  // WebSub callbacks are not part of the API: hubs call <public base>/websub/<source id>. Nor are the
  // feed-reader protocols: apps call /accounts/ClientLogin, /reader/api/0/… and /fever/. Nor is the web
  // reader's page (/) and its files (/assets/…).
  app.setGlobalPrefix(API_PREFIX, { exclude: [...HEALTH_PATHS, 'metrics', 'websub/:sourceId', ...FEED_READER_PATHS, ...WEB_READER_PATHS] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Open-AutoGLM')
      .setDescription('News aggregation with local models: sources, articles, reading events, recommendations.')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH, app, document);
}
