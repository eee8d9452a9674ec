import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { call, isNotFound } from '../../api/problem.ts';
import type { License } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { NotFound } from '../NotFound.tsx';
import { History } from './History.tsx';
import { Instances } from './Instances.tsx';
import { OfflineFiles } from './OfflineFiles.tsx';
import { Terms } from './Terms.tsx';

export const licenseKey = (licenseId: string) => ['licenses', 'one', licenseId] as const;

/** One license: its terms (editable), modules, instances, lifecycle actions and history. */
export const LicensePage = ({ licenseId }: { licenseId: string }) => {
  const { t } = useI18n();
  const license = useQuery({
    queryKey: licenseKey(licenseId),
    queryFn: () => call(api().GET('/licenses/{licenseId}', { params: { path: { licenseId } } })),
    retry: (count, error) => !isNotFound(error) && count < 2,
  });
  if (isNotFound(license.error)) return <NotFound />;
  if (license.isPending) return <Loading />;
  if (!license.data) {
    return (
      <main id="main" tabIndex={-1}>
        <ErrorNotice error={license.error} onRetry={() => void license.refetch()} />
      </main>
    );
  }
  const data = license.data;
  return (
    <main id="main" tabIndex={-1}>
      <h1>
        {t('license.title', { serial: data.serial })}{' '}
        <StatusBadge status={data.status} daysLeft={data.daysLeft} />
      </h1>
      <Lifecycle license={data} />
      <Terms license={data} />
      <section aria-labelledby="modules-heading">
        <h2 id="modules-heading">{t('license.modules')}</h2>
        {data.modules.length ? (
          <ul className="chips">
            {data.modules.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : (
          <p>{t('common.none')}</p>
        )}
      </section>
      <Instances licenseId={licenseId} />
      <OfflineFiles licenseId={licenseId} />
      <History licenseId={licenseId} />
    </main>
  );
};

type Action = 'suspend' | 'reinstate' | 'revoke';

const Lifecycle = ({ license }: { license: License }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const act = useMutation({
    mutationFn: (action: Action) => {
      const options = {
        params: { path: { licenseId: license.id } },
        headers: { 'if-match': `"${license.version}"` },
      };
      if (action === 'suspend') return call(api().POST('/licenses/{licenseId}/suspend', options));
      if (action === 'reinstate')
        return call(api().POST('/licenses/{licenseId}/reinstate', options));
      return call(api().POST('/licenses/{licenseId}/revoke', options));
    },
    onSettled: () => void queries.invalidateQueries({ queryKey: ['licenses'] }),
  });
  const stored = license.storedStatus;
  const serial = license.serial;
  return (
    <div className="toolbar">
      {stored === 'active' ? (
        <ConfirmButton
          label={t('license.suspend')}
          question={t('license.confirmSuspend', { serial })}
          onConfirm={() => act.mutate('suspend')}
        />
      ) : null}
      {stored === 'suspended' ? (
        <ConfirmButton
          label={t('license.reinstate')}
          question={t('license.confirmReinstate', { serial })}
          onConfirm={() => act.mutate('reinstate')}
        />
      ) : null}
      {stored !== 'revoked' ? (
        <ConfirmButton
          danger
          label={t('license.revoke')}
          question={t('license.confirmRevoke', { serial })}
          onConfirm={() => act.mutate('revoke')}
        />
      ) : null}
      <ErrorNotice
        error={act.error}
        onReload={() => void queries.invalidateQueries({ queryKey: ['licenses'] })}
      />
    </div>
  );
};
