import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const API_PREFIX = 'api/v1';
export const DOCS_PATH = 'docs';

/**
 * What the module cannot declare itself: the URL prefix and the OpenAPI documents
 * (Swagger UI at /docs, the JSON at /docs-json). Call before init()/listen().
 */
export function configureGatewayApp(app: INestApplication): void {
  // WebSub callbacks are not part of the API: hubs call <public base>/websub/<source id>.
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/live', 'websub/:sourceId'] });
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
