/**
 * Every DynamoDB key Tessera writes is built here, so the item layout can be read in one place.
 * See docs/adr/0002-single-table-design.md for the access patterns behind it.
 */
import { tableDefinition } from './table-definition.ts';

/**
 * Attributes that exist for the database, not the domain: the table's and every index's keys,
 * the item type, the search text and the TTL. `fromItem` strips exactly these, so an index added
 * to the table definition can never leak into an answer.
 */
export const storageAttributes: readonly string[] = [
  tableDefinition.partitionKey,
  tableDefinition.sortKey,
  ...tableDefinition.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  tableDefinition.timeToLiveAttribute,
  '_type',
  'search',
];
export interface PrimaryKey extends Record<string, string> {
  pk: string;
  sk: string;
}

const LIST = {
  products: 'PRODUCTS',
  customers: 'CUSTOMERS',
  tokens: 'TOKENS',
  audit: 'AUDIT',
} as const;

export const keys = {
  product: (code: string): PrimaryKey => ({ pk: `PRODUCT#${code}`, sk: 'PRODUCT' }),
  productList: (code: string) => ({ gsi1pk: LIST.products, gsi1sk: code }),
  productListPartition: LIST.products,

  customer: (customerId: string): PrimaryKey => ({ pk: `CUSTOMER#${customerId}`, sk: 'CUSTOMER' }),
  /** Customers by contact e-mail (not unique: two customers may share a contact). */
  contact: (email: string, customerId: string): PrimaryKey => ({
    pk: `CONTACT#${email.toLowerCase()}`,
    sk: `CUSTOMER#${customerId}`,
  }),
  contactPartition: (email: string) => `CONTACT#${email.toLowerCase()}`,
  customerList: (nameLower: string, customerId: string) => ({
    gsi1pk: LIST.customers,
    gsi1sk: `${nameLower}#${customerId}`,
  }),
  customerListPartition: LIST.customers,

  project: (customerId: string, projectId: string): PrimaryKey => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `PROJECT#${projectId}`,
  }),
  projectPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  projectSortPrefix: 'PROJECT#',

  token: (tokenId: string): PrimaryKey => ({ pk: `TOKEN#${tokenId}`, sk: 'TOKEN' }),
  tokenList: (createdAt: string, tokenId: string) => ({
    gsi1pk: LIST.tokens,
    gsi1sk: `${createdAt}#${tokenId}`,
  }),
  tokenListPartition: LIST.tokens,
  customerTokens: (customerId: string, createdAt: string, tokenId: string) => ({
    gsi2pk: `CUSTOMER#${customerId}#TOKENS`,
    gsi2sk: `${createdAt}#${tokenId}`,
  }),
  customerTokensPartition: (customerId: string) => `CUSTOMER#${customerId}#TOKENS`,

  auditEvent: (entityType: string, entityId: string, at: string, eventId: string) => ({
    pk: `AUDIT#${entityType}#${entityId}`,
    sk: `${at}#${eventId}`,
    gsi1pk: LIST.audit,
    gsi1sk: `${at}#${eventId}`,
  }),
  auditEntityPartition: (entityType: string, entityId: string) => `AUDIT#${entityType}#${entityId}`,
  auditListPartition: LIST.audit,
  customerAudit: (customerId: string, at: string, eventId: string) => ({
    gsi2pk: `CUSTOMER#${customerId}#AUDIT`,
    gsi2sk: `${at}#${eventId}`,
  }),
  customerAuditPartition: (customerId: string) => `CUSTOMER#${customerId}#AUDIT`,
} as const;

/**
 * People who sign in: by id; listed vendor-wide and per customer; claimed once per e-mail and
 * once per identity-provider subject (`sub`), so neither can belong to two people.
 */
export const personKeys = {
  person: (personId: string): PrimaryKey => ({ pk: `PERSON#${personId}`, sk: 'PERSON' }),
  list: (createdAt: string, personId: string) => ({
    gsi1pk: 'PEOPLE',
    gsi1sk: `${createdAt}#${personId}`,
  }),
  listPartition: 'PEOPLE',
  customerList: (customerId: string, createdAt: string, personId: string) => ({
    gsi2pk: `CUSTOMER#${customerId}#PEOPLE`,
    gsi2sk: `${createdAt}#${personId}`,
  }),
  customerListPartition: (customerId: string) => `CUSTOMER#${customerId}#PEOPLE`,
  email: (email: string): PrimaryKey => ({
    pk: `PERSONEMAIL#${email.trim().toLowerCase()}`,
    sk: 'PERSONEMAIL',
  }),
  subject: (subject: string): PrimaryKey => ({
    pk: `PERSONSUBJECT#${subject}`,
    sk: 'PERSONSUBJECT',
  }),
} as const;

/** Sorts after every ISO-8601 time: where licenses without an end go in "by end" listings. */
const PERPETUAL = '9999-12-31T23:59:59.999Z';

/**
 * Exact lookups support staff rely on: one small item per (what was typed, license), written in
 * the transaction that sets the value. Values are trimmed and lower-cased.
 */
export const lookupKinds = ['serial', 'email', 'instance'] as const;
export type LookupKind = (typeof lookupKinds)[number];
export const lookupKeys = {
  lookup: (kind: LookupKind, value: string, licenseId: string): PrimaryKey => ({
    pk: `LOOKUP#${kind}#${value.trim().toLowerCase()}`,
    sk: `LICENSE#${licenseId}`,
  }),
  partition: (kind: LookupKind, value: string) => `LOOKUP#${kind}#${value.trim().toLowerCase()}`,
  sortPrefix: 'LICENSE#',
} as const;

/** Licenses: by id; by key hash (import, activation); listed per product and per customer. */
export const licenseKeys = {
  license: (licenseId: string): PrimaryKey => ({ pk: `LICENSE#${licenseId}`, sk: 'LICENSE' }),
  list: (productCode: string, createdAt: string, licenseId: string) => ({
    gsi1pk: 'LICENSES',
    gsi1sk: `${productCode}#${createdAt}#${licenseId}`,
  }),
  listPartition: 'LICENSES',
  customerList: (
    customerId: string,
    projectId: string,
    productCode: string,
    createdAt: string,
    licenseId: string,
  ) => ({
    gsi2pk: `CUSTOMER#${customerId}#LICENSES`,
    gsi2sk: `${projectId}#${productCode}#${createdAt}#${licenseId}`,
  }),
  customerListPartition: (customerId: string) => `CUSTOMER#${customerId}#LICENSES`,
  /**
   * By end of validity, soonest first; perpetual licenses sort after every date. Vendor-wide on
   * gsi4, per customer on gsi5 (unassigned licenses are vendor-wide only).
   */
  ends: (validTill: string | undefined, licenseId: string) => ({
    gsi4pk: 'LICENSES#ENDS',
    gsi4sk: `${validTill ?? PERPETUAL}#${licenseId}`,
  }),
  endsPartition: 'LICENSES#ENDS',
  customerEnds: (customerId: string, validTill: string | undefined, licenseId: string) => ({
    gsi5pk: `CUSTOMER#${customerId}#LICENSES#ENDS`,
    gsi5sk: `${validTill ?? PERPETUAL}#${licenseId}`,
  }),
  customerEndsPartition: (customerId: string) => `CUSTOMER#${customerId}#LICENSES#ENDS`,
  /** Keyed by the key's SHA-256 so the key itself never shows up as a partition key. */
  byKey: (keyHash: string): PrimaryKey => ({ pk: `LICENSEKEY#${keyHash}`, sk: 'LICENSEKEY' }),
  serialCounter: { pk: 'COUNTER#licenseSerial', sk: 'COUNTER' } as PrimaryKey,
} as const;

/** Activations: by id; listed per license; a license's fingerprint bound to its active activation. */
export const activationKeys = {
  activation: (activationId: string): PrimaryKey => ({
    pk: `ACTIVATION#${activationId}`,
    sk: 'ACTIVATION',
  }),
  list: (licenseId: string, createdAt: string, activationId: string) => ({
    gsi1pk: `LICENSE#${licenseId}#ACTIVATIONS`,
    gsi1sk: `${createdAt}#${activationId}`,
  }),
  listPartition: (licenseId: string) => `LICENSE#${licenseId}#ACTIVATIONS`,
  binding: (licenseId: string, fingerprintHash: string): PrimaryKey => ({
    pk: `LICENSE#${licenseId}`,
    sk: `FINGERPRINT#${fingerprintHash}`,
  }),
  /**
   * One of a license's few places for a pending activation: held until the code expires (resends
   * extend it), freed when the activation completes or locks. A full set refuses new starts.
   */
  pendingSlot: (licenseId: string, slot: number): PrimaryKey => ({
    pk: `LICENSE#${licenseId}`,
    sk: `PENDING#${slot}`,
  }),
  licensePartition: (licenseId: string) => `LICENSE#${licenseId}`,
  pendingSlotPrefix: 'PENDING#',
  /** Code e-mails sent for a license in one clock hour (`2026-11-30T10`). */
  codeEmails: (licenseId: string, hour: string): PrimaryKey => ({
    pk: `LICENSE#${licenseId}`,
    sk: `CODEMAILS#${hour}`,
  }),
  /** An activation request file taken in (by its digest): a file activates once. */
  offlineRequest: (digest: string): PrimaryKey => ({
    pk: `OFFLINEREQ#${digest}`,
    sk: 'OFFLINEREQ',
  }),
} as const;

/**
 * Pools: one item per (project, product). Each license of the pool is one `lic#<id>` attribute
 * (seat limit, status, validity), written in the same transaction as the license itself, so
 * the limit computed at checkout is never stale. A separate listing item in the same partition
 * lists the pool per customer for the entitlements view.
 */
export const poolKeys = {
  pool: (projectId: string, productCode: string): PrimaryKey => ({
    pk: `POOL#${projectId}#${productCode}`,
    sk: 'POOL',
  }),
  /** Lists the pool for its customer; seat traffic never writes it. */
  listing: (projectId: string, productCode: string): PrimaryKey => ({
    pk: `POOL#${projectId}#${productCode}`,
    sk: 'LISTING',
  }),
  customerList: (customerId: string, projectId: string, productCode: string) => ({
    gsi2pk: `CUSTOMER#${customerId}#POOLS`,
    gsi2sk: `${projectId}#${productCode}`,
  }),
  customerListPartition: (customerId: string) => `CUSTOMER#${customerId}#POOLS`,
  licenseAttribute: (licenseId: string) => `lic#${licenseId}`,
  licenseAttributePrefix: 'lic#',
} as const;

/** Concurrent seat leases live in their pool's partition, one item per session. */
export const leaseKeys = {
  lease: (projectId: string, productCode: string, sessionId: string): PrimaryKey => ({
    pk: `POOL#${projectId}#${productCode}`,
    sk: `LEASE#${sessionId}`,
  }),
  sortPrefix: 'LEASE#',
} as const;

/**
 * On-site relays (domain/relays.ts): the relay item, its listing per project, and its allotments,
 * one per pool it draws from, in the pool's partition (beside its leases) and listed per relay.
 */
export const relayKeys = {
  relay: (relayId: string): PrimaryKey => ({ pk: `RELAY#${relayId}`, sk: 'RELAY' }),
  byProject: (projectId: string, createdAt: string, relayId: string) => ({
    gsi1pk: `PROJECT#${projectId}#RELAYS`,
    gsi1sk: `${createdAt}#${relayId}`,
  }),
  projectPartition: (projectId: string) => `PROJECT#${projectId}#RELAYS`,
  /** Every customer's relays, newest first: the vendor's staff listing (a small collection). */
  everywhere: (createdAt: string, relayId: string) => ({
    gsi2pk: 'RELAYS',
    gsi2sk: `${createdAt}#${relayId}`,
  }),
  everywherePartition: 'RELAYS',
  allotment: (projectId: string, productCode: string, relayId: string): PrimaryKey => ({
    pk: `POOL#${projectId}#${productCode}`,
    sk: `ALLOT#${relayId}`,
  }),
  allotmentSortPrefix: 'ALLOT#',
  ofRelay: (relayId: string, projectId: string, productCode: string) => ({
    gsi1pk: `RELAY#${relayId}#ALLOTMENTS`,
    gsi1sk: `${projectId}#${productCode}`,
  }),
  relayPartition: (relayId: string) => `RELAY#${relayId}#ALLOTMENTS`,
} as const;

/**
 * Spreads the lease queue over index partitions by session, so one busy pool's heartbeats (each
 * moves its lease in the queue) are shared out instead of landing on one index key.
 */
export const LEASE_QUEUE_SHARDS = 8;

const shardOf = (value: string) => {
  let h = 0;
  for (const c of value) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % LEASE_QUEUE_SHARDS;
};

/**
 * The scheduled jobs' work queues on gsi3 (sparse, keys only). An item is in a queue while it has
 * these attributes; the job that finishes with it removes them in the same write.
 */
export const queueKeys = {
  /** Leases by expiry: the seat reaper reads the ones that ran out. */
  lease: (projectId: string, productCode: string, sessionId: string, expiresAt: string) => ({
    gsi3pk: `QUEUE#LEASES#${shardOf(`${projectId}#${productCode}#${sessionId}`)}`,
    gsi3sk: `${expiresAt}#${projectId}#${productCode}#${sessionId}`,
  }),
  leasePartitions: Array.from({ length: LEASE_QUEUE_SHARDS }, (_, i) => `QUEUE#LEASES#${i}`),
  /** Every pool, for reconciliation; constant keys, so counter updates never touch the index. */
  pool: (projectId: string, productCode: string) => ({
    gsi3pk: 'QUEUE#POOLS',
    gsi3sk: `${projectId}#${productCode}`,
  }),
  poolPartition: 'QUEUE#POOLS',
  /** Licenses with an end date whose expiry is not yet recorded, by end of validity. */
  expiry: (validTill: string, licenseId: string) => ({
    gsi3pk: 'QUEUE#EXPIRY',
    gsi3sk: `${validTill}#${licenseId}`,
  }),
  expiryPartition: 'QUEUE#EXPIRY',
  /** Pending activations by code expiry, for cleanup. */
  pendingActivation: (codeExpiresAt: string, activationId: string) => ({
    gsi3pk: 'QUEUE#PENDING',
    gsi3sk: `${codeExpiresAt}#${activationId}`,
  }),
  pendingActivationPartition: 'QUEUE#PENDING',
  /** E-mails to send (transactional outbox), by creation. */
  notice: (createdAt: string, noticeId: string) => ({
    gsi3pk: 'QUEUE#NOTICES',
    gsi3sk: `${createdAt}#${noticeId}`,
  }),
  noticePartition: 'QUEUE#NOTICES',
  /** Relay allotments by expiry: the seat reaper returns the seats of those not renewed. */
  allotment: (expiresAt: string, projectId: string, productCode: string, relayId: string) => ({
    gsi3pk: 'QUEUE#ALLOTMENTS',
    gsi3sk: `${expiresAt}#${projectId}#${productCode}#${relayId}`,
  }),
  allotmentPartition: 'QUEUE#ALLOTMENTS',
  /** Offline devices by the refresh-by of their newest file: the renewal reminders. */
  offlineRenewal: (refreshBy: string, activationId: string) => ({
    gsi3pk: 'QUEUE#OFFLINE_RENEWALS',
    gsi3sk: `${refreshBy}#${activationId}`,
  }),
  offlineRenewalPartition: 'QUEUE#OFFLINE_RENEWALS',
  attributes: ['gsi3pk', 'gsi3sk'] as const,
} as const;

/**
 * Trials: one item per customer and product in the customer's partition, so the key itself
 * refuses a second request; listed vendor-wide by status (the approval queue) on gsi1.
 */
export const trialKeys = {
  trial: (customerId: string, productCode: string): PrimaryKey => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `TRIAL#${productCode}`,
  }),
  customerPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  sortPrefix: 'TRIAL#',
  byStatus: (status: string, requestedAt: string, customerId: string, productCode: string) => ({
    gsi1pk: `TRIALS#${status}`,
    gsi1sk: `${requestedAt}#${customerId}#${productCode}`,
  }),
  statusPartition: (status: string) => `TRIALS#${status}`,
} as const;

/**
 * Support tickets: the ticket and its thread in one partition; listed per customer (newest
 * first) and, for the vendor's agents, by status (most recently changed first); counters by
 * status per customer and per requester, for the portal's charts.
 */
export const ticketKeys = {
  ticket: (ticketId: string): PrimaryKey => ({ pk: `TICKET#${ticketId}`, sk: 'TICKET' }),
  message: (ticketId: string, at: string, messageId: string): PrimaryKey => ({
    pk: `TICKET#${ticketId}`,
    sk: `MSG#${at}#${messageId}`,
  }),
  partition: (ticketId: string) => `TICKET#${ticketId}`,
  messagePrefix: 'MSG#',
  customerList: (customerId: string, createdAt: string, ticketId: string) => ({
    gsi2pk: `CUSTOMER#${customerId}#TICKETS`,
    gsi2sk: `${createdAt}#${ticketId}`,
  }),
  customerListPartition: (customerId: string) => `CUSTOMER#${customerId}#TICKETS`,
  queue: (status: string, updatedAt: string, ticketId: string) => ({
    gsi1pk: `TICKETS#${status}`,
    gsi1sk: `${updatedAt}#${ticketId}`,
  }),
  queuePartition: (status: string) => `TICKETS#${status}`,
  stats: (customerId: string, requesterId?: string): PrimaryKey => ({
    pk: `CUSTOMER#${customerId}`,
    sk: requesterId ? `TICKETSTATS#${requesterId}` : 'TICKETSTATS',
  }),
  numberCounter: { pk: 'COUNTER#ticketNumber', sk: 'COUNTER' } as PrimaryKey,
  /** A ticket by its number (`T000042`): how a reply by e-mail finds it. */
  byNumber: (number: string): PrimaryKey => ({ pk: `TICKETNO#${number}`, sk: 'TICKETNO' }),
  /** One per e-mail taken in (its Message-ID, hashed): a redelivery is recognised, never doubled. */
  mailSeen: (messageIdHash: string): PrimaryKey => ({ pk: `MAIL#${messageIdHash}`, sk: 'MAIL' }),
} as const;

/** Outbox notices and the once-only markers of reminders. */
export const noticeKeys = {
  notice: (noticeId: string): PrimaryKey => ({ pk: `NOTICE#${noticeId}`, sk: 'NOTICE' }),
  /** One per license, end date, offset and recipient: its existence means "claimed". */
  reminder: (licenseId: string, validTill: string, offsetDays: number, recipientHash: string) => ({
    pk: `LICENSE#${licenseId}`,
    sk: `REMINDER#${validTill}#${offsetDays}#${recipientHash}`,
  }),
} as const;

/** Named seats: one assignment item per user in the pool's partition. */
export const assignmentKeys = {
  assignment: (projectId: string, productCode: string, userHash: string): PrimaryKey => ({
    pk: `POOL#${projectId}#${productCode}`,
    sk: `ASSIGN#${userHash}`,
  }),
  sortPrefix: 'ASSIGN#',
} as const;

/**
 * Powertools' idempotency records: one partition per function (its static partition key), the
 * hashed request key as sort key; DynamoDB TTL removes them after a day.
 */
export const idempotencyKeys = {
  partition: (functionName: string) => `IDEMPOTENCY#${functionName}`,
} as const;

/** The last run of each scheduled job, one item per job, for `npm run status`. */
/**
 * The dashboard's figures. Daily counts are spread over a few shards per day, so a burst of
 * refused checkouts adds to several items instead of queueing on one; a reader sums them. The
 * fullest pools are one snapshot item, rewritten by the seat reconciliation job.
 */
export const STATS_SHARDS = 4;
export const statsKeys = {
  dayPartition: 'STATS#DAYS',
  day: (date: string, shard: number): PrimaryKey => ({ pk: 'STATS#DAYS', sk: `${date}#${shard}` }),
  fullestPools: (): PrimaryKey => ({ pk: 'STATS', sk: 'FULLEST_POOLS' }),
} as const;

export const jobRunKeys = {
  partition: 'JOBRUNS',
  run: (job: string): PrimaryKey => ({ pk: 'JOBRUNS', sk: `JOB#${job}` }),
} as const;

/**
 * Reading keys back: the only place that knows how the key strings above are put together.
 * Each answers undefined for a key of another shape.
 */
export const parseKeys = {
  /** An offline renewal's queue entry, `<refreshBy>#<activationId>`. */
  offlineRenewalEntry: (gsi3sk: string) => {
    const at = gsi3sk.indexOf('#');
    if (at <= 0 || at === gsi3sk.length - 1) return undefined;
    return { refreshBy: gsi3sk.slice(0, at), activationId: gsi3sk.slice(at + 1) };
  },
  /** A lease's queue entry, `<expiresAt>#<projectId>#<productCode>#<sessionId>` (ids may hold `#`). */
  leaseEntry: (gsi3sk: string) => {
    const [expiresAt, projectId, productCode, ...rest] = gsi3sk.split('#');
    if (!expiresAt || !projectId || !productCode || rest.length === 0) return undefined;
    return { expiresAt, projectId, productCode, sessionId: rest.join('#') };
  },
  /** An allotment's queue entry, `<expiresAt>#<projectId>#<productCode>#<relayId>`. */
  allotmentEntry: (gsi3sk: string) => {
    const [expiresAt, projectId, productCode, relayId] = gsi3sk.split('#');
    if (!expiresAt || !projectId || !productCode || !relayId) return undefined;
    return { expiresAt, projectId, productCode, relayId };
  },
  /** A pool's partition key, `POOL#<projectId>#<productCode>`. */
  pool: (pk: string) => {
    const [kind, projectId, productCode] = pk.split('#');
    return kind === 'POOL' && projectId && productCode ? { projectId, productCode } : undefined;
  },
  /** The id in an item's partition key: `LICENSE#lic_…` → `lic_…` for kind `LICENSE`. */
  id: (pk: string, kind: 'LICENSE' | 'NOTICE' | 'ACTIVATION') =>
    pk.startsWith(`${kind}#`) ? pk.slice(kind.length + 1) : '',
} as const;
