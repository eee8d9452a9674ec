import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPem } from '../../lambdas/adapters/signer-local.ts';
import { verifyLicenseFile } from '../../sdk/src/verify.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { activatedInstance } from '../support/instances.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();

/**
 * The portal's download of an instance's current license file: signed now with the license's
 * terms, verifiable offline like any other, for whoever may see the license and nobody else.
 */
let admin = '';
let customerId = '';
let licenseId = '';
let box: { activationId: string; token: string };
const call = (method: string, path: string, token: string, body?: unknown) =>
  invoke(method, path, { token, ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  // The instance function signs with a local key here (KMS on AWS); read at its cold start.
  const keyFile = join(await mkdtemp(join(tmpdir(), 'tessera-keys-')), 'signing-key.pem');
  await writeFile(keyFile, generateSigningKeyPem());
  process.env.SIGNING_KEY_FILE = keyFile;
  const state = ready();
  admin = state.admin;
  await call('POST', '/products', admin, { code: 'PBX', name: 'PBX', seatModel: 'instance' });
  const customer = await call('POST', '/customers', admin, { name: 'Acme' });
  customerId = String(customer.json.id);
  const license = await call('POST', '/licenses', admin, {
    productCode: 'PBX',
    customerId,
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 0,
    maxActivations: 3,
    notify: false,
  });
  licenseId = String(license.json.id);
  const activated = await activatedInstance(state.stores, licenseId, 'box-fp-1', 'box-1');
  box = { activationId: activated.activationId, token: activated.token };
});

const download = (token: string, activationId = box.activationId, license = licenseId) =>
  call('GET', `/licenses/${license}/activations/${activationId}/license-file`, token);

describe('downloading an instance’s license file', () => {
  it('hands a customer’s person the instance’s current file, which verifies offline for that instance', async () => {
    const user = await call('POST', '/tokens', admin, {
      name: 'u',
      role: 'customer-user',
      customerId,
    });
    const answer = await download(String(user.json.token));
    expect(answer.status).toBe(200);
    const jwks = await invoke('GET', '/.well-known/jwks.json');
    const verified = verifyLicenseFile(String(answer.json.licenseFile), jwks.json as never, {
      fingerprint: 'box-fp-1',
    });
    expect(verified).toMatchObject({
      valid: true,
      claims: { sub: licenseId, act: box.activationId },
    });
    expect(answer.json.activationId).toBe(box.activationId);
  });

  it('answers 404 to another customer, to someone limited to another project, and for an unknown instance', async () => {
    const other = await call('POST', '/customers', admin, { name: 'Other' });
    const stranger = await call('POST', '/tokens', admin, {
      name: 's',
      role: 'customer-admin',
      customerId: other.json.id,
    });
    const plant = await call('POST', `/customers/${customerId}/projects`, admin, { name: 'Plant' });
    const limited = await call('POST', '/tokens', admin, {
      name: 'l',
      role: 'customer-admin',
      customerId,
      projectIds: [plant.json.id],
    });
    const answers = [
      await download(String(stranger.json.token)),
      await download(String(limited.json.token)),
      await download(admin, 'act_00000000000000000000000000'),
    ];
    expect(answers.map((a) => [a.status, a.json.code])).toEqual(
      answers.map(() => [404, 'NOT_FOUND']),
    );
    expect((await download(box.token)).status).toBe(401); // an activation token is no API token
  });

  it('refuses while the license is suspended, and once the instance has been returned', async () => {
    const suspended = await call('POST', `/licenses/${licenseId}/suspend`, admin);
    expect(suspended.status).toBe(200);
    const refused = await download(admin);
    expect([refused.status, refused.json.code]).toEqual([409, 'LICENSE_SUSPENDED']);
    await call('POST', `/licenses/${licenseId}/reinstate`, admin);
    expect((await download(admin)).status).toBe(200);
    await invoke('POST', '/instance/return', { headers: { authorization: `Bearer ${box.token}` } });
    expect((await download(admin)).status).toBe(404);
  });
});
