import { buildJwks, JWKS_CACHE_CONTROL } from '../adapters/jwks.ts';
import {
  ActivationPath,
  FinishActivationInput,
  finishActivation,
  refreshActivation,
  returnActivation,
} from '../domain/activations.ts';
import { activationDeps, noMailer } from './activation-deps.ts';
import { countingOutcome } from './business-metrics.ts';
import { httpHandler, instanceOf, type OperationRequest, parsed } from './handler.ts';
import { currentSigner, retiredKeys } from './signing.ts';

const deps = (r: OperationRequest) =>
  activationDeps(r.runtime, { mailer: noMailer, signer: currentSigner() });

export const handler = httpHandler(
  'instance',
  {
    completeActivation: (r) =>
      countingOutcome(
        () =>
          finishActivation(
            deps(r),
            parsed(ActivationPath, r.input.path).activationId,
            parsed(FinishActivationInput, r.input.body).code,
          ),
        'ActivationsCompleted',
        'ActivationsFailed',
      ),
    refreshLicenseFile: (r) => refreshActivation(deps(r), instanceOf(r)),
    returnActivation: (r) => returnActivation(deps(r), instanceOf(r)),
    getJwks: () => buildJwks([currentSigner(), ...retiredKeys()]),
  },
  { getJwks: { 'cache-control': JWKS_CACHE_CONTROL } },
);
