import { AuditEventView, AuditQuery } from '../domain/audit.ts';
import { PageQuery, pageOf } from '../domain/common.ts';
import { DashboardQuery, DashboardView } from '../domain/dashboard.ts';
import { LicensePath } from '../domain/licenses.ts';
import { route } from './route.ts';

/** The `audit` group's routes (see ./route.ts for what a route says). */
export const auditRoutes = [
  route({
    operationId: 'listAuditEvents',
    method: 'GET',
    path: '/audit-events',
    group: 'audit',
    auth: 'token',
    status: 200,
    summary: 'List audit events, newest first',
    schemas: { query: AuditQuery, response: pageOf(AuditEventView) },
  }),
  route({
    operationId: 'listLicenseEvents',
    method: 'GET',
    path: '/licenses/{licenseId}/events',
    group: 'audit',
    auth: 'token',
    status: 200,
    summary: "A license's history, newest first: changes, activations, returns, locks, expiry",
    schemas: { path: LicensePath, query: PageQuery, response: pageOf(AuditEventView) },
  }),
  route({
    operationId: 'getDashboard',
    method: 'GET',
    path: '/dashboard',
    group: 'audit',
    auth: 'token',
    status: 200,
    summary: 'The home page figures: fullest pools, activations and refused checkouts per day',
    schemas: { query: DashboardQuery, response: DashboardView },
  }),
] as const;
