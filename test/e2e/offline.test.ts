import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TesseraApiError, TesseraClient } from '../../sdk/src/client.ts';
import { deviceKeyThumbprint, OfflineDevice } from '../../sdk/src/offline.ts';
import type { Jwks } from '../../sdk/src/verify.ts';
import { codeFromOutbox } from '../support/outbox.ts';
import { useLocalPlatform } from '../support/platform.ts';

/** Devices off the internet, end to end on the local runtime (docs/offline.md). */
const local = useLocalPlatform();
let admin: string;
let jwks: Jwks;
let folder: string;
let devices = 0;

type Answer = { status: number; headers: Headers; json: Record<string, unknown> };
const call = async (
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} };
};

const device = () => new OfflineDevice(join(folder, `device-${++devices}`));

const license = async (product: string, customerId: string, maxActivations = 2) => {
  const issued = await call('POST', '/licenses', admin, {
    productCode: product,
    customerId,
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 5,
    maxActivations,
  });
  expect(issued.status).toBe(201);
  return { id: issued.json.id as string, key: issued.json.key as string };
};

const activationCount = async (licenseId: string) =>
  (await call('GET', `/licenses/${licenseId}`, admin)).json.activationCount;

let acme: string;
let globex: string;

beforeAll(async () => {
  admin = local().adminToken as string;
  folder = await mkdtemp(join(tmpdir(), 'tessera-offline-'));
  jwks = (await (await fetch(`${local().url}/.well-known/jwks.json`)).json()) as Jwks;
  for (const product of [
    { code: 'PBX', name: 'PBX', seatModel: 'instance', returnable: true },
    { code: 'GW', name: 'Gateway', seatModel: 'instance', returnable: false },
  ]) {
    expect((await call('POST', '/products', admin, product)).status).toBe(201);
  }
  acme = (await call('POST', '/customers', admin, { name: 'Acme' })).json.id as string;
  globex = (await call('POST', '/customers', admin, { name: 'Globex' })).json.id as string;
});

afterAll(() => rm(folder, { recursive: true, force: true }));

const tokenOf = async (role: string, customerId: string) =>
  (await call('POST', '/tokens', admin, { name: `${role} ${customerId}`, role, customerId })).json
    .token as string;

describe('a device fetches its license file by plain GET', () => {
  it('answers 304 to the ETag it holds, a new file when the license changed, bound to its key', async () => {
    const pbx = await license('PBX', acme);
    const box = device();
    const instance = new TesseraClient({ baseUrl: local().url });
    const started = await instance.startActivation({
      key: pbx.key,
      fingerprint: 'box-online-1',
      devicePublicKey: await box.publicKey(),
    });
    await instance.completeActivation(
      started.activationId,
      await codeFromOutbox(local().outboxDir),
    );

    const first = await instance.downloadLicenseFile();
    expect(first.notModified).toBe(false);
    expect(first.etag).toMatch(/^"lf\./);
    const again = await call(
      'GET',
      '/instance/license-file',
      instance.activationToken as string,
      undefined,
      {
        'if-none-match': first.etag,
      },
    );
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(first.etag);
    expect(again.json).toEqual({});

    expect((await call('PATCH', `/licenses/${pbx.id}`, admin, { seatLimit: 9 })).status).toBe(200);
    const changed = await instance.downloadLicenseFile(first.etag);
    expect(changed.notModified).toBe(false);
    if (changed.notModified) return;
    expect(changed.etag).not.toBe(first.etag);
    const installed = await box.install(changed.licenseFile, { jwks, fingerprint: 'box-online-1' });
    expect(installed).toMatchObject({ valid: true, claims: { lic: { seats: 9 } } });
    expect(installed.valid && installed.claims.dvk).toBe(
      deviceKeyThumbprint(await box.publicKey()),
    );
  });

  it('refuses a token that is not an activation token, and a suspended license', async () => {
    expect((await call('GET', '/instance/license-file', admin)).status).toBe(401);
    const pbx = await license('PBX', acme);
    const instance = new TesseraClient({ baseUrl: local().url });
    const started = await instance.startActivation({ key: pbx.key, fingerprint: 'box-online-2' });
    await instance.completeActivation(
      started.activationId,
      await codeFromOutbox(local().outboxDir),
    );
    const held = await instance.downloadLicenseFile();
    await call('POST', `/licenses/${pbx.id}/suspend`, admin);
    const refused = await instance.downloadLicenseFile(held.etag).catch((e: unknown) => e);
    expect((refused as TesseraApiError).code).toBe('LICENSE_SUSPENDED');
  });
});

describe('air-gapped activation by request file', () => {
  it('activates from an uploaded request and the device installs the answer; the file is used once', async () => {
    const pbx = await license('PBX', acme);
    const box = device();
    const request = await box.activationRequest({
      key: pbx.key,
      fingerprint: 'box-air-1',
      hostname: 'pbx-basement',
    });
    const companyUser = await tokenOf('customer-admin', acme);

    const answered = await call('POST', `/licenses/${pbx.id}/offline-activations`, companyUser, {
      request,
    });
    expect(answered.status).toBe(201);
    expect(answered.headers.get('location')).toBe(
      `/licenses/${pbx.id}/activations/${answered.json.activationId}`,
    );
    const installed = await box.install(String(answered.json.licenseFile), {
      jwks,
      fingerprint: 'box-air-1',
    });
    expect(installed.valid).toBe(true);
    // Carried by hand: renewed twice a year, not daily.
    const days = (Date.parse(String(answered.json.refreshBy)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(180);
    expect(await activationCount(pbx.id)).toBe(1);

    const replay = await call('POST', `/licenses/${pbx.id}/offline-activations`, companyUser, {
      request,
    });
    expect(replay.status).toBe(409);
    expect(replay.json).toMatchObject({
      code: 'OFFLINE_REQUEST_USED',
      activationId: answered.json.activationId,
    });
    const listed = await call('GET', `/licenses/${pbx.id}/activations`, admin);
    expect(listed.json.items).toEqual([
      expect.objectContaining({
        offline: true,
        fingerprint: 'box-air-1',
        status: 'active',
        offlineRefreshBy: answered.json.refreshBy,
      }),
    ]);
    const events = await call('GET', `/licenses/${pbx.id}/events`, admin);
    expect(JSON.stringify(events.json)).toContain('license.instance-activated-offline');

    // Renewal: a person downloads a fresh file for the offline device and carries it.
    const renewed = await call(
      'GET',
      `/licenses/${pbx.id}/activations/${answered.json.activationId}/license-file`,
      companyUser,
    );
    expect(renewed.status).toBe(200);
    expect(
      await box.install(String(renewed.json.licenseFile), { jwks, fingerprint: 'box-air-1' }),
    ).toMatchObject({ valid: true });
    // The license page then shows the renewed file's date: when the device is due again.
    const after = await call('GET', `/licenses/${pbx.id}/activations`, admin);
    expect(after.json.items).toEqual([
      expect.objectContaining({ offlineRefreshBy: renewed.json.refreshBy }),
    ]);
    expect(Date.parse(String(renewed.json.refreshBy))).toBeGreaterThanOrEqual(
      Date.parse(String(answered.json.refreshBy)),
    );
  });

  it('refuses a tampered request, a request for another license, and a file from another device', async () => {
    const pbx = await license('PBX', acme);
    const other = await license('PBX', acme);
    const box = device();
    const request = await box.activationRequest({ key: pbx.key, fingerprint: 'box-air-2' });
    const [header, payload, signature] = request.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, fpr: 'box-air-3' })).toString('base64url')}.${signature}`;
    for (const [body, reason] of [
      [{ request: tampered }, 'SIGNATURE'],
      [{ request: 'not.a.request' }, 'FORMAT'],
    ] as const) {
      const refused = await call('POST', `/licenses/${pbx.id}/offline-activations`, admin, body);
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ code: 'OFFLINE_REQUEST_INVALID', reason });
    }
    const elsewhere = await call('POST', `/licenses/${other.id}/offline-activations`, admin, {
      request,
    });
    expect(elsewhere.json).toMatchObject({
      code: 'OFFLINE_REQUEST_INVALID',
      reason: 'OTHER_LICENSE',
    });
    const old = await box.activationRequest({
      key: pbx.key,
      fingerprint: 'box-air-2',
      now: new Date(Date.now() - 40 * 86_400_000),
    });
    const stale = await call('POST', `/licenses/${pbx.id}/offline-activations`, admin, {
      request: old,
    });
    expect(stale.json).toMatchObject({ code: 'OFFLINE_REQUEST_INVALID', reason: 'TOO_OLD' });

    const answered = await call('POST', `/licenses/${pbx.id}/offline-activations`, admin, {
      request,
    });
    const stranger = device();
    expect(
      await stranger.install(String(answered.json.licenseFile), { jwks, fingerprint: 'box-air-2' }),
    ).toMatchObject({ valid: false, code: 'FINGERPRINT_MISMATCH' });
    expect(await activationCount(pbx.id)).toBe(1);
  });

  it('is 404 to another customer and 403 to a user who may not manage instances', async () => {
    const pbx = await license('PBX', acme);
    const request = await device().activationRequest({ key: pbx.key, fingerprint: 'box-air-4' });
    const otherCompany = await tokenOf('customer-admin', globex);
    const user = await tokenOf('customer-user', acme);
    const path = `/licenses/${pbx.id}/offline-activations`;
    expect((await call('POST', path, otherCompany, { request })).status).toBe(404);
    expect((await call('POST', path, user, { request })).status).toBe(403);
    expect(await activationCount(pbx.id)).toBe(0);
  });
});

describe('return by a proof the device signed', () => {
  const offlineBox = async (product: string) => {
    const lic = await license(product, acme);
    const box = device();
    const fingerprint = `box-returning-${devices}`;
    const request = await box.activationRequest({ key: lic.key, fingerprint });
    const answered = await call('POST', `/licenses/${lic.id}/offline-activations`, admin, {
      request,
    });
    expect(answered.status).toBe(201);
    await box.install(String(answered.json.licenseFile), { jwks, fingerprint });
    return { lic, box, fingerprint };
  };

  it('gives the slot back exactly once; the device stops using the license first', async () => {
    const { lic, box, fingerprint } = await offlineBox('PBX');
    const proof = await box.returnLicense();
    expect(await box.license({ jwks, fingerprint })).toBeUndefined();
    expect(await box.returnLicense()).toBe(proof);

    const returned = await call('POST', `/licenses/${lic.id}/offline-returns`, admin, { proof });
    expect(returned.status).toBe(200);
    expect(returned.json.status).toBe('returned');
    expect(await activationCount(lic.id)).toBe(0);
    const replay = await call('POST', `/licenses/${lic.id}/offline-returns`, admin, { proof });
    expect(replay.status).toBe(409);
    expect(replay.json).toMatchObject({ code: 'ACTIVATION_ENDED', activationStatus: 'returned' });
    expect(await activationCount(lic.id)).toBe(0);
  });

  it('refuses a proof signed by another device, an altered one, and products that cannot be returned', async () => {
    const { lic, box } = await offlineBox('PBX');
    const proof = await box.returnLicense();
    const [, payload] = proof.split('.') as [string, string];
    // Another device makes a proof with the same claims under its own key.
    const impostor = device();
    await impostor.publicKey();
    const forged = await forgeProof(
      impostor,
      JSON.parse(Buffer.from(payload, 'base64url').toString()),
    );
    const byOther = await call('POST', `/licenses/${lic.id}/offline-returns`, admin, {
      proof: forged,
    });
    expect(byOther.json).toMatchObject({ code: 'RETURN_PROOF_INVALID', reason: 'OTHER_DEVICE' });
    const [h, , s] = proof.split('.') as [string, string, string];
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), iat: 1 })).toString('base64url')}.${s}`;
    const bad = await call('POST', `/licenses/${lic.id}/offline-returns`, admin, {
      proof: altered,
    });
    expect(bad.json).toMatchObject({ code: 'RETURN_PROOF_INVALID', reason: 'SIGNATURE' });
    expect(await activationCount(lic.id)).toBe(1);

    const gateway = await offlineBox('GW');
    const notReturnable = await call('POST', `/licenses/${gateway.lic.id}/offline-returns`, admin, {
      proof: await gateway.box.returnLicense(),
    });
    expect(notReturnable.json.code).toBe('NOT_RETURNABLE');
    expect(await activationCount(gateway.lic.id)).toBe(1);
  });
});

describe('RMA: an activation moves to a replacement device', () => {
  it('revokes the broken device (a distinct code) and the replacement activates online on the same slot', async () => {
    const pbx = await license('PBX', acme, 1);
    const broken = new TesseraClient({ baseUrl: local().url });
    const started = await broken.startActivation({ key: pbx.key, fingerprint: 'rma-broken' });
    await broken.completeActivation(started.activationId, await codeFromOutbox(local().outboxDir));

    const moved = await call(
      'POST',
      `/licenses/${pbx.id}/activations/${started.activationId}/rehost`,
      await tokenOf('customer-admin', acme),
      { reason: 'Power supply failed', fingerprint: 'rma-replacement' },
    );
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ replaces: started.activationId, status: 'active' });
    const refused = await broken.refresh().catch((e: unknown) => e);
    expect((refused as TesseraApiError).code).toBe('ACTIVATION_REHOSTED');

    // maxActivations is 1: the replacement takes the slot the broken device held.
    const replacement = new TesseraClient({ baseUrl: local().url });
    const next = await replacement.startActivation({
      key: pbx.key,
      fingerprint: 'rma-replacement',
    });
    await replacement.completeActivation(
      next.activationId,
      await codeFromOutbox(local().outboxDir),
    );
    expect(await activationCount(pbx.id)).toBe(1);
    const third = await new TesseraClient({ baseUrl: local().url })
      .startActivation({ key: pbx.key, fingerprint: 'rma-third' })
      .catch((e: unknown) => e);
    expect((third as TesseraApiError).code).toBe('ACTIVATION_LIMIT_REACHED');
    const events = await call('GET', `/licenses/${pbx.id}/events`, admin);
    expect(JSON.stringify(events.json)).toContain('Power supply failed');
  });

  it('moves to a replacement from its request file, and only the vendor moves what is not returnable', async () => {
    const gw = await license('GW', acme, 1);
    const first = device();
    const request = await first.activationRequest({ key: gw.key, fingerprint: 'gw-broken' });
    const answered = await call('POST', `/licenses/${gw.id}/offline-activations`, admin, {
      request,
    });
    const spare = device();
    const body = {
      reason: 'Lightning',
      request: await spare.activationRequest({ key: gw.key, fingerprint: 'gw-spare' }),
    };
    const path = `/licenses/${gw.id}/activations/${answered.json.activationId}/rehost`;
    expect((await call('POST', path, await tokenOf('customer-admin', acme), body)).status).toBe(
      403,
    );
    expect((await call('POST', path, await tokenOf('customer-admin', globex), body)).status).toBe(
      404,
    );
    const moved = await call('POST', path, admin, body);
    expect(moved.status).toBe(200);
    expect(
      await spare.install(String(moved.json.licenseFile), { jwks, fingerprint: 'gw-spare' }),
    ).toMatchObject({ valid: true });
    expect(await activationCount(gw.id)).toBe(1);
    const twice = await call('POST', path, admin, { reason: 'Again', fingerprint: 'gw-third' });
    expect(twice.json).toMatchObject({ code: 'ACTIVATION_ENDED', activationStatus: 'revoked' });
  });
});

describe('RMA racing activations for the last slot', () => {
  it('keeps the count exact: the replacement keeps its slot and one racer takes the last one', async () => {
    for (let round = 0; round < 3; round++) {
      const pbx = await license('PBX', acme, 2);
      const held = device();
      const first = await call('POST', `/licenses/${pbx.id}/offline-activations`, admin, {
        request: await held.activationRequest({ key: pbx.key, fingerprint: `race-${round}-held` }),
      });
      const racers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          device().activationRequest({ key: pbx.key, fingerprint: `race-${round}-new-${i}` }),
        ),
      );
      const [moved, ...activated] = await Promise.all([
        call('POST', `/licenses/${pbx.id}/activations/${first.json.activationId}/rehost`, admin, {
          reason: 'Race',
          fingerprint: `race-${round}-spare`,
        }),
        ...racers.map((request) =>
          call('POST', `/licenses/${pbx.id}/offline-activations`, admin, { request }),
        ),
      ]);
      expect(moved?.status).toBe(200);
      expect(activated.filter((a) => a.status === 201)).toHaveLength(1);
      expect(
        activated.every(
          (a) =>
            a.status === 201 ||
            a.json.code === 'ACTIVATION_LIMIT_REACHED' ||
            a.json.code === 'CONCURRENT_MODIFICATION',
        ),
      ).toBe(true);
      expect(await activationCount(pbx.id)).toBe(2);
      const listed = await call('GET', `/licenses/${pbx.id}/activations`, admin);
      const active = (listed.json.items as { status: string }[]).filter(
        (a) => a.status === 'active',
      );
      expect(active).toHaveLength(2);
    }
  });
});

/** A proof as another device would make it: the same claims, signed by its own key. */
const forgeProof = async (impostor: OfflineDevice, claims: Record<string, unknown>) => {
  const { createPrivateKey, sign } = await import('node:crypto');
  const { readFile } = await import('node:fs/promises');
  const privateJwk = JSON.parse(
    await readFile(
      join((impostor as unknown as { folder: string }).folder, 'device-key.json'),
      'utf8',
    ),
  );
  const header = {
    alg: 'ES256',
    typ: 'tessera-return-proof+jwt',
    kid: deviceKeyThumbprint(await impostor.publicKey()),
  };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: createPrivateKey({ key: privateJwk, format: 'jwk' }),
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
};
