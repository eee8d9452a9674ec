import type { AuditEvent } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const actorOf = (actor: AuditEvent['actor']) =>
  typeof actor === 'object' && actor ? `${actor.type}:${actor.id}` : String(actor ?? '');

export const EventRows = ({ events }: { events: AuditEvent[] }) => {
  const { t } = useI18n();
  if (events.length === 0) return <p>{t('common.none')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('audit.at')}</th>
          <th scope="col">{t('audit.action')}</th>
          <th scope="col">{t('audit.entity')}</th>
          <th scope="col">{t('audit.actor')}</th>
        </tr>
      </thead>
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
