import { activationSecrets } from '../adapters/activation-secrets.ts';
import { authenticateInstance } from '../domain/activations.ts';
import {
  authenticateRelay,
  checkRelayInstance,
  createRelay,
  holdAllotment,
  listAllRelays,
  listRelays,
  poolAllotments,
  relaySelf,
  releaseAllotment,
  removeRelay,
} from '../domain/relays.ts';
import { DEFAULT_LEASE_SECONDS } from '../domain/seats.ts';
import { relayRoutes } from '../routes/relay.ts';
import { activationStore } from '../store/activations.ts';
import { productStore } from '../store/products.ts';
import { relayDeps } from '../wiring/relay-deps.ts';
import { runtime } from '../wiring/runtime.ts';
import { authenticateWith, guards } from './guards.ts';
import { httpHandler, type OperationRequest, relayOf } from './handler.ts';

const deps = (r: OperationRequest) => relayDeps(r.runtime);

export const handler = httpHandler(
  relayRoutes,
  {
    createRelay: (r) =>
      createRelay(deps(r), r.change, r.input.path.customerId, r.input.path.projectId, r.input.body),
    listAllRelays: (r) => listAllRelays(deps(r), r.principal, r.input.query),
    listRelays: (r) =>
      listRelays(deps(r), r.principal, r.input.path.customerId, r.input.path.projectId),
    removeRelay: (r) =>
      removeRelay(
        deps(r),
        r.change,
        r.input.path.customerId,
        r.input.path.projectId,
        r.input.path.relayId,
      ),
    listPoolAllotments: (r) =>
      poolAllotments(
        deps(r),
        r.principal,
        r.input.path.customerId,
        r.input.path.projectId,
        r.input.path.productCode,
      ),
    getRelaySelf: (r) => relaySelf(deps(r), relayOf(r)),
    checkRelayInstance: (r) =>
      checkRelayInstance(
        {
          authenticate: (token) =>
            authenticateInstance(
              { activations: r.runtime.store(activationStore), secrets: activationSecrets },
              token,
            ),
          leaseSecondsOf: async (code) =>
            (await r.runtime.store(productStore).get(code))?.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
        },
        relayOf(r),
        r.input.body.activationToken,
      ),
    holdAllotment: (r) =>
      holdAllotment(deps(r), relayOf(r), r.input.path.productCode, r.input.body),
    releaseAllotment: (r) => releaseAllotment(deps(r), relayOf(r), r.input.path.productCode),
  },
  {
    guards: {
      ...guards,
      authenticate: authenticateWith(undefined, (bearer) =>
        authenticateRelay(relayDeps(runtime()), bearer),
      ),
    },
  },
);
