import { memoized } from './common.ts';
import type { JobRun, JobRunStore } from './job-runs.ts';
import { countExpiring } from './notifications.ts';
import { poolLimit } from './pools.ts';
import type { Product } from './products.ts';
import type { PoolCount } from './seat-upkeep.ts';
import type { ExpiryStore, NoticeStore } from './upkeep.ts';

/**
 * The operator's glance (`npm run status`): what is about to expire, which pools are nearly
 * full, how each job last ran, and what e-mail is still waiting to go out.
 */
export interface PlatformStatus {
  at: string;
  licensesExpiring: { in30Days: number; in7Days: number; in1Day: number };
  fullestPools: {
    projectId: string;
    productCode: string;
    used: number;
    limit: number;
    percent: number;
  }[];
  jobs: JobRun[];
  pendingNotices: number;
}

export interface StatusDeps {
  expiry: ExpiryStore;
  notices: Pick<NoticeStore, 'pending'>;
  jobRuns: Pick<JobRunStore, 'all'>;
  pools: AsyncIterable<{ projectId: string; productCode: string }>;
  count: (projectId: string, productCode: string) => Promise<PoolCount | undefined>;
  product: (code: string) => Promise<Product | undefined>;
}

const FULLEST = 5;

export const platformStatus = async (deps: StatusDeps, now: Date): Promise<PlatformStatus> => {
  const [in30Days = 0, in7Days = 0, in1Day = 0] = await Promise.all(
    [30, 7, 1].map((days) => countExpiring(deps.expiry, now, days)),
  );
  const productOf = memoized(deps.product);
  const pools: PlatformStatus['fullestPools'] = [];
  for await (const { projectId, productCode } of deps.pools) {
    const counted = await deps.count(projectId, productCode);
    const product = await productOf(productCode);
    if (!counted || !product) continue;
    const { pool } = counted;
    const limit = poolLimit(pool.licenses, product.aggregation, now);
    const used = product.seatModel === 'named' ? counted.assignments : pool.used;
    if (limit === 0 && used === 0) continue;
    pools.push({
      projectId,
      productCode,
      used,
      limit,
      percent: limit === 0 ? 100 : Math.round((100 * used) / limit),
    });
  }
  pools.sort((a, b) => b.percent - a.percent || b.used - a.used);
  let pendingNotices = 0;
  for await (const _ of deps.notices.pending()) pendingNotices++;
  const jobs = (await deps.jobRuns.all()).sort((a, b) => a.job.localeCompare(b.job));
  return {
    at: now.toISOString(),
    licensesExpiring: { in30Days, in7Days, in1Day },
    fullestPools: pools.slice(0, FULLEST),
    jobs,
    pendingNotices,
  };
};
