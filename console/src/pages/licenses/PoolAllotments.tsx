import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { TableHead } from '../../ui/TableHead.tsx';

/** The seats on-site relays hold of a pool: part of its Used, served on their LANs. */
export const PoolAllotments = ({
  pool,
}: {
  pool: { customerId: string; projectId: string; productCode: string };
}) => {
  const { t, formatDate } = useI18n();
  const allotments = useQuery({
    queryKey: ['allotments', pool],
    queryFn: () =>
      call(
        api().GET('/customers/{customerId}/projects/{projectId}/pools/{productCode}/allotments', {
          params: { path: pool },
        }),
      ),
  });
  const items = allotments.data?.items ?? [];
  return (
    <section aria-labelledby="allotments-heading">
      <h3 id="allotments-heading">{t('relays.allotments')}</h3>
      <ErrorNotice error={allotments.error} />
      {allotments.data && items.length === 0 ? <p>{t('common.none')}</p> : null}
      {items.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('relays.name'),
              t('relays.seats'),
              t('relays.lastContact'),
              t('relays.until'),
            ]}
          />
          <tbody>
            {items.map((a) => (
              <tr key={a.relayId}>
                <td>{a.relayName}</td>
                <td>{a.seats}</td>
                <td>{a.lastContactAt ? formatDate(a.lastContactAt) : t('relays.never')}</td>
                <td>{formatDate(a.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
};
