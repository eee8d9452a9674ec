import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../bin/local/dynamodb.ts';
import { ensureTable } from '../bin/local/tables.ts';
import { activationSecrets } from '../lambdas/adapters/activation-secrets.ts';
import { deviceSignatures } from '../lambdas/adapters/device-signatures.ts';
import { documentClient } from '../lambdas/adapters/dynamodb.ts';
import { idGenerator } from '../lambdas/adapters/ids.ts';
import { generateSigningKeyPem, localSigner } from '../lambdas/adapters/signer-local.ts';
import type { ActivationDeps } from '../lambdas/domain/activations.ts';
import { activationCodeIn } from '../lambdas/domain/emails.ts';
import { createStores } from '../lambdas/store/index.ts';

/**
 * A DynamoDB client for benchmarks that asks for ReturnConsumedCapacity on every request and
 * records the units each call consumed, split into table and indexes (DynamoDB Local reports
 * what DynamoDB would charge, except that it over-reports transactions).
 */
export interface Call {
  command: string;
  read: number;
  table: number;
  index: number;
  byIndex: Record<string, number>;
  rejected: boolean;
}

type Consumed = {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
};

export const meteredClient = (endpoint: string) => {
  const raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const calls: Call[] = [];
  const db = documentClient({
    endpoint,
    region: 'us-east-1',
    credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
    around: async (command, input, next) => {
      const isRead = /^(Get|Query|BatchGet|TransactGet)/.test(command);
      try {
        const result = await next({ ...input, ReturnConsumedCapacity: 'INDEXES' });
        const consumed = result.ConsumedCapacity as Consumed | Consumed[] | undefined;
        const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
        let table = 0;
        let index = 0;
        let total = 0;
        const byIndex: Record<string, number> = {};
        for (const c of list) {
          total += c.CapacityUnits ?? 0;
          table += c.Table?.CapacityUnits ?? 0;
          for (const [name, gsi] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
            index += gsi.CapacityUnits ?? 0;
            byIndex[name] = (byIndex[name] ?? 0) + (gsi.CapacityUnits ?? 0);
          }
        }
        if (table === 0 && index === 0) table = total; // no breakdown given: all on the table
        calls.push(
          isRead
            ? { command, read: total, table: 0, index: 0, byIndex: {}, rejected: false }
            : { command, read: 0, table, index, byIndex, rejected: false },
        );
        return result;
      } catch (error) {
        // A cancelled transaction or failed condition reports no units on the error.
        calls.push({ command, read: 0, table: 0, index: 0, byIndex: {}, rejected: true });
        throw error;
      }
    },
  });
  return { raw, db, calls };
};

/** Read and write units of the calls recorded since `from`. */
export const unitsSince = (calls: readonly Call[], from: number) =>
  calls
    .slice(from)
    .reduce((sum, c) => ({ read: sum.read + c.read, write: sum.write + c.table + c.index }), {
      read: 0,
      write: 0,
    });

/**
 * A fresh in-memory DynamoDB Local behind a metered client, the stores on its `bench` table and
 * the activation use cases' dependencies (local signer, a mailer that keeps the last code), for
 * as long as `run` takes.
 */
export const withMeteredDomain = async <T>(
  run: (domain: {
    raw: DynamoDBClient;
    calls: Call[];
    stores: ReturnType<typeof createStores>;
    admin: {
      principal: { kind: 'system'; name: string };
      now: Date;
      ids: ReturnType<typeof idGenerator>;
    };
    deps: ActivationDeps;
    lastCode: () => string;
  }) => Promise<T>,
): Promise<T> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamo = await startDynamoDbLocal({});
  try {
    const { raw, db, calls } = meteredClient(dynamo.endpoint);
    await ensureTable(raw, 'bench');
    const stores = createStores(db, 'bench');
    const ids = idGenerator();
    let lastCode = '';
    const deps: ActivationDeps = {
      activations: stores.activations,
      licenses: stores.licenses,
      products: stores.products,
      customers: stores.customers,
      devices: deviceSignatures,
      mailer: {
        send: async (message) => {
          lastCode = activationCodeIn(message) ?? '';
        },
      },
      signer: localSigner({ privateKeyPem: generateSigningKeyPem() }),
      secrets: activationSecrets,
      ids,
      fileId: () => ids.next('evt'),
      now: () => new Date(),
      limits: { maxPending: 100, codeEmailsPerHour: 1000 },
    };
    const admin = { principal: { kind: 'system' as const, name: 'bench' }, now: new Date(), ids };
    return await run({ raw, calls, stores, admin, deps, lastCode: () => lastCode });
  } finally {
    await dynamo.stop();
  }
};
