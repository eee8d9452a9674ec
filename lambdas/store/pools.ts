import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import type { Page } from '../domain/common.ts';
import type { StoredStatus } from '../domain/license-status.ts';
import type { PoolLicense } from '../domain/pools.ts';
import type { Lease } from '../domain/seats.ts';
import { batchGet } from './batch.ts';
import { attributeIn } from './conditions.ts';
import { fromItem, type Item } from './items.ts';
import { leaseKeys, licenseKeys, poolKeys } from './keys.ts';
import { queryPage } from './pagination.ts';

export interface PoolRecord {
  customerId: string;
  projectId: string;
  productCode: string;
  /** Live seats; raised and lowered only by the seat transactions. */
  used: number;
  /** Moves whenever a license of the pool changes. */
  licensesVersion: number;
  /** Named seats assigned; raised and lowered only by the assignment transactions. */
  assigned: number;
  /** Move with every change of `used` and `assigned`, so a repair can tell nothing moved. */
  seatVersion: number;
  assignVersion: number;
  licenses: PoolLicense[];
}

type Entry = { seatLimit: number; status: StoredStatus; validFrom: string; validTill?: string };

export const toRecord = (item: Item): PoolRecord => ({
  customerId: String(item.customerId),
  projectId: String(item.projectId),
  productCode: String(item.productCode),
  used: Number(item.used),
  licensesVersion: Number(item.licensesVersion),
  assigned: Number(item.assigned ?? 0),
  seatVersion: Number(item.seatVersion ?? 0),
  assignVersion: Number(item.assignVersion ?? 0),
  licenses: Object.entries(item)
    .filter(([name]) => name.startsWith(poolKeys.licenseAttributePrefix))
    .map(([name, entry]) => ({
      licenseId: name.slice(poolKeys.licenseAttributePrefix.length),
      ...(entry as Entry),
    })),
});

export const poolStore = (db: Db, tableName: string) => {
  const get = async (projectId: string, productCode: string): Promise<PoolRecord | undefined> => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: poolKeys.pool(projectId, productCode),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toRecord(out.Item) : undefined;
  };
  return {
    get,

    /** A customer's pools, by project and product: the listing items, then each pool itself. */
    listByCustomer: async (
      customerId: string,
      page: { limit: number; cursor?: string; projectIn?: readonly string[] },
    ): Promise<Page<PoolRecord>> => {
      const result = await queryPage(db, {
        tableName,
        index: 'gsi2',
        partition: poolKeys.customerListPartition(customerId),
        ...(page.projectIn ? { filter: attributeIn('projectId', page.projectIn) } : {}),
        limit: page.limit,
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
      const pools = await Promise.all(
        result.items.map((listing) => get(String(listing.projectId), String(listing.productCode))),
      );
      return {
        items: pools.filter((p): p is PoolRecord => p !== undefined),
        nextCursor: result.nextCursor,
      };
    },

    /** Each license's live activations and their maximum, read in one batch. */
    activationsOf: async (licenseIds: readonly string[]) => {
      const items = await batchGet(db, tableName, licenseIds.map(licenseKeys.license));
      return new Map(
        items.map((i) => [
          String(i.id),
          { activationCount: Number(i.activationCount), maxActivations: Number(i.maxActivations) },
        ]),
      );
    },

    /** The leases of a pool (expired ones too, until reclaimed), by session. */
    leases: async (
      projectId: string,
      productCode: string,
      page: { limit: number; cursor?: string },
      userId?: string,
    ): Promise<Page<Lease>> => {
      const result = await queryPage(db, {
        tableName,
        partition: poolKeys.pool(projectId, productCode).pk,
        sortPrefix: leaseKeys.sortPrefix,
        // Within one pool's partition: at most its seats are read to find one user's.
        ...(userId
          ? {
              filter: {
                expression: '#userId = :userId',
                names: { '#userId': 'userId' },
                values: { ':userId': userId },
              },
            }
          : {}),
        limit: page.limit,
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
      return { items: result.items.map((i) => fromItem<Lease>(i)), nextCursor: result.nextCursor };
    },
  };
};
