import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';
import { RelayContactCells } from '../customers/Relays.tsx';

/**
 * Every customer's on-site relays for the vendor's staff, newest first (docs/relay.md): where
 * each runs, when it last reached Tessera, and the seats it holds. They are made and removed on
 * their customer's page.
 */
export const AllRelays = () => {
  const { t } = useI18n();
  const paged = usePaged(['relays', 'all'], (cursor) =>
    call(api().GET('/relays', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
  );
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('relays.heading')}</h1>
      <p>{t('relays.everyCustomer')}</p>
      <ErrorNotice error={paged.query.error} onRetry={() => void paged.query.refetch()} />
      {paged.query.isPending ? <Loading /> : null}
      {paged.query.data && paged.items.length === 0 ? <p>{t('common.none')}</p> : null}
      {paged.items.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('relays.name'),
              t('relays.customer'),
              t('relays.project'),
              t('relays.lastContact'),
              t('relays.holds'),
            ]}
          />
          <tbody>
            {paged.items.map((relay) => (
              <tr key={relay.id}>
                <td>{relay.name}</td>
                <td>
                  <a href={href.customer(relay.customerId)}>
                    {relay.customerName ?? relay.customerId}
                  </a>
                </td>
                <td>{relay.projectName ?? relay.projectId}</td>
                <RelayContactCells relay={relay} />
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager {...paged} />
    </main>
  );
};
