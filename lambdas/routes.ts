/**
 * The route table: the single source the CDK API stack, the local HTTP server, the OpenAPI
 * document and the tests read. Each group's routes live in `routes/<group>.ts`, so a group's
 * function bundles only its own schemas; this module joins them for everyone who needs all.
 * Pure data plus zod schemas: no AWS SDK imports, so CDK can load it at synth time.
 */

import { activationRoutes } from './routes/activation.ts';
import { assignmentsRoutes } from './routes/assignments.ts';
import { auditRoutes } from './routes/audit.ts';
import { customersRoutes } from './routes/customers.ts';
import { instanceRoutes } from './routes/instance.ts';
import { licensesRoutes } from './routes/licenses.ts';
import { metaRoutes } from './routes/meta.ts';
import { peopleRoutes } from './routes/people.ts';
import { productsRoutes } from './routes/products.ts';
import { relayRoutes } from './routes/relay.ts';
import { groups, type Route, type RouteGroup } from './routes/route.ts';
import { seatsRoutes } from './routes/seats.ts';
import { sessionRoutes } from './routes/session.ts';
import { ticketsRoutes } from './routes/tickets.ts';
import { tokensRoutes } from './routes/tokens.ts';
import { trialsRoutes } from './routes/trials.ts';
import { validateRoutes } from './routes/validate.ts';

export {
  groups,
  type HttpMethod,
  type InputOf,
  type Route,
  type RouteAuth,
  type RouteGroup,
  type RouteSchemas,
  route,
} from './routes/route.ts';

export const routes: readonly Route[] = [
  ...metaRoutes,
  ...tokensRoutes,
  ...productsRoutes,
  ...customersRoutes,
  ...auditRoutes,
  ...licensesRoutes,
  ...assignmentsRoutes,
  ...activationRoutes,
  ...instanceRoutes,
  ...validateRoutes,
  ...seatsRoutes,
  ...peopleRoutes,
  ...sessionRoutes,
  ...relayRoutes,
  ...trialsRoutes,
  ...ticketsRoutes,
];

export const routesOf = (group: RouteGroup): Route[] => routes.filter((r) => r.group === group);

/** Groups with a route anyone may call: their functions are capped (lib/api-stack.ts). */
export const openRouteGroups = (Object.keys(groups) as RouteGroup[]).filter((group) =>
  routes.some((r) => r.group === group && r.auth === 'none'),
);
