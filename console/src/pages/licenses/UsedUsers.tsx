import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { LicenseRow } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';
import { PoolAllotments } from './PoolAllotments.tsx';

/**
 * The seed's users modal behind "Used": who holds a seat of the license's pool now, searchable
 * by user, and the Used switch that signs a user out (their instance learns it at its next
 * heartbeat).
 */
export const UsedUsers = ({ license, onClose }: { license: LicenseRow; onClose: () => void }) => {
  const { t } = useI18n();
  return (
    <Modal title={t('licenses.usersTitle', { serial: license.serial })} onClose={onClose}>
      {license.competitive && license.customerId && license.projectId ? (
        <>
          <Seats
            pool={{
              customerId: license.customerId,
              projectId: license.projectId,
              productCode: license.productCode,
            }}
            customer={license.companyName ?? license.registeredEmail ?? ''}
          />
          <PoolAllotments
            pool={{
              customerId: license.customerId,
              projectId: license.projectId,
              productCode: license.productCode,
            }}
          />
        </>
      ) : (
        <p>{t('licenses.notConcurrent')}</p>
      )}
    </Modal>
  );
};

interface PoolPath {
  customerId: string;
  projectId: string;
  productCode: string;
}

const Seats = ({ pool, customer }: { pool: PoolPath; customer: string }) => {
  const { t, formatDate } = useI18n();
  const queries = useQueryClient();
  const [typed, setTyped] = useState('');
  const [userId, setUserId] = useState('');
  const key = ['seats', pool, userId] as const;
  const paged = usePaged(key, (cursor) =>
    call(
      api().GET('/customers/{customerId}/projects/{projectId}/pools/{productCode}/seats', {
        params: {
          path: pool,
          query: { limit: 25, ...(cursor ? { cursor } : {}), ...(userId ? { userId } : {}) },
        },
      }),
    ),
  );
  const signOut = useMutation({
    mutationFn: (user: string) =>
      call(
        api().DELETE(
          '/customers/{customerId}/projects/{projectId}/pools/{productCode}/users/{userId}/seats',
          { params: { path: { ...pool, userId: user } } },
        ),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['seats'] });
      void queries.invalidateQueries({ queryKey: ['licenses'] });
    },
  });
  const search = (event: FormEvent) => {
    event.preventDefault();
    setUserId(typed.trim());
  };
  return (
    <>
      <form onSubmit={search} className="toolbar">
        <label>
          <span className="visually-hidden">{t('licenses.searchUser')}</span>
          <input
            type="search"
            placeholder={t('licenses.searchUser')}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>
        <button type="submit">{t('common.search')}</button>
      </form>
      <ErrorNotice
        error={paged.query.error ?? signOut.error}
        onRetry={() => void paged.query.refetch()}
      />
      {paged.query.isPending ? <Loading /> : null}
      {paged.query.data && paged.items.length === 0 ? <p>{t('licenses.noUsers')}</p> : null}
      {paged.items.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('licenses.customer'),
              t('licenses.user'),
              t('licenses.since'),
              t('licenses.lastHeartbeat'),
              t('licenses.used'),
            ]}
          />
          <tbody>
            {paged.items.map((seat) => (
              <tr key={seat.sessionId}>
                <td>{customer}</td>
                <td>{seat.userId}</td>
                <td>{formatDate(seat.since)}</td>
                <td>{new Date(seat.heartbeatAt).toLocaleTimeString()}</td>
                <td>
                  <input
                    type="checkbox"
                    role="switch"
                    checked
                    aria-checked
                    disabled={signOut.isPending}
                    aria-label={t('licenses.usedSwitch', { user: seat.userId })}
                    onChange={() => signOut.mutate(seat.userId)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager {...paged} />
    </>
  );
};
