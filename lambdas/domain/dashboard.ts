import { assertCan, projectScope } from './policy.ts';
import { boundCustomer, type Principal } from './principal.ts';
import * as z from './zod.ts';

/**
 * The console's home page figures: the fullest pools (a snapshot the seat reconciliation job
 * takes on every complete pass over the pools) and, per day, activations and checkouts refused
 * for a full pool (counted as they happen). Customers see only their own pools and no traffic
 * figures: those are the vendor's.
 */
export type DailyCounter = 'activations' | 'refusedCheckouts';

export interface FullPool {
  customerId: string;
  projectId: string;
  productCode: string;
  used: number;
  limit: number;
  utilisation: number;
}

export interface FullestPools {
  at: string;
  items: FullPool[];
}

export interface DayCounts {
  date: string;
  activations: number;
  refusedCheckouts: number;
}

export interface StatsStore {
  count(counter: DailyCounter, at: Date): Promise<void>;
  /** Counts for each day from `from` to `to` (YYYY-MM-DD, inclusive) that has any. */
  days(from: string, to: string): Promise<DayCounts[]>;
  saveFullestPools(snapshot: FullestPools): Promise<void>;
  fullestPools(): Promise<FullestPools | undefined>;
}

export const FULLEST_POOLS = 10;
const DAY_MS = 86_400_000;

/** Keeps the `FULLEST_POOLS` most utilised pools seen so far, fullest first. */
export const fullestOf = (pools: FullPool[], candidate: FullPool): FullPool[] =>
  [...pools, candidate]
    .sort((a, b) => b.utilisation - a.utilisation || b.used - a.used)
    .slice(0, FULLEST_POOLS);

export const DashboardQuery = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    days: z.coerce.number().int().min(1).max(90).default(14).describe('Days of traffic figures'),
  }),
);
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const DashboardView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    fullestPools: z.object({
      at: z.string().nullable().describe('When the snapshot was taken; null before the first'),
      items: z.array(
        z.object({
          customerId: z.string(),
          projectId: z.string(),
          productCode: z.string(),
          used: z.number().int(),
          limit: z.number().int(),
          utilisation: z.number().describe('used / limit'),
        }),
      ),
    }),
    activity: z
      .array(
        z.object({
          date: z.string().describe('YYYY-MM-DD (UTC)'),
          activations: z.number().int(),
          refusedCheckouts: z.number().int(),
        }),
      )
      .describe('One entry per day, oldest first, zeros included; empty for customers'),
  }),
);
export type DashboardView = z.infer<typeof DashboardView>;

const dayOf = (at: Date) => at.toISOString().slice(0, 10);

export const dashboard = async (
  stats: StatsStore,
  principal: Principal,
  query: DashboardQuery,
  now: Date,
): Promise<DashboardView> => {
  assertCan(principal, 'license:read');
  const snapshot = await stats.fullestPools();
  const customer = boundCustomer(principal);
  const vendor = customer === undefined;
  const projects = projectScope(principal);
  const own = (pool: FullPool) =>
    vendor || (pool.customerId === customer && (!projects || projects.includes(pool.projectId)));
  const fullestPools = { at: snapshot?.at ?? null, items: (snapshot?.items ?? []).filter(own) };
  if (!vendor) return { fullestPools, activity: [] };
  const first = new Date(now.getTime() - (query.days - 1) * DAY_MS);
  const counted = new Map(
    (await stats.days(dayOf(first), dayOf(now))).map((day) => [day.date, day]),
  );
  const activity = Array.from({ length: query.days }, (_, i) => {
    const date = dayOf(new Date(first.getTime() + i * DAY_MS));
    return counted.get(date) ?? { date, activations: 0, refusedCheckouts: 0 };
  });
  return { fullestPools, activity };
};
