import { buildJwks, JWKS_CACHE_CONTROL } from '../adapters/jwks.ts';
import {
  currentLicenseFile,
  finishActivation,
  refreshActivation,
  returnActivation,
} from '../domain/activations.ts';
import { activateOffline, deviceLicenseFile, rehost, returnOffline } from '../domain/offline.ts';
import { instanceRoutes } from '../routes/instance.ts';
import { statsStore } from '../store/stats.ts';
import { activationDeps, noMailer } from '../wiring/activation-deps.ts';
import { countDaily, countingOutcome } from '../wiring/business-metrics.ts';
import { currentSigner, retiredKeys } from '../wiring/signing.ts';
import { httpHandler, instanceOf, type OperationRequest, Validated } from './handler.ts';
import { instanceGuards } from './instance-guards.ts';

const deps = (r: OperationRequest) =>
  activationDeps(r.runtime, { mailer: noMailer, signer: currentSigner() });

export const handler = httpHandler(
  instanceRoutes,
  {
    completeActivation: (r) =>
      countingOutcome(
        async () => {
          const done = await finishActivation(
            deps(r),
            r.input.path.activationId,
            r.input.body.code,
          );
          await countDaily(r.runtime.store(statsStore), 'activations', r.runtime.clock.now());
          return done;
        },
        'ActivationsCompleted',
        'ActivationsFailed',
      ),
    refreshLicenseFile: (r) => refreshActivation(deps(r), instanceOf(r)),
    returnActivation: (r) => returnActivation(deps(r), instanceOf(r)),
    getJwks: () => buildJwks([currentSigner(), ...retiredKeys()]),
    downloadLicenseFile: (r) =>
      currentLicenseFile(deps(r), r.principal, r.input.path.licenseId, r.input.path.activationId),
    getInstanceLicenseFile: async (r) => {
      const file = await deviceLicenseFile(deps(r), instanceOf(r), r.ifNoneMatch);
      return file.notModified ? new Validated(file.etag) : new Validated(file.etag, file.body);
    },
    activateOffline: (r) =>
      activateOffline(deps(r), r.principal, r.input.path.licenseId, r.input.body.request),
    returnOffline: (r) =>
      returnOffline(deps(r), r.principal, r.input.path.licenseId, r.input.body.proof),
    rehostActivation: (r) =>
      rehost(deps(r), r.principal, r.input.path.licenseId, r.input.path.activationId, r.input.body),
  },
  { guards: instanceGuards, responseHeaders: { getJwks: { 'cache-control': JWKS_CACHE_CONTROL } } },
);
