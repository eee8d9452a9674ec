import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lambdas/routes.ts';
import { useAwsConfiguredHandlers } from '../support/aws-handlers.ts';
import { invoke } from '../support/invoke.ts';

/**
 * Safe retries: the same Idempotency-Key with the same body replays the first answer (status and
 * body) and acts once; with another body it is 422; keys are the caller's own; refused requests
 * keep nothing; answers with a secret shown once refuse a key.
 */
const { admin, table, mailed } = useAwsConfiguredHandlers();

const post = (path: string, body: unknown, key?: string, token = admin()) =>
  invoke('POST', path, {
    token,
    body,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

/** Items whose partition key starts with `prefix` (a scan is fine on a test's own table). */
const count = async (prefix: string) => {
  const out = await table().sdk.send(
    new ScanCommand({
      TableName: table().tableName,
      FilterExpression: 'begins_with(#pk, :p) AND NOT begins_with(#sk, :project)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':p': prefix, ':project': 'PROJECT#' },
      ConsistentRead: true,
    }),
  );
  return out.Items?.length ?? 0;
};

describe('Idempotency-Key', () => {
  it('replays the first answer of a create, status and body, and creates once', async () => {
    const body = { name: 'Retry Corp' };
    const first = await post('/customers', body, 'key-create-1');
    const again = await post('/customers', body, 'key-create-1');

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const list = await invoke('GET', '/customers?q=retry%20corp', { token: admin() });
    expect(list.json.items).toHaveLength(1);
  });

  it('acts once when ten retries of one action arrive together', async () => {
    await post('/products', { code: 'RACE', name: 'Race', seatModel: 'instance' });
    const before = await count('CUSTOMER#');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post('/customers', { name: 'Burst' }, 'key-burst')),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(answers.filter((a) => a.json.code === 'REQUEST_IN_PROGRESS').length).toBe(
      statuses.filter((s) => s === 409).length,
    );
    expect(await count('CUSTOMER#')).toBe(before + 1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, and keeps the first', async () => {
    const first = await post('/customers', { name: 'One' }, 'key-reuse');
    const other = await post('/customers', { name: 'Two' }, 'key-reuse');
    const replay = await post('/customers', { name: 'One' }, 'key-reuse');

    expect([other.status, other.json.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(replay.json).toEqual(first.json);
  });

  it('sends one activation code for a retried activation start', async () => {
    await post('/products', { code: 'PBX', name: 'PBX', seatModel: 'instance' });
    const license = await post('/licenses', {
      productCode: 'PBX',
      registeredEmail: 'it@acme.example',
      companyName: 'Acme',
      seatLimit: 1,
      notify: false,
    });
    const mails = mailed().length;
    const start = { key: license.json.key, fingerprint: 'retrying-host' };
    const first = await invoke('POST', '/instance/activations', {
      body: start,
      headers: { 'idempotency-key': 'start-1' },
    });
    const again = await invoke('POST', '/instance/activations', {
      body: start,
      headers: { 'idempotency-key': 'start-1' },
    });

    expect(again.json.activationId).toBe(first.json.activationId);
    expect(mailed().length - mails).toBe(1);
  });

  it('keeps each caller’s keys apart', async () => {
    const other = await post('/tokens', { name: 'other', role: 'vendor-admin' });
    const mine = await post('/customers', { name: 'Mine' }, 'shared-key');
    const theirs = await post(
      '/customers',
      { name: 'Mine' },
      'shared-key',
      other.json.token as string,
    );

    expect(theirs.json.id).not.toBe(mine.json.id);
  });

  it('keeps no record of a refused request, so it may be retried with the same key', async () => {
    const refused = await post(
      '/customers/cus_00000000000000000000000000/projects',
      { name: 'X' },
      'key-404',
    );
    expect(refused.status).toBe(404);
    const customer = await post('/customers', { name: 'Later' });
    const path = `/customers/${customer.json.id}/projects`;
    const ok = await post(path, { name: 'X' }, 'key-404');
    expect(ok.status).toBe(201);
  });

  it('refuses a key on answers that hold a secret shown once, on non-POST calls, and malformed keys', async () => {
    const token = await post('/tokens', { name: 't', role: 'vendor-support' }, 'key-token');
    const get = await invoke('GET', '/customers', {
      token: admin(),
      headers: { 'idempotency-key': 'k' },
    });
    const long = await post('/customers', { name: 'Z' }, 'x'.repeat(256));

    for (const answer of [token, get, long]) {
      expect([answer.status, answer.json.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(
      routes
        .filter((r) => r.idempotent === false)
        .map((r) => r.operationId)
        .sort(),
    ).toEqual([
      'answerMfa',
      // The authenticator key is shown once.
      'beginMfaSetup',
      'completeActivation',
      // The relay credential is shown once.
      'createRelay',
      'createToken',
      // A session answer holds a token; a retry signs in again rather than replaying it.
      'refreshSession',
      'setNewPassword',
      'signIn',
      'signOut',
    ]);
  });

  it('stores no record for requests without a key', async () => {
    const before = await count('IDEMPOTENCY#');
    await post('/customers', { name: 'Keyless' });
    expect(await count('IDEMPOTENCY#')).toBe(before);
  });
});
