import { beforeAll, describe, expect, it } from 'vitest';
import { TesseraApiError, TesseraClient } from '../../sdk/src/client.ts';
import { type Jwks, verifyLicenseFile } from '../../sdk/src/verify.ts';
import { codeFromOutbox as readCode } from '../support/outbox.ts';
import { useLocalPlatform } from '../support/platform.ts';

/** The README's licensing walkthrough over HTTP: issue, activate by e-mailed code, verify, refresh, return. */
const local = useLocalPlatform();
let admin: string;

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${admin}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

const codeFromOutbox = () => readCode(local().outboxDir);

beforeAll(() => {
  admin = local().adminToken as string;
});

describe('licensing walkthrough on the local runtime', () => {
  it('activates with the e-mailed code, verifies offline against the JWKS, refreshes and returns', async () => {
    expect(
      (
        await api('POST', '/products', {
          code: 'PBX',
          name: 'PBX',
          seatModel: 'concurrent',
          modules: [{ code: 'ivr', name: 'IVR' }],
        })
      ).status,
    ).toBe(201);
    const customer = await api('POST', '/customers', { name: 'Acme' });
    const issued = await api('POST', '/licenses', {
      productCode: 'PBX',
      customerId: customer.json.id,
      registeredEmail: 'it@acme.example',
      companyName: 'Acme',
      seatLimit: 20,
      maxActivations: 1,
      modules: ['ivr'],
    });
    expect(issued.status).toBe(201);
    const key = issued.json.key as string;

    const instance = new TesseraClient({ baseUrl: local().url });
    const started = await instance.startActivation({
      key,
      fingerprint: 'host-abc-123',
      hostname: 'pbx-1',
    });
    expect(started.emailHint).toMatch(/•/);
    const done = await instance.completeActivation(started.activationId, await codeFromOutbox());

    const jwks = (await (await fetch(`${local().url}/.well-known/jwks.json`)).json()) as Jwks;
    const verified = verifyLicenseFile(done.licenseFile, jwks, { fingerprint: 'host-abc-123' });
    expect(verified).toMatchObject({ valid: true });
    expect(
      verifyLicenseFile(done.licenseFile, jwks, { fingerprint: 'another-host' }),
    ).toMatchObject({
      valid: false,
      code: 'FINGERPRINT_MISMATCH',
    });

    const second = new TesseraClient({ baseUrl: local().url });
    const refused = await second
      .startActivation({ key, fingerprint: 'host-two-456' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TesseraApiError);
    expect((refused as TesseraApiError).code).toBe('ACTIVATION_LIMIT_REACHED');

    const refreshed = await instance.refresh();
    expect(
      verifyLicenseFile(refreshed.licenseFile, jwks, { fingerprint: 'host-abc-123' }),
    ).toMatchObject({ valid: true });
    expect(
      await instance.validate({ key, fingerprint: 'host-abc-123', module: 'ivr' }),
    ).toMatchObject({ valid: true, code: 'VALID' });

    const seat = async (action: string, body: Record<string, string>) => {
      const response = await fetch(`${local().url}/instance/seats/${action}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${instance.activationToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    expect((await seat('checkout', { sessionId: 'desk-1', userId: 'agent-7' })).json).toMatchObject(
      {
        sessionId: 'desk-1',
        productCode: 'PBX',
      },
    );
    expect((await seat('heartbeat', { sessionId: 'desk-1' })).status).toBe(200);
    expect((await seat('release', { sessionId: 'desk-1' })).json).toEqual({ released: true });
    expect((await seat('release', { sessionId: 'desk-1' })).json).toEqual({ released: false });
    const gone = await seat('heartbeat', { sessionId: 'desk-1' });
    expect([gone.status, gone.json.code]).toEqual([410, 'LEASE_GONE']);

    await instance.returnActivation();
    const again = await second.startActivation({ key, fingerprint: 'host-two-456' });
    expect(again.activationId).toMatch(/^act_/);
  });
});
