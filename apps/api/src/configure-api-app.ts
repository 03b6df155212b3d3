import { type INestApplication, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SETTINGS } from '@tthc/infrastructure';
import type { ApiSettings } from './api.settings';
import { securityHeaders } from './security-headers';

/** The pages and their script, served outside `/api/v1`. */
const PAGES = ['/', '/auditor', '/assets/chart.umd.js', '/assets/rate-format.js', '/assets/page-session.js'];
/** Prometheus' conventional scrape path, outside `/api/v1` too (issue 13). */
const SCRAPE = ['/metrics'];

/**
 * What main.ts and the e2e tests both apply, so tests exercise the app as it is served: the
 * security headers, which proxies to trust for the client address, the `/api/v1` prefix, and the
 * OpenAPI document built from the controllers' and DTOs' decorators (Swagger UI at `/api/docs`,
 * JSON at `/api/docs-json`).
 */
export function configureApiApp(app: INestApplication): INestApplication {
  const settings = app.get<ApiSettings>(SETTINGS);
  app.use(securityHeaders);
  if (settings.TRUST_PROXY !== '') {
    const hops = /^\d+$/.test(settings.TRUST_PROXY) ? Number(settings.TRUST_PROXY) : settings.TRUST_PROXY;
    // Nest's default platform, Express, serves the api; its `set` is typed there, not on INestApplication.
    (app as NestExpressApplication).set('trust proxy', hops);
  }
  app.setGlobalPrefix('api/v1', { exclude: [...PAGES, ...SCRAPE].map((path) => ({ path, method: RequestMethod.GET })) });
  const config = new DocumentBuilder()
    .setTitle('TTHC dossier-flow monitor API')
    .setDescription(
      'Online, on-time and 766 progress rates of administrative-procedure dossiers per unit and for the province ' +
        '(dates are local days in Asia/Ho_Chi_Minh, ranges inclusive; rates are 0..1 computed from summed counts, null without a denominator).',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Roles: ioc, operator, auditor, admin' }, 'api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', customSiteTitle: 'TTHC monitor API' });
  return app;
}
