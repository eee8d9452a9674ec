import { relaySecrets } from '../adapters/relay-secrets.ts';
import type { RelayDeps } from '../domain/relays.ts';
import { customerStore } from '../store/customers.ts';
import { poolStore } from '../store/pools.ts';
import { productStore } from '../store/products.ts';
import { projectStore } from '../store/projects.ts';
import { relayStore } from '../store/relays.ts';
import type { Runtime } from './runtime.ts';
import { currentSigner } from './signing.ts';

/** The relay use cases' ports: its store, the pools, and the signer for allotment documents. */
export const relayDeps = (runtime: Runtime): RelayDeps => ({
  relays: runtime.store(relayStore),
  pools: { pool: (projectId, productCode) => runtime.store(poolStore).get(projectId, productCode) },
  aggregationOf: async (code) => (await runtime.store(productStore).get(code))?.aggregation,
  projectOf: (customerId, projectId) => runtime.store(projectStore).get(customerId, projectId),
  customerOf: (customerId) => runtime.store(customerStore).get(customerId),
  get signer() {
    return currentSigner();
  },
  secrets: relaySecrets,
  ids: runtime.ids,
  now: () => runtime.clock.now(),
  allotmentSeconds: runtime.config.RELAY_ALLOTMENT_SECONDS,
});
