import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../adapters/dynamodb.ts';
import type { StoredStatus } from '../domain/license-status.ts';
import type { PoolLicense } from '../domain/pools.ts';
import { poolKeys } from './keys.ts';

export interface PoolRecord {
  customerId: string;
  projectId: string;
  productCode: string;
  /** Live seats; raised and lowered only by the seat transactions. */
  used: number;
  /** Moves whenever a license of the pool changes. */
  licensesVersion: number;
  licenses: PoolLicense[];
}

type Entry = { seatLimit: number; status: StoredStatus; validFrom: string; validTill?: string };

export const poolStore = (db: Db, tableName: string) => ({
  get: async (projectId: string, productCode: string): Promise<PoolRecord | undefined> => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: poolKeys.pool(projectId, productCode),
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item) return undefined;
    const licenses = Object.entries(item)
      .filter(([name]) => name.startsWith(poolKeys.licenseAttributePrefix))
      .map(([name, entry]) => ({
        licenseId: name.slice(poolKeys.licenseAttributePrefix.length),
        ...(entry as Entry),
      }));
    return {
      customerId: String(item.customerId),
      projectId: String(item.projectId),
      productCode: String(item.productCode),
      used: Number(item.used),
      licensesVersion: Number(item.licensesVersion),
      licenses,
    };
  },
});
