import { ValidateInput } from '../domain/activations.ts';
import { ValidationView } from '../http/meta-schemas.ts';
import { route } from './route.ts';

/** The `validate` group's routes (see ./route.ts for what a route says). */
export const validateRoutes = [
  route({
    operationId: 'validateLicense',
    method: 'POST',
    path: '/instance/validate',
    group: 'validate',
    auth: 'none',
    instanceFacing: true,
    status: 200,
    summary: 'Check a key (and fingerprint, module): { valid, code } in a documented precedence',
    schemas: { body: ValidateInput, response: ValidationView },
  }),
] as const;
