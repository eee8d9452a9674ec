/**
 * The single description of Tessera's DynamoDB table. CDK builds the real table from it and the
 * local runtime creates the DynamoDB Local table from it, so the two can never drift apart.
 * Pure data: no SDK or CDK imports, so both sides can read it.
 */
export interface KeyDefinition {
  partitionKey: string;
  sortKey: string;
}

export interface IndexDefinition extends KeyDefinition {
  indexName: string;
  /**
   * `ALL` for listings that show the items; `KEYS_ONLY` for work queues, so an update to a
   * non-key attribute (a seat counter) never writes to the index.
   */
  projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDefinition extends KeyDefinition {
  /** Logical name; the physical name is chosen by CloudFormation or by the local runtime. */
  logicalName: string;
  globalSecondaryIndexes: readonly IndexDefinition[];
  /** Epoch seconds; DynamoDB TTL only garbage-collects, it never enforces anything. */
  timeToLiveAttribute: string;
}

export const tableDefinition = {
  logicalName: 'Tessera',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    // "All items of a kind" listings (products, customers, tokens, audit), sorted by gsi1sk.
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    // "Everything of one customer" listings (tokens and audit events of a tenant).
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
    // Work queues of the scheduled jobs, sparse and keys only: leases by expiry (sharded),
    // licenses by end of validity, pending activations by code expiry, notices to send, pools.
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'KEYS_ONLY' },
    // Licenses by end of validity, vendor-wide ("which licenses end before …, soonest first").
    { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: 'ALL' },
    // Licenses by end of validity within one customer.
    { indexName: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: 'ALL' },
  ],
  timeToLiveAttribute: 'ttl',
} as const satisfies TableDefinition;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];
