import { BrandView, HealthView } from '../http/meta-schemas.ts';
import { route } from './route.ts';

/** The `meta` group's routes (see ./route.ts for what a route says). */
export const metaRoutes = [
  route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    group: 'meta',
    auth: 'none',
    status: 200,
    summary: 'Liveness probe',
    schemas: { response: HealthView },
  }),
  route({
    operationId: 'getBrand',
    method: 'GET',
    path: '/brand',
    group: 'meta',
    auth: 'none',
    status: 200,
    summary: 'The vendor’s brand and default language, for the console and the portal',
    schemas: { response: BrandView },
  }),
  route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    group: 'meta',
    auth: 'none',
    status: 200,
    summary: 'This API as OpenAPI 3.1',
    schemas: {},
  }),
] as const;
