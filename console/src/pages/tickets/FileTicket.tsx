import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { TicketThread } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';

/**
 * Triage: a ticket that came by e-mail from a sender no customer is known by. An agent files it
 * under a customer and one of its support services; the API checks both.
 */
export const FileTicket = ({ ticket }: { ticket: TicketThread }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [customerId, setCustomerId] = useState('');
  const [service, setService] = useState('');
  const customers = useQuery({
    queryKey: ['customers', 'first-100'],
    queryFn: () => call(api().GET('/customers', { params: { query: { limit: 100 } } })),
  });
  const chosen = customers.data?.items.find((c) => c.id === customerId);
  const file = useMutation({
    mutationFn: () =>
      call(
        api().PATCH('/tickets/{ticketId}', {
          params: { path: { ticketId: ticket.id } },
          body: { customerId, service },
        }),
      ),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['tickets'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    file.mutate();
  };
  return (
    <form className="toolbar" onSubmit={submit} aria-labelledby="triage-heading">
      <h2 id="triage-heading">{t('tickets.triageHeading')}</h2>
      <Field label={t('tickets.customer')}>
        <select
          required
          value={customerId}
          onChange={(e) => {
            setCustomerId(e.target.value);
            setService('');
          }}
        >
          <option value="">{t('tickets.chooseCustomer')}</option>
          {customers.data?.items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('tickets.service')}>
        <select required value={service} onChange={(e) => setService(e.target.value)}>
          <option value="">{t('tickets.chooseService')}</option>
          {(chosen?.supportServices ?? []).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" className="primary" disabled={file.isPending}>
        {t('tickets.file')}
      </button>
      <ErrorNotice error={customers.error ?? file.error} />
    </form>
  );
};
