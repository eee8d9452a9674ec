import { ActivationPath, StartActivationInput, StartedView } from '../domain/activations.ts';
import { route } from './route.ts';

/** The `activation` group's routes (see ./route.ts for what a route says). */
export const activationRoutes = [
  route({
    operationId: 'startActivation',
    location: (a) => `/instance/activations/${a.activationId}`,
    method: 'POST',
    path: '/instance/activations',
    group: 'activation',
    auth: 'none',
    instanceFacing: true,
    status: 201,
    summary: 'Activation step 1: license key + fingerprint; a code goes to the registered e-mail',
    schemas: { body: StartActivationInput, response: StartedView },
  }),
  route({
    operationId: 'resendActivationCode',
    method: 'POST',
    path: '/instance/activations/{activationId}/resend',
    group: 'activation',
    auth: 'none',
    instanceFacing: true,
    status: 200,
    summary: 'Send a new code (the old one stops working); limited',
    schemas: { path: ActivationPath, response: StartedView },
  }),
] as const;
