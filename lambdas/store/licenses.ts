import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import { sha256Hex } from '../adapters/hash.ts';
import type { AuditEvent } from '../domain/audit.ts';
import { searchText } from '../domain/common.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import type { License, LicenseListFilter, LicenseStore } from '../domain/licenses.ts';
import type { Notice } from '../domain/notices.ts';
import type { SeatModel } from '../domain/pools.ts';
import { auditWrite } from './audit.ts';
import { batchGet } from './batch.ts';
import {
  absent,
  all,
  attributeIn,
  attributeIs,
  type Condition,
  exists,
  versionIs,
} from './conditions.ts';
import { nextCounterValue } from './counters.ts';
import { fromItem, replaceFields, toItem } from './items.ts';
import { keys, licenseKeys, lookupKeys, poolKeys, queueKeys } from './keys.ts';
import { lookupItem } from './lookups.ts';
import { type PageRequest, queryPage } from './pagination.ts';
import { transact, type Write } from './transact.ts';
import { noticeItem } from './upkeep.ts';

/** License keys are found by their hash, so no key appears as a database key. */
export const keyHash = sha256Hex;

const item = (l: License) =>
  toItem(
    'license',
    {
      ...licenseKeys.license(l.id),
      ...licenseKeys.list(l.productCode, l.createdAt, l.id),
      ...(l.customerId && l.projectId
        ? licenseKeys.customerList(l.customerId, l.projectId, l.productCode, l.createdAt, l.id)
        : {}),
      ...licenseKeys.ends(l.validTill, l.id),
      ...(l.customerId ? licenseKeys.customerEnds(l.customerId, l.validTill, l.id) : {}),
      // Queued for the expiry sweep until it recorded the end of this very validity.
      ...(l.validTill && l.status !== 'revoked' && l.expiryRecordedFor !== l.validTill
        ? queueKeys.expiry(l.validTill, l.id)
        : {}),
    },
    l,
    { search: searchText(l.key, l.serial, l.companyName, l.registeredEmail, l.productCode) },
  );

const activationsAtMost = (max: number): Condition => ({
  expression: '#activationCount <= :maxActivations',
  names: { '#activationCount': 'activationCount' },
  values: { ':maxActivations': max },
});

const unassigned: Condition = {
  expression: 'attribute_not_exists(#customerId)',
  names: { '#customerId': 'customerId' },
  values: {},
};

const countLicense = (key: { pk: string; sk: string }, what: string): Write => ({
  update: key,
  set: {
    expression: 'SET #licenseCount = #licenseCount + :one',
    names: { '#licenseCount': 'licenseCount' },
    values: { ':one': 1 },
  },
  condition: exists,
  onConflict: () =>
    new DomainError('VALIDATION_FAILED', `No such ${what}.`, {
      errors: [{ path: `body.${what}Id`, message: `No such ${what}` }],
    }),
});

/**
 * The license's entry in its pool, created with the pool on first use. `licensesVersion` moves
 * with every entry change, so a checkout can tell that the limit it computed is still current.
 */
const poolEntry = (l: License): Write[] => {
  if (!l.customerId || !l.projectId) return [];
  const list = poolKeys.customerList(l.customerId, l.projectId, l.productCode);
  const queue = queueKeys.pool(l.projectId, l.productCode);
  return [
    {
      update: poolKeys.pool(l.projectId, l.productCode),
      set: {
        expression:
          'SET #entry = :entry, #customerId = :customerId, #projectId = :projectId, ' +
          '#productCode = :productCode, #type = :type, ' +
          '#gsi3pk = :gsi3pk, #gsi3sk = :gsi3sk, ' +
          '#used = if_not_exists(#used, :zero), ' +
          '#licensesVersion = if_not_exists(#licensesVersion, :zero) + :one ' +
          // Pools written before the listing moved to its own item carried its index keys.
          'REMOVE #gsi2pk, #gsi2sk',
        names: {
          '#entry': poolKeys.licenseAttribute(l.id),
          '#customerId': 'customerId',
          '#projectId': 'projectId',
          '#productCode': 'productCode',
          '#gsi2pk': 'gsi2pk',
          '#gsi2sk': 'gsi2sk',
          '#gsi3pk': 'gsi3pk',
          '#gsi3sk': 'gsi3sk',
          '#type': '_type',
          '#used': 'used',
          '#licensesVersion': 'licensesVersion',
        },
        values: {
          ':entry': {
            seatLimit: l.seatLimit,
            status: l.status,
            validFrom: l.validFrom,
            ...(l.validTill ? { validTill: l.validTill } : {}),
          },
          ':customerId': l.customerId,
          ':projectId': l.projectId,
          ':productCode': l.productCode,
          ':gsi3pk': queue.gsi3pk,
          ':gsi3sk': queue.gsi3sk,
          ':type': 'pool',
          ':zero': 0,
          ':one': 1,
        },
      },
    },
    // The customer's pool listing is its own small item that seat traffic never writes, so
    // checkouts do not rewrite an index entry shared by all of a customer's pools.
    {
      put: toItem(
        'poolListing',
        { ...poolKeys.listing(l.projectId, l.productCode), ...list },
        { customerId: l.customerId, projectId: l.projectId, productCode: l.productCode },
      ),
    },
  ];
};

const emailLookups = (before: License, after: License): Write[] =>
  before.registeredEmail.toLowerCase() === after.registeredEmail.toLowerCase()
    ? []
    : [
        { remove: lookupKeys.lookup('email', before.registeredEmail, before.id) },
        { put: lookupItem('email', after.registeredEmail, after.id) },
      ];

/** Status filters as DynamoDB sees them; ISO-8601 UTC strings compare like the times they are. */
const storedIs = (status: string): Condition => attributeIs('status', status);
const startsAfter = (now: string): Condition => ({
  expression: '#validFrom > :now',
  names: { '#validFrom': 'validFrom' },
  values: { ':now': now },
});
const startedBy = (now: string): Condition => ({
  expression: '#validFrom <= :now',
  names: { '#validFrom': 'validFrom' },
  values: { ':now': now },
});
const endedBy = (now: string): Condition => ({
  expression: '#validTill <= :now',
  names: { '#validTill': 'validTill' },
  values: { ':now': now },
});
const notEndedBy = (now: string): Condition => ({
  expression: 'attribute_not_exists(#validTill) OR #validTill > :now',
  names: { '#validTill': 'validTill' },
  values: { ':now': now },
});

/** Each part names only the attributes it uses: DynamoDB refuses unused names and values. */
export const statusFilter = (
  status: LicenseListFilter['status'],
  now: Date,
): Condition | undefined => {
  const at = now.toISOString();
  switch (status) {
    case undefined:
      return undefined;
    case 'revoked':
    case 'suspended':
      return storedIs(status);
    case 'not_yet_valid':
      return all(storedIs('active'), startsAfter(at));
    case 'expired':
      return all(storedIs('active'), startedBy(at), endedBy(at));
    case 'active':
      return all(storedIs('active'), startedBy(at), notEndedBy(at));
  }
};

/** By end of validity, soonest first: every filter but the range is applied to what is read. */
const byEndRequest = (tableName: string, filter: LicenseListFilter): Omit<PageRequest, 'limit'> => {
  const conditions = [
    statusFilter(filter.status, filter.now),
    filter.productCode ? attributeIs('productCode', filter.productCode) : undefined,
    filter.projectId ? attributeIs('projectId', filter.projectId) : undefined,
    filter.projectIn ? attributeIn('projectId', filter.projectIn) : undefined,
  ].filter((c): c is Condition => c !== undefined);
  return {
    tableName,
    ...(filter.customerId
      ? { index: 'gsi5', partition: licenseKeys.customerEndsPartition(filter.customerId) }
      : { index: 'gsi4', partition: licenseKeys.endsPartition }),
    ...(filter.expiresBefore ? { sortBelow: new Date(filter.expiresBefore).toISOString() } : {}),
    ...(conditions.length > 0 ? { filter: all(...conditions) } : {}),
  };
};

const listRequest = (tableName: string, filter: LicenseListFilter): Omit<PageRequest, 'limit'> => {
  if (filter.sort === 'validTill' || filter.expiresBefore) return byEndRequest(tableName, filter);
  const status = statusFilter(filter.status, filter.now);
  const product: Condition | undefined =
    filter.customerId && !filter.projectId && filter.productCode
      ? attributeIs('productCode', filter.productCode)
      : undefined;
  const projects = filter.projectIn ? attributeIn('projectId', filter.projectIn) : undefined;
  const conditions = [status, product, projects].filter((c): c is Condition => c !== undefined);
  const base = {
    tableName,
    ...(conditions.length > 0 ? { filter: all(...conditions) } : {}),
    newestFirst: true,
  };
  if (filter.customerId) {
    const prefix = filter.projectId
      ? `${filter.projectId}#${filter.productCode ? `${filter.productCode}#` : ''}`
      : undefined;
    return {
      ...base,
      index: 'gsi2',
      partition: licenseKeys.customerListPartition(filter.customerId),
      ...(prefix ? { sortPrefix: prefix } : {}),
    };
  }
  return {
    ...base,
    index: 'gsi1',
    partition: licenseKeys.listPartition,
    ...(filter.productCode ? { sortPrefix: `${filter.productCode}#` } : {}),
  };
};

/**
 * The writes that issue a license: the license, its key index, lookups, product and project
 * counters, its pool entry, the audit event and the "issued" e-mail. Another transaction that
 * issues a license as part of its own change (a trial) writes these with its own items.
 */
export const issueWrites = (license: License, event: AuditEvent, notice?: Notice): Write[] => [
  ...(notice ? [{ put: noticeItem(notice), condition: absent }] : []),
  { put: item(license), condition: absent },
  {
    put: toItem('licenseKey', licenseKeys.byKey(keyHash(license.key)), {
      licenseId: license.id,
    }),
    condition: absent,
    onConflict: () => new DomainError('CONCURRENT_MODIFICATION', 'Key collision; retry.'),
  },
  { put: lookupItem('serial', license.serial, license.id) },
  { put: lookupItem('email', license.registeredEmail, license.id) },
  countLicense(keys.product(license.productCode), 'product'),
  ...(license.customerId && license.projectId
    ? [countLicense(keys.project(license.customerId, license.projectId), 'project')]
    : []),
  ...poolEntry(license),
  auditWrite(event),
];

export const licenseStore = (db: Db, tableName: string): LicenseStore => {
  const get = async (licenseId: string) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: licenseKeys.license(licenseId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem<License>(out.Item) : undefined;
  };
  const changedMeanwhile = (old: Record<string, unknown> | undefined) =>
    old
      ? new DomainError('CONCURRENT_MODIFICATION', 'The license changed meanwhile; retry.')
      : notFound('License');

  return {
    nextSerial: () => nextCounterValue(db, tableName, licenseKeys.serialCounter),

    issue: (license, event, notice) => transact(db, tableName, issueWrites(license, event, notice)),

    get,

    findByKey: async (key) => {
      const out = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: licenseKeys.byKey(keyHash(key)),
          ConsistentRead: true,
        }),
      );
      const licenseId = out.Item?.licenseId;
      return typeof licenseId === 'string' ? get(licenseId) : undefined;
    },

    lookup: async (kind, value, page) => {
      const result = await queryPage(db, {
        tableName,
        partition: lookupKeys.partition(kind, value),
        sortPrefix: lookupKeys.sortPrefix,
        limit: page.limit,
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
      const found = await batchGet(
        db,
        tableName,
        result.items.map((i) => licenseKeys.license(String(i.licenseId))),
      );
      const byId = new Map(found.map((i) => [String(i.id), fromItem<License>(i)]));
      return {
        items: result.items
          .map((i) => byId.get(String(i.licenseId)))
          .filter((l): l is License => l !== undefined),
        nextCursor: result.nextCursor,
      };
    },

    list: async (filter, page) => {
      const result = await queryPage(db, {
        ...listRequest(tableName, filter),
        limit: page.limit,
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
      return {
        items: result.items.map((i) => fromItem<License>(i)),
        nextCursor: result.nextCursor,
      };
    },

    replace: (before, after, event) =>
      transact(db, tableName, [
        {
          update: licenseKeys.license(before.id),
          set: replaceFields(item(before), item(after), ['activationCount']),
          condition: all(
            exists,
            versionIs(before.version),
            activationsAtMost(after.maxActivations),
          ),
          onConflict: (old) =>
            old && Number(old.activationCount) > after.maxActivations
              ? new DomainError(
                  'LIMIT_BELOW_USAGE',
                  'Activations rose above the new limit meanwhile.',
                )
              : changedMeanwhile(old),
        },
        ...poolEntry(after),
        ...emailLookups(before, after),
        auditWrite(event),
      ]),

    seatsOf: async (licenses) => {
      const [products, pools] = await Promise.all([
        batchGet(
          db,
          tableName,
          licenses.map((l) => keys.product(l.productCode)),
        ),
        batchGet(
          db,
          tableName,
          licenses.flatMap((l) => (l.projectId ? [poolKeys.pool(l.projectId, l.productCode)] : [])),
        ),
      ]);
      const models = new Map(products.map((p) => [String(p.code), p.seatModel as SeatModel]));
      const counters = new Map(
        pools.map((p) => [
          `${p.projectId}#${p.productCode}`,
          { used: Number(p.used ?? 0), assigned: Number(p.assigned ?? 0) },
        ]),
      );
      return new Map(
        licenses.map((l) => {
          const pool = counters.get(`${l.projectId}#${l.productCode}`);
          return [
            l.id,
            { seatModel: models.get(l.productCode) ?? 'instance', ...(pool ? { pool } : {}) },
          ];
        }),
      );
    },

    assign: (before, after, event) =>
      transact(db, tableName, [
        {
          update: licenseKeys.license(before.id),
          set: replaceFields(item(before), item(after), ['activationCount']),
          condition: all(exists, versionIs(before.version), unassigned),
          onConflict: (old) =>
            old?.customerId
              ? new DomainError(
                  'LICENSE_ALREADY_ASSIGNED',
                  'That license already belongs to an account.',
                )
              : changedMeanwhile(old),
        },
        countLicense(
          keys.project(after.customerId as string, after.projectId as string),
          'project',
        ),
        ...poolEntry(after),
        auditWrite(event),
      ]),
  };
};
