import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useCustomerProjects } from '../../api/projects.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';

/** Opens a ticket about one service of the company's support contract, in one of its projects. */
export const NewTicket = ({ customerId, onClose }: { customerId: string; onClose: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const customer = useQuery({
    queryKey: ['customers', 'one', customerId],
    queryFn: () => call(api().GET('/customers/{customerId}', { params: { path: { customerId } } })),
  });
  const projects = useCustomerProjects(customerId);
  const services = customer.data?.supportServices ?? [];
  const [subject, setSubject] = useState('');
  const [service, setService] = useState('');
  const [projectId, setProjectId] = useState('');
  const [body, setBody] = useState('');
  const open = useMutation({
    mutationFn: () =>
      call(
        api().POST('/customers/{customerId}/tickets', {
          params: { path: { customerId } },
          body: {
            subject: subject.trim(),
            service: service || services[0] || '',
            body: body.trim(),
            ...(projectId ? { projectId } : {}),
          },
        }),
      ),
    onSuccess: (ticket) => {
      void queries.invalidateQueries({ queryKey: ['tickets'] });
      window.location.hash = href.ticket(ticket.id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    open.mutate();
  };
  return (
    <Modal title={t('tickets.new')} onClose={onClose}>
      {customer.data && services.length === 0 ? (
        <p>{t('tickets.noContract')}</p>
      ) : (
        <form className="stack" onSubmit={submit}>
          <Field label={t('tickets.subject')}>
            <input
              required
              maxLength={200}
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
            />
          </Field>
          <Field label={t('tickets.service')}>
            <select
              value={service || services[0] || ''}
              onChange={(e) => setService(e.target.value)}
            >
              {services.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('tickets.project')}>
            <select value={projectId} onChange={(e) => setProjectId(e.target.value)}>
              <option value="">{t('tickets.noProject')}</option>
              {(projects.data?.items ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('tickets.message')}>
            <textarea required rows={6} value={body} onChange={(e) => setBody(e.target.value)} />
          </Field>
          <ErrorNotice error={customer.error ?? open.error} onRetry={() => open.mutate()} />
          <div className="actions">
            <button type="submit" className="primary" disabled={open.isPending}>
              {t('tickets.send')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
};
