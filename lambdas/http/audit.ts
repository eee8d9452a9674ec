import { AuditQuery } from '../domain/audit.ts';
import { listAuditEvents } from '../domain/audit-queries.ts';
import { httpHandler, parsed } from './handler.ts';

export const handler = httpHandler('audit', {
  listAuditEvents: ({ input, runtime, principal }) =>
    listAuditEvents(runtime.stores.audit, principal, parsed(AuditQuery, input.query)),
});
