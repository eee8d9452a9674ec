import { randomBytes } from 'node:crypto';
import {
  authenticateInstance,
  finishActivation,
  refreshActivation,
  startActivation,
  validate,
} from '../lambdas/domain/activations.ts';
import { IssueLicenseInput, issueLicense } from '../lambdas/domain/licenses.ts';
import { CreateProductInput, createProduct } from '../lambdas/domain/products.ts';
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
  });
};
