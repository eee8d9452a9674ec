import { activationSecrets } from '../adapters/activation-secrets.ts';
import { authenticateInstance } from '../domain/activations.ts';
import { activationStore } from '../store/activations.ts';
import { runtime } from '../wiring/runtime.ts';
import { authenticateWith, type Guards, guards } from './guards.ts';

/** The guards of the groups whose routes instances call with their activation token. */
export const instanceGuards: Guards = {
  ...guards,
  authenticate: authenticateWith((bearer) =>
    authenticateInstance(
      { activations: runtime().store(activationStore), secrets: activationSecrets },
      bearer,
    ),
  ),
};
