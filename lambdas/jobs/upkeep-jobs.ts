import { cleanUpActivations, countExpiring, sweepExpiries } from '../domain/notifications.ts';
import { licenseStore } from '../store/licenses.ts';
import { activationUpkeepStore, expiryStore } from '../store/upkeep.ts';
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
    runtime.store(expiryStore),
    { license: (id) => runtime.store(licenseStore).get(id) },
    ctx,
    progress,
  );
  const expiring = await countExpiring(runtime.store(expiryStore), now, 30);
  emitBusiness('LicensesExpiringIn30Days', expiring);
  return { ...result, details: { expiringIn30Days: expiring } };
};

export const activationCleanup: JobBody = async ({ runtime, now, progress }) => ({
  ...(await cleanUpActivations(runtime.store(activationUpkeepStore), now, progress)),
  details: {},
});
