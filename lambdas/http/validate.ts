import { validate } from '../domain/activations.ts';
import { validateRoutes } from '../routes/validate.ts';
import { activationDeps, noMailer, noSigner } from '../wiring/activation-deps.ts';
import { countBusiness, failureCode } from '../wiring/business-metrics.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  validateRoutes,
  {
    validateLicense: async (r) => {
      try {
        const result = await validate(
          activationDeps(r.runtime, { mailer: noMailer, signer: noSigner }),
          r.input.body,
        );
        countBusiness('Validations', result.code);
        return result;
      } catch (error) {
        countBusiness('Validations', failureCode(error));
        throw error;
      }
    },
  },
  { guards },
);
