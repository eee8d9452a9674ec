import type { AuditEvent } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { TableHead } from '../../ui/TableHead.tsx';

const actorOf = (actor: AuditEvent['actor']) =>
  typeof actor === 'object' && actor ? `${actor.type}:${actor.id}` : String(actor ?? '');

export const EventRows = ({ events }: { events: AuditEvent[] }) => {
  const { t } = useI18n();
  if (events.length === 0) return <p>{t('common.none')}</p>;
  return (
    <table>
      <TableHead
        columns={[t('audit.at'), t('audit.action'), t('audit.entity'), t('audit.actor')]}
      />
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td>{new Date(e.at).toLocaleString()}</td>
            <td>{e.action}</td>
            <td className="mono">
              {e.entityType} {e.entityId}
            </td>
            <td className="mono">{actorOf(e.actor)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
