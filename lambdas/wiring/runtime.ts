import { systemClock } from '../adapters/clock.ts';
import { type Db, documentClient } from '../adapters/dynamodb.ts';
import { idGenerator } from '../adapters/ids.ts';
import { tokenSecrets } from '../adapters/token-secrets.ts';
import { config } from '../config.ts';

/**
 * Everything a handler needs, built once per cold start and only when first asked for, so a
 * function that never touches the table (meta) never builds a DynamoDB client.
 */
const build = () => {
  const cfg = config();
  const options = {
    region: cfg.AWS_REGION,
    ...(cfg.DYNAMODB_ENDPOINT ? { endpoint: cfg.DYNAMODB_ENDPOINT } : {}),
  };
  const db = documentClient(options);
  const built = new Map<unknown, unknown>();
  return {
    config: cfg,
    /** The same connection, for Powertools' idempotency records. */
    db,
    /**
     * One store, built on first use: `store(licenseStore)`. Each function imports the store
     * modules it calls and no others, so its bundle carries only those (ADR 0010).
     */
    store: <S>(factory: (db: Db, tableName: string) => S): S => {
      if (!built.has(factory)) built.set(factory, factory(db, cfg.TABLE_NAME));
      return built.get(factory) as S;
    },
    secrets: tokenSecrets,
    clock: systemClock,
    ids: idGenerator(),
  };
};

export type Runtime = ReturnType<typeof build>;

let cached: Runtime | undefined;

export const runtime = (): Runtime => {
  cached ??= build();
  return cached;
};
