import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { TableHead } from '../../ui/TableHead.tsx';

/**
 * A project's on-site relays (docs/relay.md): when each last reached Tessera, what it reported and
 * the seats it holds; a new relay's credential is shown once; removing one revokes it at once.
 */
export const ProjectRelays = ({
  customerId,
  projectId,
  projectName,
}: {
  customerId: string;
  projectId: string;
  projectName: string;
}) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const key = ['relays', customerId, projectId] as const;
  const relays = useQuery({
    queryKey: key,
    queryFn: () =>
      call(
        api().GET('/customers/{customerId}/projects/{projectId}/relays', {
          params: { path: { customerId, projectId } },
        }),
      ),
  });
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () =>
      call(
        api().POST('/customers/{customerId}/projects/{projectId}/relays', {
          params: { path: { customerId, projectId } },
          body: { name: name.trim() },
        }),
      ),
    onSuccess: () => setName(''),
    onSettled: () => void queries.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (relayId: string) =>
      call(
        api().DELETE('/customers/{customerId}/projects/{projectId}/relays/{relayId}', {
          params: { path: { customerId, projectId, relayId } },
        }),
      ),
    onSettled: () => void queries.invalidateQueries({ queryKey: key }),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const items = relays.data?.items ?? [];
  return (
    <div className="stack">
      <h3>{t('relays.of', { project: projectName })}</h3>
      <ErrorNotice error={relays.error ?? create.error ?? remove.error} />
      {relays.data && items.length === 0 ? <p>{t('common.none')}</p> : null}
      {items.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('relays.name'),
              t('relays.lastContact'),
              t('relays.holds'),
              t('common.actions'),
            ]}
          />
          <tbody>
            {items.map((relay) => (
              <tr key={relay.id}>
                <td>{relay.name}</td>
                <RelayContactCells relay={relay} />
                <td className="row-actions">
                  <ConfirmButton
                    danger
                    label={t('relays.remove', { name: relay.name })}
                    question={t('relays.confirmRemove', { name: relay.name })}
                    onConfirm={() => remove.mutate(relay.id)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form onSubmit={onSubmit} className="toolbar">
        <Field label={t('relays.newName', { project: projectName })}>
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <button type="submit" disabled={create.isPending || name.trim() === ''}>
          {t('relays.create')}
        </button>
      </form>
      {create.data ? (
        <div role="status" className="notice">
          <p>{t('relays.credentialOnce', { name: create.data.relay.name })}</p>
          <Field label={t('relays.credential')}>
            <input readOnly className="mono" value={create.data.credential} />
          </Field>
        </div>
      ) : null}
    </div>
  );
};

type RelayRow = {
  lastContactAt?: string;
  allotments: { seats: number; productCode: string }[];
  report?: { inUse: number };
};

/** A relay's last contact and what it holds (and has in use): two cells of a relay's row. */
export const RelayContactCells = ({ relay }: { relay: RelayRow }) => {
  const { t, formatDate } = useI18n();
  return (
    <>
      <td>{relay.lastContactAt ? formatDate(relay.lastContactAt) : t('relays.never')}</td>
      <td>
        {relay.allotments.length === 0
          ? t('common.none')
          : relay.allotments
              .map((a) => t('relays.seatsOf', { seats: a.seats, product: a.productCode }))
              .join(', ')}
        {relay.report ? ` · ${t('relays.inUse', { count: relay.report.inUse })}` : ''}
      </td>
    </>
  );
};
