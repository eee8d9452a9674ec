import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

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
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'INDEXES';
      const command = (context.commandName ?? '').replace(/Command$/, '');
      const isRead = /^(Get|Query|BatchGet|TransactGet)/.test(command);
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] })
          .ConsumedCapacity;
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
    { step: 'initialize', name: 'consumedCapacity' },
  );
  return { raw, calls };
};

/** Read and write units of the calls recorded since `from`. */
export const unitsSince = (calls: readonly Call[], from: number) =>
  calls
    .slice(from)
    .reduce((sum, c) => ({ read: sum.read + c.read, write: sum.write + c.table + c.index }), {
      read: 0,
      write: 0,
    });
