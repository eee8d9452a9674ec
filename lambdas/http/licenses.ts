import { randomBytes } from 'node:crypto';
import {
  ActivationListPath,
  ActivationListQuery,
  deactivate,
  LicenseActivationPath,
  listActivations,
} from '../domain/activations.ts';
import { PageQuery } from '../domain/common.ts';
import {
  getLicense,
  ImportLicenseInput,
  ImportPath,
  IssueLicenseInput,
  importLicense,
  issueLicense,
  LicenseListQuery,
  LicensePath,
  listLicenses,
  reinstateLicense,
  revokeLicense,
  suspendLicense,
  UpdateLicenseInput,
  updateLicense,
  visibleLicense,
} from '../domain/licenses.ts';
import {
  forceRelease,
  forceReleaseUser,
  listPools,
  listSeats,
  PoolPath,
  PoolsPath,
  SeatListQuery,
  SeatPath,
  UserSeatsPath,
} from '../domain/seats.ts';
import { activationDeps, noMailer, noSigner } from './activation-deps.ts';
import { countBusiness, emitBusiness } from './business-metrics.ts';
import { httpHandler, type OperationRequest, parsed } from './handler.ts';

const deps = ({ runtime }: OperationRequest) => ({
  licenses: runtime.stores.licenses,
  products: runtime.stores.products,
  customers: runtime.stores.customers,
  randomBytes,
});
const licenseId = (r: OperationRequest) => parsed(LicensePath, r.input.path).licenseId;

const activationAdmin = (r: OperationRequest) => ({
  ...activationDeps(r.runtime, { mailer: noMailer, signer: noSigner }),
  visibleLicense: (id: string) => visibleLicense(r.runtime.stores.licenses, r.principal, id),
});

const poolAdmin = (r: OperationRequest) => ({
  pools: r.runtime.stores.pools,
  seats: r.runtime.stores.seats,
  productOf: (code: string) => r.runtime.stores.products.get(code),
});

export const handler = httpHandler('licenses', {
  listPools: (r) =>
    listPools(
      poolAdmin(r),
      r.principal,
      parsed(PoolsPath, r.input.path).customerId,
      parsed(PageQuery, r.input.query),
      r.runtime.clock.now(),
    ),
  listSeats: (r) =>
    listSeats(
      poolAdmin(r),
      r.principal,
      parsed(PoolPath, r.input.path),
      parsed(SeatListQuery, r.input.query),
    ),
  forceReleaseUserSeats: async (r) => {
    const released = await forceReleaseUser(
      poolAdmin(r),
      r.change,
      parsed(UserSeatsPath, r.input.path),
    );
    if (released.released > 0) emitBusiness('SeatForcedReleases', released.released);
    return released;
  },
  forceReleaseSeat: async (r) => {
    const released = await forceRelease(poolAdmin(r), r.change, parsed(SeatPath, r.input.path));
    countBusiness('SeatForcedReleases');
    return released;
  },
  listActivations: (r) =>
    listActivations(
      activationAdmin(r),
      parsed(ActivationListPath, r.input.path).licenseId,
      parsed(ActivationListQuery, r.input.query),
    ),
  deactivateInstance: (r) => {
    const path = parsed(LicenseActivationPath, r.input.path);
    return deactivate(activationAdmin(r), r.principal, path.licenseId, path.activationId);
  },
  issueLicense: (r) => issueLicense(deps(r), r.change, parsed(IssueLicenseInput, r.input.body)),
  listLicenses: (r) =>
    listLicenses(
      r.runtime.stores.licenses,
      r.principal,
      parsed(LicenseListQuery, r.input.query),
      r.runtime.clock.now(),
    ),
  getLicense: (r) =>
    getLicense(r.runtime.stores.licenses, r.principal, licenseId(r), r.runtime.clock.now()),
  updateLicense: (r) =>
    updateLicense(deps(r), r.change, licenseId(r), parsed(UpdateLicenseInput, r.input.body)),
  suspendLicense: (r) => suspendLicense(deps(r), r.change, licenseId(r)),
  reinstateLicense: (r) => reinstateLicense(deps(r), r.change, licenseId(r)),
  revokeLicense: (r) => revokeLicense(deps(r), r.change, licenseId(r)),
  importLicense: (r) =>
    importLicense(
      deps(r),
      r.change,
      parsed(ImportPath, r.input.path).customerId,
      parsed(ImportLicenseInput, r.input.body),
    ),
});
