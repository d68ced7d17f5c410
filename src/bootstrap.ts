import { INestApplication, RequestMethod } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HttpMetrics } from './common/http/http-metrics';
import { RequestIdMiddleware } from './common/http/request-id.middleware';

export const API_PREFIX = 'api/v1';

/** Everything about the HTTP app that is not a provider; shared by main.ts and the e2e tests. */
export function configureHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.useBodyParser('json', { limit: '2mb' });
  const requestId = new RequestIdMiddleware(app.get(HttpMetrics));
  app.use(requestId.use.bind(requestId));
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Jicai API')
      .setDescription(
        'Volume-based procurement, price monitoring and direct settlement. Money and quantities are decimal strings.',
      )
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
