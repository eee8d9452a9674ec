import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { Ticket } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';
import { NewTicket } from './NewTicket.tsx';
import {
  TicketChart,
  type TicketStatus,
  TicketStatusBadge,
  ticketStatuses,
} from './TicketStatus.tsx';

/** Tickets: the agents' queue for the vendor's staff, the company's tickets in the portal. */
export const Tickets = () => {
  const session = useSession();
  const person = session.state.status === 'signedIn' ? session.state.person : undefined;
  if (person?.customerId) {
    return (
      <CompanyTickets
        customerId={person.customerId}
        // A company user with no project limit sees the company's tickets, a user their own.
        company={person.role === 'customer-admin' && !person.projectIds}
      />
    );
  }
  return <TicketQueue />;
};

const TicketTable = ({ items, withCustomer }: { items: Ticket[]; withCustomer?: boolean }) => {
  const { t, formatDate } = useI18n();
  return (
    <table>
      <TableHead
        columns={[
          t('tickets.number'),
          t('tickets.subject'),
          ...(withCustomer ? [t('tickets.customer')] : []),
          t('tickets.service'),
          t('tickets.statusLabel'),
          t('tickets.lastMessage'),
        ]}
      />
      <tbody>
        {items.map((ticket) => (
          <tr key={ticket.id}>
            <td className="mono">{ticket.number}</td>
            <td>
              <a href={href.ticket(ticket.id)}>{ticket.subject}</a>
            </td>
            {withCustomer ? (
              <td>
                {ticket.customerId ? (
                  <a href={href.customer(ticket.customerId)}>{ticket.customerId}</a>
                ) : (
                  t('tickets.triage')
                )}
              </td>
            ) : null}
            <td>{ticket.service ?? '—'}</td>
            <td>
              <TicketStatusBadge status={ticket.status} />
            </td>
            <td>{formatDate(ticket.lastMessageAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

const CompanyTickets = ({ customerId, company }: { customerId: string; company: boolean }) => {
  const { t } = useI18n();
  const [tab, setTab] = useState<'all' | 'mine'>(company ? 'all' : 'mine');
  const [opening, setOpening] = useState(false);
  const stats = (mine: boolean) => ({
    queryKey: ['tickets', 'stats', customerId, mine],
    queryFn: () =>
      call(
        api().GET('/customers/{customerId}/ticket-stats', {
          params: { path: { customerId }, query: { mine: mine ? 'true' : 'false' } },
        }),
      ),
  });
  const companyStats = useQuery({ ...stats(false), enabled: company });
  const myStats = useQuery(stats(true));
  const mine = tab === 'mine';
  const paged = usePaged(['tickets', customerId, tab], (cursor) =>
    call(
      api().GET('/customers/{customerId}/tickets', {
        params: {
          path: { customerId },
          query: { limit: 25, mine: mine ? 'true' : 'false', ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('tickets.title')}</h1>
      <div className="ticket-charts">
        {company && companyStats.data ? (
          <TicketChart title={t('tickets.companyChart')} counts={companyStats.data} />
        ) : null}
        {myStats.data ? <TicketChart title={t('tickets.myChart')} counts={myStats.data} /> : null}
      </div>
      <div className="toolbar">
        {company ? (
          <div role="tablist" aria-label={t('tickets.title')}>
            {(['all', 'mine'] as const).map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={tab === name}
                onClick={() => setTab(name)}
              >
                {t(name === 'all' ? 'tickets.allTab' : 'tickets.myTab')}
              </button>
            ))}
          </div>
        ) : null}
        <button type="button" className="primary" onClick={() => setOpening(true)}>
          {t('tickets.new')}
        </button>
      </div>
      <ErrorNotice
        error={paged.query.error ?? companyStats.error ?? myStats.error}
        onRetry={() => void paged.query.refetch()}
      />
      {paged.query.isPending ? <Loading /> : null}
      {paged.items.length === 0 && paged.query.data ? <p>{t('tickets.none')}</p> : null}
      {paged.items.length > 0 ? <TicketTable items={paged.items} /> : null}
      <Pager {...paged} />
      {opening ? <NewTicket customerId={customerId} onClose={() => setOpening(false)} /> : null}
    </main>
  );
};

const TicketQueue = () => {
  const { t } = useI18n();
  const [status, setStatus] = useState<TicketStatus>('new');
  const [service, setService] = useState('');
  const [triage, setTriage] = useState(false);
  const paged = usePaged(['tickets', 'queue', status, service, triage], (cursor) =>
    call(
      api().GET('/tickets', {
        params: {
          query: {
            status,
            limit: 50,
            ...(service.trim() ? { service: service.trim() } : {}),
            ...(triage ? { triage: 'true' as const } : {}),
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    ),
  );
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('tickets.queueTitle')}</h1>
      <div className="toolbar">
        <Field label={t('tickets.statusLabel')}>
          <select value={status} onChange={(e) => setStatus(e.target.value as TicketStatus)}>
            {ticketStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`tickets.status.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('tickets.service')}>
          <input value={service} onChange={(e) => setService(e.target.value)} />
        </Field>
        <label className="inline">
          <input type="checkbox" checked={triage} onChange={(e) => setTriage(e.target.checked)} />
          {t('tickets.onlyTriage')}
        </label>
      </div>
      <ErrorNotice error={paged.query.error} onRetry={() => void paged.query.refetch()} />
      {paged.query.isPending ? <Loading /> : null}
      {paged.items.length === 0 && paged.query.data ? <p>{t('tickets.none')}</p> : null}
      {paged.items.length > 0 ? <TicketTable items={paged.items} withCustomer /> : null}
      <Pager {...paged} />
    </main>
  );
};
