import { buildJwks, JWKS_CACHE_CONTROL } from '../adapters/jwks.ts';
import {
  ActivationPath,
  FinishActivationInput,
  finishActivation,
  refreshActivation,
  returnActivation,
} from '../domain/activations.ts';
import { activationDeps, authenticatedInstance, noMailer } from './activation-deps.ts';
import { countingOutcome } from './business-metrics.ts';
import { httpHandler, type OperationRequest, parsed } from './handler.ts';
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
    refreshLicenseFile: async (r) =>
      refreshActivation(deps(r), await authenticatedInstance(deps(r), r.bearer)),
    returnActivation: async (r) =>
      returnActivation(deps(r), await authenticatedInstance(deps(r), r.bearer)),
    getJwks: () => buildJwks([currentSigner(), ...retiredKeys()]),
  },
  { getJwks: { 'cache-control': JWKS_CACHE_CONTROL } },
);
