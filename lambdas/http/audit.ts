import { listAuditEvents, listLicenseEvents } from '../domain/audit-queries.ts';
import { dashboard } from '../domain/dashboard.ts';
import { visibleLicense } from '../domain/licenses.ts';
import { auditRoutes } from '../routes/audit.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  auditRoutes,
  {
    listAuditEvents: ({ input, runtime, principal }) =>
      listAuditEvents(runtime.stores.audit, principal, input.query),
    listLicenseEvents: ({ input, runtime, principal }) =>
      listLicenseEvents(
        {
          audit: runtime.stores.audit,
          license: (id) => visibleLicense(runtime.stores.licenses, principal, id),
        },
        principal,
        input.path.licenseId,
        input.query,
      ),
    getDashboard: ({ input, runtime, principal }) =>
      dashboard(runtime.stores.stats, principal, input.query, runtime.clock.now()),
  },
  { guards },
);
