import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call, isNotFound } from '../../api/problem.ts';
import type { TicketThread } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { NotFound } from '../NotFound.tsx';
import { AttachmentLink, FilePicker, uploads } from './Attachments.tsx';
import { FileTicket } from './FileTicket.tsx';
import { type TicketStatus, TicketStatusBadge } from './TicketStatus.tsx';

/** One ticket: its thread, a reply (an internal note for agents), and for agents its status. */
export const TicketPage = ({ ticketId }: { ticketId: string }) => {
  const { t, formatDate } = useI18n();
  const session = useSession();
  const person = session.state.status === 'signedIn' ? session.state.person : undefined;
  const agent = person !== undefined && !person.customerId;
  const ticket = useQuery({
    queryKey: ['tickets', 'one', ticketId],
    queryFn: () => call(api().GET('/tickets/{ticketId}', { params: { path: { ticketId } } })),
    retry: (count, error) => !isNotFound(error) && count < 2,
    // A thread opened again shows at once what it held, and the replies since a moment later.
    refetchOnMount: 'always',
  });
  if (isNotFound(ticket.error)) return <NotFound />;
  if (ticket.isPending) return <Loading />;
  if (!ticket.data) {
    return (
      <main id="main" tabIndex={-1}>
        <ErrorNotice error={ticket.error} onRetry={() => void ticket.refetch()} />
      </main>
    );
  }
  const data = ticket.data;
  // Anyone reads what they may see; only its requester and the agents write on it (the API's rule).
  const writes = agent || data.requester.id === person?.id;
  return (
    <main id="main" tabIndex={-1}>
      <h1>
        {t('tickets.heading', { number: data.number, subject: data.subject })}{' '}
        <TicketStatusBadge status={data.status} />
      </h1>
      <p className="muted">
        {t('tickets.about', {
          service: data.service ?? t('tickets.triage'),
          date: formatDate(data.createdAt),
        })}
        {data.channel === 'email'
          ? ` · ${t('tickets.byEmail', { from: data.requesterEmail ?? '' })}`
          : ''}
      </p>
      {agent && !data.customerId ? <FileTicket ticket={data} /> : null}
      {agent ? <AgentControls ticket={data} /> : null}
      <section aria-labelledby="thread-heading">
        <h2 id="thread-heading">{t('tickets.thread')}</h2>
        <ol className="thread">
          {data.messages.map((m) => (
            <li key={m.id} className={m.internal ? 'internal' : undefined}>
              <div className="meta">
                {m.internal ? `${t('tickets.internalNote')} · ` : ''}
                {m.author.id === data.requester.id ? t('tickets.requester') : t('tickets.agent')} ·{' '}
                {formatDate(m.at)}
              </div>
              {m.body}
              {m.attachments?.length ? (
                <ul className="attachments">
                  {m.attachments.map((a) => (
                    <li key={a.id}>
                      <AttachmentLink ticketId={data.id} attachment={a} />
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      {writes ? (
        <Reply ticket={data} agent={agent} />
      ) : (
        <p className="muted">{t('tickets.readOnly')}</p>
      )}
    </main>
  );
};

const Reply = ({ ticket, agent }: { ticket: TicketThread; agent: boolean }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const send = useMutation({
    mutationFn: async () =>
      call(
        api().POST('/tickets/{ticketId}/messages', {
          params: { path: { ticketId: ticket.id } },
          body: {
            body: body.trim(),
            internal,
            ...(files.length > 0 ? { attachments: await uploads(files) } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setBody('');
      setInternal(false);
      setFiles([]);
      void queries.invalidateQueries({ queryKey: ['tickets'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate();
  };
  return (
    <form className="stack" onSubmit={submit}>
      <Field label={t('tickets.reply')}>
        <textarea required rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <FilePicker files={files} onChange={setFiles} />
      {agent ? (
        <label className="inline">
          <input
            type="checkbox"
            checked={internal}
            onChange={(e) => setInternal(e.target.checked)}
          />
          {t('tickets.asInternal')}
        </label>
      ) : null}
      <ErrorNotice error={send.error} onRetry={() => send.mutate()} />
      <div className="actions">
        <button type="submit" className="primary" disabled={send.isPending}>
          {internal ? t('tickets.addNote') : t('tickets.sendReply')}
        </button>
      </div>
    </form>
  );
};

const AgentControls = ({ ticket }: { ticket: TicketThread }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const session = useSession();
  const me = session.state.status === 'signedIn' ? session.state.person.id : undefined;
  const assign = useMutation({
    mutationFn: (assigneeId: string | null) =>
      call(
        api().PATCH('/tickets/{ticketId}', {
          params: { path: { ticketId: ticket.id } },
          body: { assigneeId },
        }),
      ),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['tickets'] }),
  });
  const change = useMutation({
    mutationFn: (status: Exclude<TicketStatus, 'new'>) =>
      call(
        api().PATCH('/tickets/{ticketId}', {
          params: { path: { ticketId: ticket.id } },
          body: { status },
        }),
      ),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['tickets'] }),
  });
  return (
    <div className="toolbar">
      <Field label={t('tickets.changeStatus')}>
        <select
          value={ticket.status}
          disabled={change.isPending}
          onChange={(e) => change.mutate(e.target.value as Exclude<TicketStatus, 'new'>)}
        >
          {ticket.status === 'new' ? <option value="new">{t('tickets.status.new')}</option> : null}
          {(['open', 'pending', 'closed'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`tickets.status.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <p>
        {ticket.assigneeId === undefined
          ? t('tickets.unassigned')
          : ticket.assigneeId === me
            ? t('tickets.assignedToMe')
            : t('tickets.assignedTo', { id: ticket.assigneeId })}
      </p>
      {me && ticket.assigneeId !== me ? (
        <button type="button" disabled={assign.isPending} onClick={() => assign.mutate(me)}>
          {t('tickets.assignToMe')}
        </button>
      ) : null}
      {ticket.assigneeId !== undefined ? (
        <button type="button" disabled={assign.isPending} onClick={() => assign.mutate(null)}>
          {t('tickets.unassign')}
        </button>
      ) : null}
      <ErrorNotice error={change.error ?? assign.error} />
    </div>
  );
};
