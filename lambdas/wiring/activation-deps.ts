import { activationSecrets } from '../adapters/activation-secrets.ts';
import { deviceSignatures } from '../adapters/device-signatures.ts';
import type { ActivationDeps } from '../domain/activations.ts';
import { activationStore } from '../store/activations.ts';
import { customerStore } from '../store/customers.ts';
import { licenseStore } from '../store/licenses.ts';
import { productStore } from '../store/products.ts';
import { readerLanguage } from './language.ts';
import type { Runtime } from './runtime.ts';

/** The activation use cases' ports, from the runtime plus this function's mailer or signer. */
export const activationDeps = (
  runtime: Runtime,
  extra: Pick<ActivationDeps, 'mailer' | 'signer'>,
): ActivationDeps => ({
  activations: runtime.store(activationStore),
  licenses: runtime.store(licenseStore),
  products: runtime.store(productStore),
  customers: runtime.store(customerStore),
  language: readerLanguage(runtime),
  secrets: activationSecrets,
  devices: deviceSignatures,
  ids: runtime.ids,
  fileId: () => runtime.ids.next('evt'),
  now: () => runtime.clock.now(),
  limits: {
    maxPending: runtime.config.ACTIVATION_MAX_PENDING,
    codeEmailsPerHour: runtime.config.ACTIVATION_CODE_EMAILS_PER_HOUR,
  },
  ...extra,
});

/** Functions that must never send or sign get these: a call would be a wiring bug. */
export const noMailer: ActivationDeps['mailer'] = {
  send: () => Promise.reject(new Error('This function does not send e-mail')),
};
export const noSigner: ActivationDeps['signer'] = {
  sign: () => Promise.reject(new Error('This function does not sign license files')),
};
