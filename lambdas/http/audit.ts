import { AuditQuery } from '../domain/audit.ts';
import { listAuditEvents, listLicenseEvents } from '../domain/audit-queries.ts';
import { PageQuery } from '../domain/common.ts';
import { LicensePath, visibleLicense } from '../domain/licenses.ts';
import { httpHandler, parsed } from './handler.ts';

export const handler = httpHandler('audit', {
  listAuditEvents: ({ input, runtime, principal }) =>
    listAuditEvents(runtime.stores.audit, principal, parsed(AuditQuery, input.query)),
  listLicenseEvents: ({ input, runtime, principal }) =>
    listLicenseEvents(
      {
        audit: runtime.stores.audit,
        license: (id) => visibleLicense(runtime.stores.licenses, principal, id),
      },
      principal,
      parsed(LicensePath, input.path).licenseId,
      parsed(PageQuery, input.query),
    ),
});
