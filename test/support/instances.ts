import { activationSecrets } from '../../lambdas/adapters/activation-secrets.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { auditEvent } from '../../lambdas/domain/audit.ts';
import type { Stores } from '../../lambdas/store/index.ts';

const ids = idGenerator();

/**
 * An activated instance of a license, written through the store as the activation flow would
 * (without the e-mailed code), and its activation token.
 */
export const activatedInstance = async (
  stores: Stores,
  licenseId: string,
  fingerprint: string,
  hostname?: string,
) => {
  const now = new Date().toISOString();
  const activation = {
    id: ids.next('act'),
    licenseId,
    fingerprint,
    ...(hostname ? { hostname } : {}),
    status: 'pending' as const,
    attempts: 0,
    resends: 0,
    createdAt: now,
  };
  const issued = activationSecrets.newToken(activation.id);
  await stores.activations.createPending(
    activation,
    { maxPending: 100, codeEmailsPerHour: 1000 },
    new Date(now),
  );
  const event = auditEvent(
    { principal: { kind: 'instance', activationId: activation.id }, now: new Date(now), ids },
    'license.instance-activated',
    { type: 'license', id: licenseId },
    null,
    { activationId: activation.id, fingerprint, status: 'active' },
  );
  await stores.activations.activateNew(activation, issued.hash, now, event);
  return { activationId: activation.id, token: issued.token };
};
