import type { Ticket } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export const ticketStatuses = ['new', 'open', 'pending', 'closed'] as const;
export type TicketStatus = Ticket['status'];

/** A ticket's status in the seed's colours: NEW yellow, OPEN red, PENDING light blue, CLOSED grey. */
export const TicketStatusBadge = ({ status }: { status: TicketStatus }) => {
  const { t } = useI18n();
  return <span className={`badge ticket-${status}`}>{t(`tickets.status.${status}`)}</span>;
};

/**
 * Tickets by status as a bar chart that reads as a list: each bar's figure is text, the bar
 * itself is decoration.
 */
export const TicketChart = ({
  title,
  counts,
}: {
  title: string;
  counts: Record<TicketStatus, number>;
}) => {
  const { t } = useI18n();
  const most = Math.max(1, ...ticketStatuses.map((s) => counts[s]));
  return (
    <figure className="ticket-chart">
      <figcaption>{title}</figcaption>
      <ul className="ticket-bars">
        {ticketStatuses.map((s) => (
          <li key={s}>
            <span className="label">{t(`tickets.status.${s}`)}</span>
            <svg className="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
              <rect className={`ticket-${s}`} width={(counts[s] / most) * 100} height="10" />
            </svg>
            <span className="figure">{counts[s]}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
};
