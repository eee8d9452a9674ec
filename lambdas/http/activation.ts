import {
  ActivationPath,
  resendCode,
  StartActivationInput,
  startActivation,
} from '../domain/activations.ts';
import { activationDeps, noSigner } from './activation-deps.ts';
import { countingOutcome } from './business-metrics.ts';
import { httpHandler, type OperationRequest, parsed } from './handler.ts';
import { currentMailer } from './mailing.ts';

const deps = (r: OperationRequest) =>
  activationDeps(r.runtime, { mailer: currentMailer(), signer: noSigner });

export const handler = httpHandler('activation', {
  startActivation: (r) =>
    countingOutcome(
      () => startActivation(deps(r), parsed(StartActivationInput, r.input.body)),
      'ActivationsStarted',
      'ActivationsFailed',
    ),
  resendActivationCode: (r) =>
    resendCode(deps(r), parsed(ActivationPath, r.input.path).activationId),
});
