import { memoized } from '../domain/common.ts';
import { reapSeats, reconcileSeats } from '../domain/seat-upkeep.ts';
import { logger } from '../middleware/observability.ts';
import { productStore } from '../store/products.ts';
import { seatUpkeepStore } from '../store/seat-upkeep.ts';
import { statsStore } from '../store/stats.ts';
import { emitBusiness } from '../wiring/business-metrics.ts';
import { emitJobMetric, type JobBody } from './handler.ts';

/** Frees leases that ran out without a release, each only if no heartbeat came since. */
export const seatReaper: JobBody = async ({ runtime, now, progress }) =>
  reapSeats(runtime.store(seatUpkeepStore), now, progress);

/** Recounts every pool; a drift is repaired and reported (warning log, SeatCountersRepaired). */
export const seatReconciliation: JobBody = async ({ runtime, now, progress }) => {
  const aggregationOf = memoized(
    async (code) => (await runtime.store(productStore).get(code))?.aggregation ?? 'sum',
  );
  const { drifts, ...result } = await reconcileSeats(
    runtime.store(seatUpkeepStore),
    aggregationOf,
    now,
    progress,
    (snapshot) => runtime.store(statsStore).saveFullestPools(snapshot),
  );
  for (const drift of drifts) logger.warn('seat counter drifted', { drift });
  emitBusiness('PoolUtilisationMax', result.details.utilisationMaxPercent);
  if (result.details.repaired > 0) emitJobMetric('SeatCountersRepaired', result.details.repaired);
  return result;
};
