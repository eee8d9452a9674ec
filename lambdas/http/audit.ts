import { listAuditEvents, listLicenseEvents } from '../domain/audit-queries.ts';
import { dashboard } from '../domain/dashboard.ts';
import { visibleLicense } from '../domain/licenses.ts';
import { auditRoutes } from '../routes/audit.ts';
import { auditStore } from '../store/audit.ts';
import { licenseStore } from '../store/licenses.ts';
import { statsStore } from '../store/stats.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  auditRoutes,
  {
    listAuditEvents: ({ input, runtime, principal }) =>
      listAuditEvents(runtime.store(auditStore), principal, input.query),
    listLicenseEvents: ({ input, runtime, principal }) =>
      listLicenseEvents(
        {
          audit: runtime.store(auditStore),
          license: (id) => visibleLicense(runtime.store(licenseStore), principal, id),
        },
        principal,
        input.path.licenseId,
        input.query,
      ),
    getDashboard: ({ input, runtime, principal }) =>
      dashboard(runtime.store(statsStore), principal, input.query, runtime.clock.now()),
  },
  { guards },
);
