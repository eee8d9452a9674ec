import { randomBytes } from 'node:crypto';
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
} from '../domain/licenses.ts';
import { httpHandler, type OperationRequest, parsed } from './handler.ts';

const deps = ({ runtime }: OperationRequest) => ({
  licenses: runtime.stores.licenses,
  products: runtime.stores.products,
  customers: runtime.stores.customers,
  randomBytes,
});
const licenseId = (r: OperationRequest) => parsed(LicensePath, r.input.path).licenseId;

export const handler = httpHandler('licenses', {
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
