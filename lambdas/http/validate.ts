import { ValidateInput, validate } from '../domain/activations.ts';
import { activationDeps, noMailer, noSigner } from './activation-deps.ts';
import { httpHandler, parsed } from './handler.ts';

export const handler = httpHandler('validate', {
  validateLicense: (r) =>
    validate(
      activationDeps(r.runtime, { mailer: noMailer, signer: noSigner }),
      parsed(ValidateInput, r.input.body),
    ),
});
