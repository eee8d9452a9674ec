import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';
import { Rehost } from './Rehost.tsx';
import { fileNameOf, saveAs } from './save-file.ts';

/** The instances activated on a license, their current license files, and their deactivation. */
/**
 * An RMA's placeholder: the slot moved to a replacement fingerprint that has not activated yet
 * (it activates online with the key and the e-mailed code, and then supersedes this).
 */
const awaitsReplacement = (a: {
  status: string;
  replaces?: string;
  offline?: boolean;
  lastSeenAt?: string;
}) => a.status === 'active' && a.replaces !== undefined && !a.offline && !a.lastSeenAt;

export const Instances = ({ licenseId }: { licenseId: string }) => {
  const { t, formatDate } = useI18n();
  const queries = useQueryClient();
  const paged = usePaged(['licenses', 'activations', licenseId], (cursor) =>
    call(
      api().GET('/licenses/{licenseId}/activations', {
        params: { path: { licenseId }, query: { limit: 25, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const deactivate = useMutation({
    mutationFn: (activationId: string) =>
      call(
        api().DELETE('/licenses/{licenseId}/activations/{activationId}', {
          params: { path: { licenseId, activationId } },
        }),
      ),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['licenses'] }),
  });
  // The file the instance would get by refreshing now: for a device carried by hand.
  const download = useMutation({
    mutationFn: async ({ activationId, host }: { activationId: string; host: string }) => {
      const file = await call(
        api().GET('/licenses/{licenseId}/activations/{activationId}/license-file', {
          params: { path: { licenseId, activationId } },
        }),
      );
      saveAs(fileNameOf(host), file.licenseFile);
      return file;
    },
  });
  return (
    <section aria-labelledby="instances-heading">
      <h2 id="instances-heading">{t('license.instances')}</h2>
      <ErrorNotice
        error={paged.query.error ?? deactivate.error ?? download.error}
        onRetry={() => void paged.query.refetch()}
      />
      {paged.items.length === 0 && paged.query.data ? <p>{t('common.none')}</p> : null}
      {paged.items.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('license.instance'),
              t('license.fingerprint'),
              t('licenses.status'),
              t('license.activatedAt'),
              t('common.actions'),
            ]}
          />
          <tbody>
            {paged.items.map((a) => {
              const host = a.hostname ?? a.id;
              return (
                <tr key={a.id}>
                  <td>{host}</td>
                  <td className="mono">{a.fingerprint.slice(0, 16)}</td>
                  <td>
                    {a.status}
                    {a.offline ? ` · ${t('license.offline')}` : ''}
                    {a.offline && a.status === 'active' && a.offlineRefreshBy
                      ? ` · ${t('license.renewBy', { date: formatDate(a.offlineRefreshBy) })}`
                      : ''}
                    {a.replacedBy ? ` → ${a.replacedBy}` : ''}
                    {awaitsReplacement(a) ? ` · ${t('license.awaitingReplacement')}` : ''}
                  </td>
                  <td>{formatDate(a.activatedAt ?? a.createdAt)}</td>
                  <td className="row-actions">
                    {a.status === 'active' ? (
                      <button
                        type="button"
                        disabled={download.isPending}
                        onClick={() => download.mutate({ activationId: a.id, host })}
                      >
                        {t('license.downloadFile', { host })}
                      </button>
                    ) : null}
                    {a.status === 'active' ? (
                      <Rehost licenseId={licenseId} activationId={a.id} host={host} />
                    ) : null}
                    {a.status === 'active' ? (
                      <ConfirmButton
                        label={t('license.deactivate')}
                        question={t('license.confirmDeactivate', { host })}
                        onConfirm={() => deactivate.mutate(a.id)}
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <Pager {...paged} />
    </section>
  );
};
