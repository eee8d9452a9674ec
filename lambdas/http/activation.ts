import { resendCode, startActivation } from '../domain/activations.ts';
import { activationRoutes } from '../routes/activation.ts';
import { activationDeps, noSigner } from '../wiring/activation-deps.ts';
import { countingOutcome } from '../wiring/business-metrics.ts';
import { currentMailer } from '../wiring/mailing.ts';
import { guards } from './guards.ts';
import { httpHandler, type OperationRequest } from './handler.ts';

const deps = (r: OperationRequest) =>
  activationDeps(r.runtime, { mailer: currentMailer(), signer: noSigner });

export const handler = httpHandler(
  activationRoutes,
  {
    startActivation: (r) =>
      countingOutcome(
        () => startActivation(deps(r), r.input.body),
        'ActivationsStarted',
        'ActivationsFailed',
      ),
    resendActivationCode: (r) => resendCode(deps(r), r.input.path.activationId),
  },
  { guards },
);
