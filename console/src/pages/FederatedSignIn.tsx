import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, apiUrl } from '../api/client.ts';
import { call } from '../api/problem.ts';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Refusal } from '../ui/Refusal.tsx';

const FAILURES = ['FEDERATION_CANCELLED', 'FEDERATION_EXPIRED', 'FEDERATION_REFUSED'] as const;
type Failure = (typeof FAILURES)[number];

/** Why the identity provider's sign-in came back without a session (`#/?signIn=…`). */
const failureInHash = (): Failure | undefined => {
  const reason = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('signIn');
  return FAILURES.find((f) => f === reason);
};

/**
 * "Sign in with …" for each identity provider the installation federates (none locally). Each
 * is a plain link: the browser leaves for the provider and comes back signed in.
 */
export const FederatedSignIn = () => {
  const { t } = useI18n();
  const [failure] = useState(failureInHash);
  const providers = useQuery({
    queryKey: ['signInProviders'],
    queryFn: () => call(api().GET('/session/providers', {})),
    staleTime: Number.POSITIVE_INFINITY,
  });
  useEffect(() => {
    // Said once: a reload or a bookmark should not repeat it.
    if (failure) window.history.replaceState(null, '', '#/');
  }, [failure]);
  const list = providers.data?.providers ?? [];
  return (
    <>
      <Refusal message={failure ? t(`signIn.${failure}` as MessageKey) : undefined} />
      {list.length > 0 ? (
        <ul className="providers" aria-label={t('signIn.providers')}>
          {list.map((p) => (
            <li key={p.name}>
              <a
                className="button"
                href={apiUrl(`/session/federation/${encodeURIComponent(p.name)}`)}
              >
                {t('signIn.with', { provider: p.label })}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
};
