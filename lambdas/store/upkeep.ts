import type { Db } from '../adapters/dynamodb.ts';
import {
  ConditionalCheckFailedException,
  DeleteCommand,
  PutCommand,
  UpdateCommand,
} from '../adapters/dynamodb.ts';
import { sha256Hex } from '../adapters/hash.ts';
import { isDomainError } from '../domain/errors.ts';
import type {
  ActivationUpkeepStore,
  ExpiryStore,
  Notice,
  NoticeStore,
  OfflineRenewalStore,
  ReminderKey,
} from '../domain/upkeep.ts';
import { auditWrite } from './audit.ts';
import {
  absent,
  all,
  attributeIs,
  below,
  conditionally,
  conditioned,
  toParams,
} from './conditions.ts';
import { toItem } from './items.ts';
import { activationKeys, licenseKeys, noticeKeys, parseKeys, queueKeys } from './keys.ts';
import { queueReader } from './queues.ts';
import { transact } from './transact.ts';

const DAY_S = 86_400;
/** Sent notices and reminder claims are kept 400 days (past any yearly renewal), then TTL. */
const keepFor = (now: Date) => Math.floor(now.getTime() / 1000) + 400 * DAY_S;

export const noticeItem = (notice: Notice) =>
  toItem(
    'notice',
    { ...noticeKeys.notice(notice.id), ...queueKeys.notice(notice.createdAt, notice.id) },
    notice,
  );

export const expiryStore = (db: Db, tableName: string): ExpiryStore => {
  const queues = queueReader(db, tableName);
  return {
    async *dueExpiries(now) {
      for await (const e of queues.entries(queueKeys.expiryPartition, {
        below: now.toISOString(),
      })) {
        yield { licenseId: parseKeys.id(e.pk, 'LICENSE') };
      }
    },
    async *upcomingExpiries(from, to) {
      const range = { from: from.toISOString(), below: to.toISOString() };
      for await (const e of queues.entries(queueKeys.expiryPartition, range)) {
        yield { licenseId: parseKeys.id(e.pk, 'LICENSE') };
      }
    },
    recordExpiry: async (license, event, notice) => {
      try {
        await transact(db, tableName, [
          {
            update: licenseKeys.license(license.id),
            set: {
              expression: 'SET #recorded = :validTill REMOVE #gsi3pk, #gsi3sk',
              names: { '#recorded': 'expiryRecordedFor', '#gsi3pk': 'gsi3pk', '#gsi3sk': 'gsi3sk' },
              values: { ':validTill': license.validTill },
            },
            condition: {
              expression:
                '#validTill = :validTill AND (attribute_not_exists(#recorded) OR #recorded <> :validTill)',
              names: { '#validTill': 'validTill', '#recorded': 'expiryRecordedFor' },
              values: { ':validTill': license.validTill },
            },
          },
          auditWrite(event),
          { put: noticeItem(notice), condition: absent },
        ]);
        return true;
      } catch (error) {
        if (isDomainError(error)) return false; // changed or recorded meanwhile: nothing to do
        throw error;
      }
    },
    dequeue: async (license) => {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: licenseKeys.license(license.id),
          UpdateExpression: 'REMOVE #gsi3pk, #gsi3sk',
          ExpressionAttributeNames: { '#gsi3pk': 'gsi3pk', '#gsi3sk': 'gsi3sk' },
        }),
      );
    },
  };
};

const reminderKey = (k: ReminderKey) =>
  noticeKeys.reminder(k.licenseId, k.validTill, k.offsetDays, sha256Hex(k.recipient.toLowerCase()));

export const noticeStore = (db: Db, tableName: string): NoticeStore => {
  const queues = queueReader(db, tableName);
  const move = (
    notice: Notice,
    from: Notice['state'],
    set: Record<string, unknown>,
    queued: boolean,
  ) => {
    const names: Record<string, string> = {
      '#state': 'state',
      '#gsi3pk': 'gsi3pk',
      '#gsi3sk': 'gsi3sk',
    };
    const values: Record<string, unknown> = {};
    const sets = Object.entries(set).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    if (queued) {
      const q = queueKeys.notice(notice.createdAt, notice.id);
      values[':qpk'] = q.gsi3pk;
      values[':qsk'] = q.gsi3sk;
      sets.push('#gsi3pk = :qpk', '#gsi3sk = :qsk');
    }
    return conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: noticeKeys.notice(notice.id),
          UpdateExpression: `SET ${sets.join(', ')}${queued ? '' : ' REMOVE #gsi3pk, #gsi3sk'}`,
          ...conditioned(attributeIs('state', from), {
            names,
            values,
          }),
        }),
      ),
    );
  };
  return {
    async *pending() {
      for await (const e of queues.entries(queueKeys.noticePartition)) {
        yield { noticeId: parseKeys.id(e.pk, 'NOTICE') };
      }
    },
    claim: async (noticeId, now) => {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: noticeKeys.notice(noticeId),
            UpdateExpression: 'SET #state = :sending, #claimedAt = :now REMOVE #gsi3pk, #gsi3sk',
            ...conditioned(attributeIs('state', 'pending'), {
              names: {
                '#state': 'state',
                '#claimedAt': 'claimedAt',
                '#gsi3pk': 'gsi3pk',
                '#gsi3sk': 'gsi3sk',
              },
              values: { ':sending': 'sending', ':now': now.toISOString() },
            }),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return out.Attributes as Notice | undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
    finish: async (notice, now) => {
      await move(
        notice,
        'sending',
        { state: 'sent', sentAt: now.toISOString(), ttl: keepFor(now) },
        false,
      );
    },
    giveBack: async (notice, now, giveUp) => {
      await move(
        notice,
        'sending',
        giveUp
          ? {
              state: 'failed',
              failedAt: now.toISOString(),
              attempts: notice.attempts + 1,
              ttl: keepFor(now),
            }
          : { state: 'pending', attempts: notice.attempts + 1 },
        !giveUp,
      );
    },
    claimReminder: (key, now) =>
      conditionally(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...reminderKey(key),
              _type: 'reminder',
              state: 'sending',
              offsetDays: key.offsetDays,
              claimedAt: now.toISOString(),
              ttl: keepFor(now),
            },
            ...toParams(absent),
          }),
        ),
      ),
    finishReminder: async (key, now, state) => {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: reminderKey(key),
          UpdateExpression: 'SET #state = :sent, #sentAt = :now',
          ExpressionAttributeNames: { '#state': 'state', '#sentAt': 'sentAt' },
          ExpressionAttributeValues: { ':sent': state, ':now': now.toISOString() },
        }),
      );
    },
    dropReminder: async (key) => {
      await db.send(new DeleteCommand({ TableName: tableName, Key: reminderKey(key) }));
    },
  };
};

export const activationUpkeepStore = (db: Db, tableName: string): ActivationUpkeepStore => {
  const queues = queueReader(db, tableName);
  return {
    async *abandoned(cut) {
      for await (const e of queues.entries(queueKeys.pendingActivationPartition, {
        below: cut.toISOString(),
      })) {
        yield { activationId: parseKeys.id(e.pk, 'ACTIVATION') };
      }
    },
    removeAbandoned: (activationId, cut) =>
      conditionally(() =>
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: activationKeys.activation(activationId),
            ...conditioned(
              all(attributeIs('status', 'pending'), below('codeExpiresAt', cut.toISOString())),
            ),
          }),
        ),
      ),
  };
};

export const offlineRenewalStore = (db: Db, tableName: string): OfflineRenewalStore => {
  const queues = queueReader(db, tableName);
  return {
    async *dueRenewals(to) {
      for await (const e of queues.entries(queueKeys.offlineRenewalPartition, {
        below: to.toISOString(),
      })) {
        const entry = parseKeys.offlineRenewalEntry(e.gsi3sk);
        if (entry) yield entry;
      }
    },
    dropRenewal: async (activationId, refreshBy) => {
      await conditionally(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: activationKeys.activation(activationId),
            UpdateExpression: 'REMOVE #gsi3pk, #gsi3sk',
            ...conditioned(
              attributeIs('gsi3sk', queueKeys.offlineRenewal(refreshBy, activationId).gsi3sk),
              { names: { '#gsi3pk': 'gsi3pk', '#gsi3sk': 'gsi3sk' }, values: {} },
            ),
          }),
        ),
      );
    },
  };
};
