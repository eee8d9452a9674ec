import * as z from 'zod';
import {
  AllotmentListView,
  AllotmentPath,
  AllotmentView,
  CreatedRelayView,
  CreateRelayInput,
  HoldAllotmentInput,
  OneRelayPath,
  RelayPath,
  RelayView,
} from '../domain/relays.ts';
import { PoolPath } from '../domain/seats.ts';
import { route } from './route.ts';

/** The `relay` group's routes (see ./route.ts for what a route says; docs/relay.md). */
export const relayRoutes = [
  route({
    operationId: 'createRelay',
    idempotent: false,
    method: 'POST',
    path: '/customers/{customerId}/projects/{projectId}/relays',
    group: 'relay',
    auth: 'token',
    status: 201,
    location: (r, p) =>
      `/customers/${p.customerId}/projects/${p.projectId}/relays/${(r.relay as { id: string }).id}`,
    summary: 'A relay for this project; its credential is shown once',
    schemas: { path: RelayPath, body: CreateRelayInput, response: CreatedRelayView },
  }),
  route({
    operationId: 'listRelays',
    method: 'GET',
    path: '/customers/{customerId}/projects/{projectId}/relays',
    group: 'relay',
    auth: 'token',
    status: 200,
    summary: "The project's relays: last contact, what they reported, the seats they hold",
    schemas: { path: RelayPath, response: z.object({ items: z.array(RelayView) }) },
  }),
  route({
    operationId: 'removeRelay',
    method: 'DELETE',
    path: '/customers/{customerId}/projects/{projectId}/relays/{relayId}',
    group: 'relay',
    auth: 'token',
    status: 204,
    summary: 'Revokes the relay credential at once and gives its seats back',
    schemas: { path: OneRelayPath },
  }),
  route({
    operationId: 'listPoolAllotments',
    method: 'GET',
    path: '/customers/{customerId}/projects/{projectId}/pools/{productCode}/allotments',
    group: 'relay',
    auth: 'token',
    status: 200,
    summary: "The seats relays hold of this pool (counted in the pool's Used)",
    schemas: { path: PoolPath, response: AllotmentListView },
  }),
  route({
    operationId: 'getRelaySelf',
    method: 'GET',
    path: '/relay',
    group: 'relay',
    auth: 'relay',
    status: 200,
    summary: 'The calling relay as Tessera sees it',
    schemas: { response: RelayView },
  }),
  route({
    operationId: 'holdAllotment',
    method: 'PUT',
    path: '/relay/allotments/{productCode}',
    group: 'relay',
    auth: 'relay',
    status: 200,
    summary: 'Take, renew, grow or shrink an allotment of seats; answers it signed',
    schemas: { path: AllotmentPath, body: HoldAllotmentInput, response: AllotmentView },
  }),
  route({
    operationId: 'releaseAllotment',
    method: 'DELETE',
    path: '/relay/allotments/{productCode}',
    group: 'relay',
    auth: 'relay',
    status: 200,
    summary: "Give the allotment's seats back to the pool",
    schemas: {
      path: AllotmentPath,
      response: z.object({ productCode: z.string(), released: z.number().int() }),
    },
  }),
] as const;
