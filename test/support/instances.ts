import { activationSecrets } from '../../lambdas/adapters/activation-secrets.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import type { Stores } from '../../lambdas/store/index.ts';

const ids = idGenerator();

/**
 * An activated instance of a license, written through the store as the activation flow would
 * (without the e-mailed code), and its activation token.
 */
export const activatedInstance = async (stores: Stores, licenseId: string, fingerprint: string) => {
  const now = new Date().toISOString();
  const activation = {
    id: ids.next('act'),
    licenseId,
    fingerprint,
    status: 'pending' as const,
    attempts: 0,
    resends: 0,
    createdAt: now,
  };
  const issued = activationSecrets.newToken(activation.id);
  await stores.activations.createPending(activation);
  await stores.activations.activateNew(activation, issued.hash, now);
  return { activationId: activation.id, token: issued.token };
};
