import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LicenseSigner } from '../lambdas/adapters/signer.ts';
import {
  authenticateInstance,
  currentLicenseFile,
  finishActivation,
  refreshActivation,
  startActivation,
  validate,
} from '../lambdas/domain/activations.ts';
import { IssueLicenseInput, issueLicense } from '../lambdas/domain/licenses.ts';
import {
  activateOffline,
  deviceLicenseFile,
  rehost,
  returnOffline,
} from '../lambdas/domain/offline.ts';
import { CreateProductInput, createProduct } from '../lambdas/domain/products.ts';
import { OfflineDevice } from '../sdk/src/offline.ts';
import { unitsSince, withMeteredDomain } from './metered.ts';

/**
 * DynamoDB capacity each instance call consumes, read from ReturnConsumedCapacity on every
 * request the use case makes (DynamoDB Local reports the units DynamoDB would charge).
 */
export const activationCapacity = async () => {
  await withMeteredDomain(async ({ calls, stores, admin, deps, lastCode }) => {
    await createProduct(
      stores.products,
      admin,
      CreateProductInput.parse({ code: 'PBX', name: 'PBX', seatModel: 'instance' }),
    );
    const license = await issueLicense(
      {
        licenses: stores.licenses,
        products: stores.products,
        customers: stores.customers,
        randomBytes,
      },
      admin,
      IssueLicenseInput.parse({
        productCode: 'PBX',
        registeredEmail: 'a@b.example',
        companyName: 'Bench',
        seatLimit: 1,
        maxActivations: 1000,
      }),
    );
    const measure = async (label: string, fn: () => Promise<unknown>) => {
      const from = calls.length;
      await fn();
      const { read, write } = unitsSince(calls, from);
      console.log(
        `${label.padEnd(20)} ${read.toFixed(1).padStart(6)} RCU ${write.toFixed(1).padStart(6)} WCU`,
      );
    };
    console.log('call                    read   write   (one call, item sizes as in the tests)');
    let activationId = '';
    await measure('activation start', async () => {
      activationId = (
        await startActivation(deps, { key: license.key, fingerprint: 'bench-host-1' })
      ).activationId;
    });
    let token = '';
    await measure('activation finish', async () => {
      token = (await finishActivation(deps, activationId, lastCode())).activationToken;
    });
    await measure('validate', () =>
      validate(deps, { key: license.key, fingerprint: 'bench-host-1', module: 'x' }),
    );
    await measure('refresh', async () =>
      refreshActivation(deps, await authenticateInstance(deps, token)),
    );

    // Devices off the internet (docs/offline.md).
    let etag = '';
    await measure('file GET, 200', async () => {
      const file = await deviceLicenseFile(
        deps,
        await authenticateInstance(deps, token),
        undefined,
      );
      etag = file.etag;
    });
    await measure('file GET, 304', async () => {
      const file = await deviceLicenseFile(deps, await authenticateInstance(deps, token), etag);
      if (!file.notModified) throw new Error('expected not modified');
    });
    const folder = await mkdtemp(join(tmpdir(), 'tessera-bench-offline-'));
    try {
      const box = new OfflineDevice(join(folder, 'box'));
      const request = await box.activationRequest({ key: license.key, fingerprint: 'bench-box-1' });
      let offlineId = '';
      await measure('offline activation', async () => {
        offlineId = (await activateOffline(deps, admin.principal, license.id, request))
          .activationId;
      });
      const renewed = await currentLicenseFile(deps, admin.principal, license.id, offlineId);
      const signer = deps.signer as LicenseSigner;
      const jwks = { keys: [await signer.publicJwk()] };
      await box.install(renewed.licenseFile, { jwks, fingerprint: 'bench-box-1' });
      const proof = await box.returnLicense();
      await measure('offline return', () =>
        returnOffline(deps, admin.principal, license.id, proof),
      );
      await measure('RMA, by fingerprint', () =>
        rehost(deps, admin.principal, license.id, activationId, {
          reason: 'bench',
          fingerprint: 'bench-spare-1',
        }),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
};
