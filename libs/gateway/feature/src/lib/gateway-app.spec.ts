import { configureGatewayApp } from './gateway-app';
import { send, startTestGateway, type TestGateway } from './testing/gateway-test-app';

describe(configureGatewayApp.name, () => {
  let sut: TestGateway;

  beforeAll(async () => {
    sut = await startTestGateway();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('serves the OpenAPI document with every route and documented DTOs', async () => {
    const answer = await send(sut, 'GET', '/docs-json');

    expect(answer.status).toBe(200);
    const spec = answer.body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/api/v1/admin/models',
      '/api/v1/admin/models/pull',
      '/api/v1/admin/models/pull/{jobId}',
      '/api/v1/articles',
      '/api/v1/articles/{id}',
      '/api/v1/events',
      '/api/v1/me',
      '/api/v1/me/api-keys',
      '/api/v1/me/api-keys/{id}',
      '/api/v1/me/articles',
      '/api/v1/me/articles/{id}/feedback',
      '/api/v1/me/articles/{id}/state',
      '/api/v1/me/controls',
      '/api/v1/me/controls/blend',
      '/api/v1/me/controls/rules',
      '/api/v1/me/controls/rules/{id}',
      '/api/v1/me/digest',
      '/api/v1/me/digest/settings',
      '/api/v1/me/events',
      '/api/v1/me/fever',
      '/api/v1/me/identities',
      '/api/v1/me/password',
      '/api/v1/me/recommendations',
      '/api/v1/me/rules',
      '/api/v1/me/rules/{id}',
      '/api/v1/me/saved-searches',
      '/api/v1/me/saved-searches/{id}',
      '/api/v1/me/saved-searches/{id}/results',
      '/api/v1/me/sessions',
      '/api/v1/me/stories/{id}/brief',
      '/api/v1/me/stream',
      '/api/v1/me/subscriptions',
      '/api/v1/me/subscriptions/{sourceId}',
      '/api/v1/me/webhooks',
      '/api/v1/me/webhooks/{id}',
      '/api/v1/me/webhooks/{id}/deliveries',
      '/api/v1/me/webhooks/{id}/test',
      '/api/v1/search',
      '/api/v1/session',
      '/api/v1/session/oidc',
      '/api/v1/session/oidc/callback',
      '/api/v1/session/oidc/link',
      '/api/v1/sources',
      '/api/v1/sources/export',
      '/api/v1/sources/import',
      '/api/v1/sources/preview',
      '/api/v1/sources/{id}',
      '/api/v1/sources/{id}/pause',
      '/api/v1/sources/{id}/refresh',
      '/api/v1/sources/{id}/resume',
      '/api/v1/stories',
      '/api/v1/stories/{id}',
      '/api/v1/system/inference',
      '/api/v1/users',
      '/api/v1/users/{id}/recommendations',
      '/health',
      '/health/live',
      '/health/ready',
      '/health/status',
      '/metrics',
    ]);
    expect(Object.keys(spec.paths['/api/v1/sources'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(spec.components.schemas['CreateSourceDto']?.properties ?? {})).toEqual(['url', 'title', 'intervalSeconds', 'fullText', 'kind', 'options']);
    expect(Object.keys(spec.components.schemas['ArticleDto']?.properties ?? {})).toContain('similar');
    expect(Object.keys(spec.components.schemas['HealthDto']?.properties ?? {})).toEqual(['status', 'services']);
    expect(Object.keys(spec.components.schemas['SearchResultDto']?.properties ?? {})).toEqual(['items', 'nextCursor', 'mode', 'notice']);
  });

  it('serves Swagger UI at /docs', async () => {
    const answer = await send(sut, 'GET', '/docs');

    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Swagger UI');
  });
});
