import { systemClock } from '../adapters/clock.ts';
import { config } from '../config.ts';
import { metaRoutes } from '../routes/meta.ts';
import { httpHandler } from './handler.ts';
import { openApiDocument } from './openapi.ts';

export const handler = httpHandler(metaRoutes, {
  getHealth: async () => ({
    status: 'ok',
    service: 'tessera',
    version: config().TESSERA_VERSION,
    stage: config().STAGE,
    time: systemClock.now().toISOString(),
  }),
  getOpenApi: async () => openApiDocument(),
});
