import { reapSeats, reconcileSeats } from '../domain/seat-upkeep.ts';
import { emitBusiness } from '../http/business-metrics.ts';
import { logger } from '../middleware/observability.ts';
import type { JobBody } from './handler.ts';
import { emitJobMetric } from './handler.ts';

/** Frees leases that ran out without a release, each only if no heartbeat came since. */
export const seatReaper: JobBody = async ({ runtime, now, progress }) =>
  reapSeats(runtime.stores.seatUpkeep, now, progress);

/** Recounts every pool; a drift is repaired and reported (warning log, SeatCountersRepaired). */
export const seatReconciliation: JobBody = async ({ runtime, now, progress }) => {
  const aggregations = new Map<string, Promise<'sum' | 'max'>>();
  const aggregationOf = (code: string) => {
    let found = aggregations.get(code);
    if (!found) {
      found = runtime.stores.products.get(code).then((p) => p?.aggregation ?? 'sum');
      aggregations.set(code, found);
    }
    return found;
  };
  const { drifts, ...result } = await reconcileSeats(
    runtime.stores.seatUpkeep,
    aggregationOf,
    now,
    progress,
  );
  for (const drift of drifts) logger.warn('seat counter drifted', { drift });
  emitBusiness('PoolUtilisationMax', result.details.utilisationMaxPercent);
  if (result.details.repaired > 0) emitJobMetric('SeatCountersRepaired', result.details.repaired);
  return result;
};
