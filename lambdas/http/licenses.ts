import { randomBytes } from 'node:crypto';
import { deactivate, listActivations } from '../domain/activations.ts';
import {
  getLicense,
  importLicense,
  issueLicense,
  listLicenses,
  reinstateLicense,
  revokeLicense,
  suspendLicense,
  updateLicense,
  visibleLicense,
} from '../domain/licenses.ts';
import { forceRelease, forceReleaseUser, listPools, listSeats } from '../domain/seats.ts';
import { licensesRoutes } from '../routes/licenses.ts';
import { customerStore } from '../store/customers.ts';
import { licenseStore } from '../store/licenses.ts';
import { poolStore } from '../store/pools.ts';
import { productStore } from '../store/products.ts';
import { seatStore } from '../store/seats.ts';
import { activationDeps, noMailer, noSigner } from '../wiring/activation-deps.ts';
import { countBusiness, emitBusiness } from '../wiring/business-metrics.ts';
import { guards } from './guards.ts';
import { httpHandler, type OperationRequest } from './handler.ts';

const deps = ({ runtime }: OperationRequest) => ({
  licenses: runtime.store(licenseStore),
  products: runtime.store(productStore),
  customers: runtime.store(customerStore),
  randomBytes,
});
const licenseId = (r: OperationRequest<{ path: { licenseId: string } }>) => r.input.path.licenseId;

const activationAdmin = (r: OperationRequest) => ({
  ...activationDeps(r.runtime, { mailer: noMailer, signer: noSigner }),
  visibleLicense: (id: string) => visibleLicense(r.runtime.store(licenseStore), r.principal, id),
});

const poolAdmin = (r: OperationRequest) => ({
  pools: r.runtime.store(poolStore),
  seats: r.runtime.store(seatStore),
  productOf: (code: string) => r.runtime.store(productStore).get(code),
});

export const handler = httpHandler(
  licensesRoutes,
  {
    listPools: (r) =>
      listPools(
        poolAdmin(r),
        r.principal,
        r.input.path.customerId,
        r.input.query,
        r.runtime.clock.now(),
      ),
    listSeats: (r) => listSeats(poolAdmin(r), r.principal, r.input.path, r.input.query),
    forceReleaseUserSeats: async (r) => {
      const released = await forceReleaseUser(poolAdmin(r), r.change, r.input.path);
      if (released.released > 0) emitBusiness('SeatForcedReleases', released.released);
      return released;
    },
    forceReleaseSeat: async (r) => {
      const released = await forceRelease(poolAdmin(r), r.change, r.input.path);
      countBusiness('SeatForcedReleases');
      return released;
    },
    listActivations: (r) =>
      listActivations(activationAdmin(r), r.input.path.licenseId, r.input.query),
    deactivateInstance: (r) => {
      const path = r.input.path;
      return deactivate(activationAdmin(r), r.principal, path.licenseId, path.activationId);
    },
    issueLicense: (r) => issueLicense(deps(r), r.change, r.input.body),
    listLicenses: (r) =>
      listLicenses(
        r.runtime.store(licenseStore),
        r.principal,
        r.input.query,
        r.runtime.clock.now(),
      ),
    getLicense: (r) =>
      getLicense(r.runtime.store(licenseStore), r.principal, licenseId(r), r.runtime.clock.now()),
    updateLicense: (r) => updateLicense(deps(r), r.change, licenseId(r), r.input.body),
    suspendLicense: (r) => suspendLicense(deps(r), r.change, licenseId(r)),
    reinstateLicense: (r) => reinstateLicense(deps(r), r.change, licenseId(r)),
    revokeLicense: (r) => revokeLicense(deps(r), r.change, licenseId(r)),
    importLicense: (r) => importLicense(deps(r), r.change, r.input.path.customerId, r.input.body),
  },
  { guards },
);
