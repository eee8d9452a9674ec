import { systemClock } from '../adapters/clock.ts';
import { config } from '../config.ts';
import { metaRoutes } from '../routes/meta.ts';
import { brand } from '../wiring/brand.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(metaRoutes, {
  getHealth: async () => ({
    status: 'ok',
    service: 'tessera',
    version: config().TESSERA_VERSION,
    stage: config().STAGE,
    time: systemClock.now().toISOString(),
  }),
  getBrand: async () => ({ ...brand(), defaultLanguage: config().DEFAULT_LANGUAGE }),
  // The document needs every group's schemas: loaded on its first request, so a cold start
  // that only answers health checks (most of this function's calls) never builds them.
  getOpenApi: async () => (await import('./openapi.ts')).openApiDocument(),
});
