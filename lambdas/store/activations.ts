import type { Db } from '../adapters/dynamodb.ts';
import {
  ConditionalCheckFailedException,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '../adapters/dynamodb.ts';
import { sha256Hex } from '../adapters/hash.ts';
import type { Activation, ActivationStore } from '../domain/activations.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import { auditWrite } from './audit.ts';
import {
  absent,
  all,
  attributeIs,
  below,
  type Condition,
  conditionally,
  conditioned,
  exists,
  toParams,
} from './conditions.ts';
import { fromItem, toItem } from './items.ts';
import { activationKeys, licenseKeys, queueKeys } from './keys.ts';
import { instanceLookups } from './lookups.ts';
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
      // Queued for its renewal reminders while active; ending it takes it out (moveActivation).
      ...(a.status === 'active' && a.offline && a.offlineRefreshBy
        ? queueKeys.offlineRenewal(a.offlineRefreshBy, a.id)
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

/** pending → active, with the token; the code and the pending TTL go. */
const toActive = (activation: Activation, tokenHash: string, now: string) =>
  moveActivation(
    activation,
    'pending',
    { status: 'active', tokenHash, activatedAt: now, lastSeenAt: now },
    ['codeHash', 'ttl'],
  );

const licenseNotFull: Condition = {
  expression: '#activationCount < #maxActivations AND #status = :active',
  names: {
    '#activationCount': 'activationCount',
    '#maxActivations': 'maxActivations',
    '#status': 'status',
  },
  values: { ':active': 'active' },
};

/** A pending slot can be taken when it is empty or its holder's code has expired. */
const slotFree = (now: string): Condition => ({
  expression: 'attribute_not_exists(#pk) OR #expiresAt <= :slotNow',
  names: { '#pk': 'pk', '#expiresAt': 'expiresAt' },
  values: { ':slotNow': now },
});

const slotHeldBy = (activationId: string): Condition => ({
  expression: '#activationId = :slotHolder',
  names: { '#activationId': 'activationId' },
  values: { ':slotHolder': activationId },
});

/**
 * Counts one code e-mail for the license in this clock hour, in the transaction that creates or
 * renews the code, so a refused start or resend counts nothing.
 */
const codeEmail = (licenseId: string, now: Date, max: number): Write => {
  const hour = now.toISOString().slice(0, 13);
  const nextHour = new Date(`${hour}:00:00.000Z`).getTime() + 3_600_000;
  return {
    update: activationKeys.codeEmails(licenseId, hour),
    set: {
      expression: 'ADD #sent :one SET #ttl = :mailTtl',
      names: { '#sent': 'sent', '#ttl': 'ttl' },
      values: { ':one': 1, ':mailTtl': Math.floor(nextHour / 1000) + 3_600 },
    },
    condition: {
      expression: 'attribute_not_exists(#sent) OR #sent < :maxMails',
      names: { '#sent': 'sent' },
      values: { ':maxMails': max },
    },
    onConflict: () =>
      new DomainError(
        'CODE_EMAIL_LIMIT_REACHED',
        `At most ${max} activation codes are e-mailed for one license per hour.`,
        { retryAfter: Math.max(1, Math.ceil((nextHour - now.getTime()) / 1000)) },
      ),
  };
};

/** One more of the license's activations in use, only below its maximum and while it is active. */
const takeSlot = (licenseId: string): Write => ({
  update: licenseKeys.license(licenseId),
  set: {
    expression: 'SET #activationCount = #activationCount + :one',
    names: { '#activationCount': 'activationCount' },
    values: { ':one': 1 },
  },
  condition: all(exists, licenseNotFull),
  onConflict: (old) =>
    old?.status !== 'active'
      ? new DomainError('CONCURRENT_MODIFICATION', 'The license changed meanwhile; try again.')
      : new DomainError(
          'ACTIVATION_LIMIT_REACHED',
          'Every activation of this license is in use; return one first.',
          { maxActivations: Number(old.maxActivations) },
        ),
});

const bindingOf = (a: Pick<Activation, 'licenseId' | 'fingerprint'>) =>
  activationKeys.binding(a.licenseId, fingerprintHash(a.fingerprint));

/** The fingerprint's binding to its license, for a fingerprint no activation holds. */
const newBinding = (
  activation: Activation,
  onConflict: () => DomainError = () =>
    new DomainError('CONCURRENT_MODIFICATION', 'This instance was activated meanwhile; try again.'),
): Write => ({
  put: toItem('binding', bindingOf(activation), {
    activationId: activation.id,
    licenseId: activation.licenseId,
  }),
  condition: absent,
  onConflict,
});

/** The fingerprint's binding handed from the activation that held it to this one. */
const moveBinding = (activation: Activation, previousId: string): Write => ({
  update: bindingOf(activation),
  set: {
    expression: 'SET #activationId = :next',
    names: { '#activationId': 'activationId' },
    values: { ':next': activation.id },
  },
  condition: all(exists, boundTo(previousId)),
  onConflict: () =>
    new DomainError('CONCURRENT_MODIFICATION', 'This instance changed meanwhile; try again.'),
});

/** A request file activates once: its digest is kept as long as the file could be taken in. */
const requestTaken = (digest: string, activationId: string, expiresAt: number): Write => ({
  put: toItem(
    'offlineRequest',
    activationKeys.offlineRequest(digest),
    { activationId },
    {
      ttl: expiresAt,
    },
  ),
  condition: absent,
  onConflict: (old) =>
    new DomainError('OFFLINE_REQUEST_USED', 'This request file was already used.', {
      activationId: String(old?.activationId ?? ''),
    }),
});

/** Slots a starting activation tries before answering that the license is busy. */
const SLOT_ROUNDS = 5;

const secondsUntil = (at: string, now: Date) =>
  Math.max(1, Math.ceil((new Date(at).getTime() - now.getTime()) / 1000));

export const activationStore = (db: Db, tableName: string): ActivationStore => {
  const slotsOf = async (licenseId: string) => {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: {
          ':pk': activationKeys.licensePartition(licenseId),
          ':prefix': activationKeys.pendingSlotPrefix,
        },
        ConsistentRead: true,
      }),
    );
    return new Map(
      (out.Items ?? []).map((i) => [
        Number(String(i.sk).slice(activationKeys.pendingSlotPrefix.length)),
        String(i.expiresAt),
      ]),
    );
  };

  /** Best effort: a slot that is not freed here frees itself when the code expires. */
  const freeSlot = async (activation: Activation) => {
    if (activation.pendingSlot === undefined) return;
    await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName,
          Key: activationKeys.pendingSlot(activation.licenseId, activation.pendingSlot as number),
          ...toParams(slotHeldBy(activation.id)),
        }),
      ),
    ).catch(() => false);
  };

  return {
    createPending: async (activation, limits, now) => {
      const maxPending = limits.maxPending;
      // Pending activations that are never finished disappear by TTL a day after their code expired.
      const expiresAt = activation.codeExpiresAt ?? activation.createdAt;
      const ttl = Math.floor(new Date(expiresAt).getTime() / 1000) + 86_400;
      const at = now.toISOString();
      for (let round = 0; round < SLOT_ROUNDS; round++) {
        const held = await slotsOf(activation.licenseId);
        let slot = -1;
        for (let i = 0; i < maxPending && slot < 0; i++) {
          const until = held.get(i);
          if (until === undefined || until <= at) slot = i;
        }
        if (slot < 0) {
          const soonest = [...held.values()].sort()[0] ?? at;
          throw new DomainError(
            'PENDING_LIMIT_REACHED',
            `This license has ${maxPending} activations waiting for their code; finish one or wait until a code expires.`,
            { retryAfter: secondsUntil(soonest, now) },
          );
        }
        try {
          await transact(db, tableName, [
            {
              put: toItem(
                'pendingSlot',
                activationKeys.pendingSlot(activation.licenseId, slot),
                {
                  activationId: activation.id,
                  expiresAt,
                },
                { ttl },
              ),
              condition: slotFree(at),
            },
            { put: item({ ...activation, pendingSlot: slot }, ttl), condition: absent },
            codeEmail(activation.licenseId, now, limits.codeEmailsPerHour),
          ]);
          return;
        } catch (error) {
          if (!isDomainError(error) || error.code !== 'CONCURRENT_MODIFICATION') throw error;
        }
      }
      throw new DomainError('CONCURRENT_MODIFICATION', 'The license is busy; try again.');
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
            ...conditioned(all(attributeIs('status', 'pending'), below('attempts', max)), {
              names: { '#attempts': 'attempts' },
              values: { ':one': 1 },
            }),
            ReturnValues: 'UPDATED_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return Number(out.Attributes?.attempts);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const status = (error.Item?.status as { S?: string } | undefined)?.S;
        if (status === 'pending' || status === 'failed') {
          throw new DomainError('ACTIVATION_LOCKED', 'Too many wrong codes; start again.');
        }
        throw notPending();
      }
    },

    replaceCode: (activation, codeHash, expiresAt, limits, now) => {
      const ttl = Math.floor(new Date(expiresAt).getTime() / 1000) + 86_400;
      const slot = activation.pendingSlot;
      return transact(db, tableName, [
        {
          update: activationKeys.activation(activation.id),
          set: {
            expression:
              'SET #codeHash = :codeHash, #codeExpiresAt = :expiresAt, #resends = #resends + :one, #ttl = :ttl, #gsi3sk = :queued',
            names: {
              '#codeHash': 'codeHash',
              '#codeExpiresAt': 'codeExpiresAt',
              '#resends': 'resends',
              '#ttl': 'ttl',
              '#gsi3sk': 'gsi3sk',
            },
            values: {
              ':queued': queueKeys.pendingActivation(expiresAt, activation.id).gsi3sk,
              ':codeHash': codeHash,
              ':expiresAt': expiresAt,
              ':one': 1,
              ':ttl': ttl,
            },
          },
          condition: all(statusIs('pending'), {
            expression: '#resends < :maxResends',
            names: { '#resends': 'resends' },
            values: { ':maxResends': limits.maxResends },
          }),
          onConflict: (old) =>
            old?.status === 'pending'
              ? new DomainError(
                  'RESEND_LIMIT_REACHED',
                  'No more codes for this activation; start again later.',
                )
              : notPending(),
        },
        // The new code keeps the activation's place among the license's pending ones.
        ...(slot === undefined
          ? []
          : [
              {
                update: activationKeys.pendingSlot(activation.licenseId, slot),
                set: {
                  expression: 'SET #expiresAt = :expiresAt, #ttl = :ttl',
                  names: { '#expiresAt': 'expiresAt', '#ttl': 'ttl' },
                  values: { ':expiresAt': expiresAt, ':ttl': ttl },
                },
                condition: all(exists, slotHeldBy(activation.id)),
                onConflict: () =>
                  new DomainError(
                    'CODE_EXPIRED',
                    'The code lapsed and another activation took its place; start again.',
                  ),
              },
            ]),
        codeEmail(activation.licenseId, now, limits.codeEmailsPerHour),
      ]);
    },

    fail: async (activation, now, event) => {
      await transact(db, tableName, [
        moveActivation(activation, 'pending', { status: 'failed', endedAt: now }, ['codeHash']),
        auditWrite(event),
      ]);
      await freeSlot(activation);
    },

    activateNew: async (activation, tokenHash, now, event) => {
      await transact(db, tableName, [
        auditWrite(event),
        ...instanceLookups(activation),
        takeSlot(activation.licenseId),
        newBinding(activation),
        toActive(activation, tokenHash, now),
      ]);
      await freeSlot(activation);
    },

    activateAgain: async (activation, previousId, tokenHash, now, event) => {
      await transact(db, tableName, [
        auditWrite(event),
        ...instanceLookups(activation),
        moveBinding(activation, previousId),
        moveActivation(
          { ...activation, id: previousId },
          'active',
          { status: 'superseded', endedAt: now },
          ['tokenHash'],
        ),
        toActive(activation, tokenHash, now),
      ]);
      await freeSlot(activation);
    },

    activateOffline: async (activation, previousId, request, event) => {
      const activeItem = item(activation);
      await transact(db, tableName, [
        auditWrite(event),
        ...instanceLookups(activation),
        requestTaken(request.digest, activation.id, request.keepUntil),
        ...(previousId
          ? [
              moveBinding(activation, previousId),
              moveActivation(
                { ...activation, id: previousId },
                'active',
                { status: 'superseded', endedAt: activation.activatedAt },
                ['tokenHash'],
              ),
            ]
          : [takeSlot(activation.licenseId), newBinding(activation)]),
        { put: activeItem, condition: absent },
      ]);
    },

    rehost: async (old, replacement, event, request) => {
      await transact(db, tableName, [
        auditWrite(event),
        ...instanceLookups(replacement),
        ...(request ? [requestTaken(request.digest, replacement.id, request.keepUntil)] : []),
        {
          ...moveActivation(
            old,
            'active',
            {
              status: 'revoked',
              endedAt: replacement.createdAt,
              replacedBy: replacement.id,
              ...(replacement.rehostReason ? { rehostReason: replacement.rehostReason } : {}),
            },
            // The token hash stays: the broken device's token is still recognised, and told
            // that its activation moved (ACTIVATION_REHOSTED) rather than that it is unknown.
          ),
          onConflict: (was) =>
            new DomainError('ACTIVATION_ENDED', 'This activation is no longer active.', {
              activationStatus: String(was?.status ?? 'revoked'),
            }),
        },
        { remove: bindingOf(old), condition: boundTo(old.id) },
        newBinding(
          replacement,
          () =>
            new DomainError(
              'FINGERPRINT_IN_USE',
              'The replacement device is already activated on this license.',
            ),
        ),
        { put: item(replacement), condition: absent },
      ]);
    },

    touch: async (activation, now) => {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: activationKeys.activation(activation.id),
            UpdateExpression: 'SET #lastSeenAt = :now',
            ...conditioned(attributeIs('status', 'active'), {
              names: { '#lastSeenAt': 'lastSeenAt' },
              values: { ':now': now },
            }),
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        throw new DomainError('UNAUTHENTICATED', 'This activation has ended.');
      }
    },

    recordOfflineFile: async (activation, refreshBy) => {
      // A device returned or moved meanwhile keeps what it had: its file no longer matters.
      await conditionally(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: activationKeys.activation(activation.id),
            // The renewal queue's entry moves to the new date with it.
            UpdateExpression:
              'SET #offlineRefreshBy = :refreshBy, #gsi3pk = :gsi3pk, #gsi3sk = :gsi3sk',
            ...conditioned(attributeIs('status', 'active'), {
              names: {
                '#offlineRefreshBy': 'offlineRefreshBy',
                '#gsi3pk': 'gsi3pk',
                '#gsi3sk': 'gsi3sk',
              },
              values: {
                ':refreshBy': refreshBy,
                ...Object.fromEntries(
                  Object.entries(queueKeys.offlineRenewal(refreshBy, activation.id)).map(
                    ([k, v]) => [`:${k}`, v],
                  ),
                ),
              },
            }),
          }),
        ),
      );
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
        { remove: bindingOf(activation), condition: boundTo(activation.id) },
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
  };
};
