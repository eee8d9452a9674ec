import { cleanUpActivations, countExpiring, sweepExpiries } from '../domain/notifications.ts';
import { emitBusiness } from '../wiring/business-metrics.ts';
import type { JobBody } from './handler.ts';

/** Records ended licenses once, then counts the ones ending within 30 days for the dashboard. */
export const expirySweep: JobBody = async ({ runtime, now, progress }) => {
  const ctx = {
    principal: { kind: 'system' as const, name: 'expiry-sweep' },
    now,
    ids: runtime.ids,
  };
  const result = await sweepExpiries(
    runtime.stores.expiry,
    { license: (id) => runtime.stores.licenses.get(id) },
    ctx,
    progress,
  );
  const expiring = await countExpiring(runtime.stores.expiry, now, 30);
  emitBusiness('LicensesExpiringIn30Days', expiring);
  return { ...result, details: { expiringIn30Days: expiring } };
};

export const activationCleanup: JobBody = async ({ runtime, now, progress }) => ({
  ...(await cleanUpActivations(runtime.stores.activationUpkeep, now, progress)),
  details: {},
});
