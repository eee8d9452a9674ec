import { systemClock } from '../adapters/clock.ts';
import { documentClient } from '../adapters/dynamodb.ts';
import { idGenerator } from '../adapters/ids.ts';
import { tokenSecrets } from '../adapters/token-secrets.ts';
import { config } from '../config.ts';
import { createStores } from '../store/index.ts';

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
  return {
    config: cfg,
    /** The same connection, for Powertools' idempotency records. */
    db,
    stores: createStores(db, cfg.TABLE_NAME),
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
