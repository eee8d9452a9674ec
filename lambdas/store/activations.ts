import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../adapters/dynamodb.ts';
import { sha256Hex } from '../adapters/hash.ts';
import type { Activation, ActivationStore } from '../domain/activations.ts';
import { DomainError } from '../domain/errors.ts';
import { auditWrite } from './audit.ts';
import { absent, all, type Condition, exists } from './conditions.ts';
import { fromItem, toItem } from './items.ts';
import { activationKeys, licenseKeys, queueKeys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { transact, type Write } from './transact.ts';

const fingerprintHash = sha256Hex;

const item = (a: Activation, ttlSeconds?: number) =>
  toItem(
    'activation',
    {
      ...activationKeys.activation(a.id),
      ...activationKeys.list(a.licenseId, a.createdAt, a.id),
      // Queued for cleanup while pending; finishing or failing takes it out (moveActivation).
      ...(a.status === 'pending' && a.codeExpiresAt
        ? queueKeys.pendingActivation(a.codeExpiresAt, a.id)
        : {}),
    },
    a,
    {
      ...(ttlSeconds ? { ttl: ttlSeconds } : {}),
    },
  );

const statusIs = (status: string): Condition => ({
  expression: '#status = :expectedStatus',
  names: { '#status': 'status' },
  values: { ':expectedStatus': status },
});

const boundTo = (activationId: string): Condition => ({
  expression: '#activationId = :boundActivation',
  names: { '#activationId': 'activationId' },
  values: { ':boundActivation': activationId },
});

const notPending = () =>
  new DomainError('ACTIVATION_NOT_PENDING', 'This activation is no longer pending.');

/** pending → active (or active → ended) on the activation item, only from the expected status. */
const moveActivation = (
  a: Activation,
  from: string,
  set: Record<string, unknown>,
  remove: string[] = [],
): Write => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(set).map(([field, value], i) => {
    names[`#s${i}`] = field;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const removes = [...remove, ...queueKeys.attributes].map((field, i) => {
    names[`#r${i}`] = field;
    return `#r${i}`;
  });
  return {
    update: activationKeys.activation(a.id),
    set: {
      expression: `SET ${parts.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      names,
      values,
    },
    condition: all(exists, statusIs(from)),
    onConflict: notPending,
  };
};

const licenseNotFull: Condition = {
  expression: '#activationCount < #maxActivations AND #status = :active',
  names: {
    '#activationCount': 'activationCount',
    '#maxActivations': 'maxActivations',
    '#status': 'status',
  },
  values: { ':active': 'active' },
};

export const activationStore = (db: Db, tableName: string): ActivationStore => ({
  createPending: async (activation) => {
    // Pending activations that are never finished disappear by TTL a day after their code expired.
    const ttl =
      Math.floor(new Date(activation.codeExpiresAt ?? activation.createdAt).getTime() / 1000) +
      86_400;
    // A single item needs no transaction (which would cost twice the write units).
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: item(activation, ttl),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  get: async (activationId) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: activationKeys.activation(activationId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem<Activation>(out.Item) : undefined;
  },

  boundTo: async (licenseId, fingerprint) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: activationKeys.binding(licenseId, fingerprintHash(fingerprint)),
        ConsistentRead: true,
      }),
    );
    return typeof out.Item?.activationId === 'string' ? out.Item.activationId : undefined;
  },

  countAttempt: async (activation, max) => {
    try {
      const out = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: activationKeys.activation(activation.id),
          UpdateExpression: 'SET #attempts = #attempts + :one',
          ConditionExpression: '#status = :pending AND #attempts < :max',
          ExpressionAttributeNames: { '#attempts': 'attempts', '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':pending': 'pending', ':max': max },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return Number(out.Attributes?.attempts);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const status = error.Item?.status?.S;
      if (status === 'pending' || status === 'failed') {
        throw new DomainError('ACTIVATION_LOCKED', 'Too many wrong codes; start again.');
      }
      throw notPending();
    }
  },

  replaceCode: async (activation, codeHash, expiresAt, maxResends) => {
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: activationKeys.activation(activation.id),
          UpdateExpression:
            'SET #codeHash = :codeHash, #codeExpiresAt = :expiresAt, #resends = #resends + :one, #ttl = :ttl, #gsi3sk = :queued',
          ConditionExpression: '#status = :pending AND #resends < :max',
          ExpressionAttributeNames: {
            '#codeHash': 'codeHash',
            '#codeExpiresAt': 'codeExpiresAt',
            '#resends': 'resends',
            '#status': 'status',
            '#ttl': 'ttl',
            '#gsi3sk': 'gsi3sk',
          },
          ExpressionAttributeValues: {
            ':queued': queueKeys.pendingActivation(expiresAt, activation.id).gsi3sk,
            ':codeHash': codeHash,
            ':expiresAt': expiresAt,
            ':one': 1,
            ':pending': 'pending',
            ':max': maxResends,
            ':ttl': Math.floor(new Date(expiresAt).getTime() / 1000) + 86_400,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new DomainError(
        'RESEND_LIMIT_REACHED',
        'No more codes for this activation; start again later.',
      );
    }
  },

  fail: (activation, now, event) =>
    transact(db, tableName, [
      moveActivation(activation, 'pending', { status: 'failed', endedAt: now }, ['codeHash']),
      auditWrite(event),
    ]),

  activateNew: (activation, tokenHash, now, event) =>
    transact(db, tableName, [
      auditWrite(event),
      {
        update: licenseKeys.license(activation.licenseId),
        set: {
          expression: 'SET #activationCount = #activationCount + :one',
          names: { '#activationCount': 'activationCount' },
          values: { ':one': 1 },
        },
        condition: all(exists, licenseNotFull),
        onConflict: (old) =>
          old?.status !== 'active'
            ? new DomainError(
                'CONCURRENT_MODIFICATION',
                'The license changed meanwhile; try again.',
              )
            : new DomainError(
                'ACTIVATION_LIMIT_REACHED',
                'Every activation of this license is in use; return one first.',
              ),
      },
      {
        put: toItem(
          'binding',
          activationKeys.binding(activation.licenseId, fingerprintHash(activation.fingerprint)),
          {
            activationId: activation.id,
            licenseId: activation.licenseId,
          },
        ),
        condition: absent,
        onConflict: () =>
          new DomainError(
            'CONCURRENT_MODIFICATION',
            'This instance was activated meanwhile; try again.',
          ),
      },
      moveActivation(
        activation,
        'pending',
        { status: 'active', tokenHash, activatedAt: now, lastSeenAt: now },
        ['codeHash', 'ttl'],
      ),
    ]),

  activateAgain: (activation, previousId, tokenHash, now, event) =>
    transact(db, tableName, [
      auditWrite(event),
      {
        update: activationKeys.binding(
          activation.licenseId,
          fingerprintHash(activation.fingerprint),
        ),
        set: {
          expression: 'SET #activationId = :next',
          names: { '#activationId': 'activationId' },
          values: { ':next': activation.id },
        },
        condition: all(exists, boundTo(previousId)),
        onConflict: () =>
          new DomainError('CONCURRENT_MODIFICATION', 'This instance changed meanwhile; try again.'),
      },
      moveActivation(
        { ...activation, id: previousId },
        'active',
        { status: 'superseded', endedAt: now },
        ['tokenHash'],
      ),
      moveActivation(
        activation,
        'pending',
        { status: 'active', tokenHash, activatedAt: now, lastSeenAt: now },
        ['codeHash', 'ttl'],
      ),
    ]),

  touch: async (activation, now) => {
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: activationKeys.activation(activation.id),
          UpdateExpression: 'SET #lastSeenAt = :now',
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#lastSeenAt': 'lastSeenAt', '#status': 'status' },
          ExpressionAttributeValues: { ':now': now, ':active': 'active' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new DomainError('UNAUTHENTICATED', 'This activation has ended.');
    }
  },

  release: (activation, status, now, event) =>
    transact(db, tableName, [
      auditWrite(event),
      moveActivation(activation, 'active', { status, endedAt: now }, ['tokenHash']),
      {
        update: licenseKeys.license(activation.licenseId),
        set: {
          expression: 'SET #activationCount = #activationCount - :one',
          names: { '#activationCount': 'activationCount' },
          values: { ':one': 1 },
        },
        condition: {
          expression: '#activationCount > :zero',
          names: { '#activationCount': 'activationCount' },
          values: { ':zero': 0 },
        },
      },
      {
        remove: activationKeys.binding(
          activation.licenseId,
          fingerprintHash(activation.fingerprint),
        ),
        condition: boundTo(activation.id),
      },
    ]),

  listByLicense: async (licenseId, page) => {
    const result = await queryPage(db, {
      tableName,
      index: 'gsi1',
      partition: activationKeys.listPartition(licenseId),
      limit: page.limit,
      newestFirst: true,
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
    return {
      items: result.items.map((i) => fromItem<Activation>(i)),
      nextCursor: result.nextCursor,
    };
  },
});
