import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { defaultConfig, type OidcConfig, type RateLimitConfig } from '@autoglm/shared-config';
import { ANALYSIS_CLIENT, RECOMMENDER_CLIENT, SOURCES_CLIENT, STORAGE_CLIENT } from '@autoglm/shared-grpc';
import { configureGatewayApp, gatewayHttpAdapter } from '../gateway-app';
import { GatewayModule } from '../gateway.module';
import { HEALTH_PROBE_TIMEOUT_MS, HEALTH_REFRESH_INTERVAL_MS } from '../health/service-health.service';
import { FakeBackends } from './fake-backends';

export interface TestGateway {
  app: INestApplication;
  backends: FakeBackends;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real gateway module on a loopback port, with fakes in place of the gRPC clients. */
export async function startTestGateway(
  options: {
    healthProbeTimeoutMs?: number;
    healthRefreshMs?: number;
    authRequired?: boolean;
    allowAnonymousWrites?: boolean;
    graphQlIntrospection?: boolean;
    /** 0 unless given: most specs change what the fake backends answer between two identical reads. */
    readCacheMs?: number;
    rateLimit?: RateLimitConfig;
    redisUrl?: string;
    /** The built web reader's folder (web.assetsDir). */
    webAssetsDir?: string;
    /** auth.keyCacheSeconds (0: every request asks the fake storage). */
    keyCacheSeconds?: number;
    /** web.oidc: sign-in with an OpenID Connect provider (off unless given). */
    oidc?: OidcConfig;
  } = {},
): Promise<TestGateway> {
  const backends = new FakeBackends();
  const base = defaultConfig();
  const config = {
    ...base,
    http: { host: '127.0.0.1', port: 0 },
    auth: {
      ...base.auth,
      required: options.authRequired ?? false,
      allowAnonymousWrites: options.allowAnonymousWrites ?? false,
      keyCacheSeconds: options.keyCacheSeconds ?? base.auth.keyCacheSeconds,
    },
    api: { ...base.api, graphQlIntrospection: options.graphQlIntrospection ?? base.api.graphQlIntrospection, readCacheMs: options.readCacheMs ?? 0 },
    rateLimit: options.rateLimit ?? base.rateLimit,
    redis: { url: options.redisUrl ?? base.redis.url },
    web: { ...base.web, assetsDir: options.webAssetsDir ?? base.web.assetsDir, oidc: options.oidc ?? null },
  };
  const moduleRef = await Test.createTestingModule({ imports: [GatewayModule.forRoot(config)] })
    .overrideProvider(STORAGE_CLIENT)
    .useValue(backends.storageClient())
    .overrideProvider(SOURCES_CLIENT)
    .useValue(backends.sourcesClient())
    .overrideProvider(RECOMMENDER_CLIENT)
    .useValue(backends.recommenderClient())
    .overrideProvider(ANALYSIS_CLIENT)
    .useValue(backends.analysisClient())
    .overrideProvider(HEALTH_PROBE_TIMEOUT_MS)
    .useValue(options.healthProbeTimeoutMs ?? 200)
    .overrideProvider(HEALTH_REFRESH_INTERVAL_MS)
    .useValue(options.healthRefreshMs ?? 60_000)
    .compile();
  const app = moduleRef.createNestApplication(gatewayHttpAdapter(), { logger: false });
  configureGatewayApp(app, config.api);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, backends, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** Real HTTP to the test gateway; `body` is sent as given when it is a string (to send broken JSON). */
export async function send(
  gateway: TestGateway,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const response = await fetch(gateway.baseUrl + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

/** POST /graphql; answers { status, data, errors }. */
export async function graphQl(
  gateway: TestGateway,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; data: Record<string, unknown> | null | undefined; errors: GraphQlErrorBody[] | undefined; text: string }> {
  const answer = await send(gateway, 'POST', '/graphql', { query, variables }, headers);
  const body = answer.body as { data?: Record<string, unknown> | null; errors?: GraphQlErrorBody[] };
  return { status: answer.status, data: body.data, errors: body.errors, text: answer.text };
}

export interface GraphQlErrorBody {
  message: string;
  path?: string[];
  extensions?: { code?: string; [key: string]: unknown };
}
