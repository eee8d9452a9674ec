import {
  ActivatedView,
  ActivationPath,
  FinishActivationInput,
  LicenseActivationPath,
  RefreshedView,
} from '../domain/activations.ts';
import { JwksView, ReturnedView } from '../http/meta-schemas.ts';
import { route } from './route.ts';

/** The `instance` group's routes (see ./route.ts for what a route says). */
export const instanceRoutes = [
  route({
    operationId: 'completeActivation',
    idempotent: false,
    method: 'POST',
    path: '/instance/activations/{activationId}/complete',
    group: 'instance',
    auth: 'none',
    instanceFacing: true,
    status: 200,
    summary: 'Activation step 2: the code; answers the activation token and the license file',
    schemas: { path: ActivationPath, body: FinishActivationInput, response: ActivatedView },
  }),
  route({
    operationId: 'refreshLicenseFile',
    method: 'POST',
    path: '/instance/refresh',
    group: 'instance',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'A fresh license file with the current terms',
    schemas: { response: RefreshedView },
  }),
  route({
    operationId: 'returnActivation',
    method: 'POST',
    path: '/instance/return',
    group: 'instance',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Deactivate this instance; the slot goes back where the product allows',
    schemas: { response: ReturnedView },
  }),
  route({
    operationId: 'getJwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    group: 'instance',
    auth: 'none',
    status: 200,
    summary: 'Public keys that verify license files (JWKS)',
    schemas: { response: JwksView },
  }),
  route({
    operationId: 'downloadLicenseFile',
    method: 'GET',
    path: '/licenses/{licenseId}/activations/{activationId}/license-file',
    group: 'instance',
    auth: 'token',
    status: 200,
    summary:
      "An instance's current license file, signed now with the license's terms (the portal's download)",
    schemas: { path: LicenseActivationPath, response: RefreshedView },
  }),
] as const;
