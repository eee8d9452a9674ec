import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { EventRows } from '../audit/EventRows.tsx';

/** A license's audit trail: its changes, activations and returns, newest first. */
export const History = ({ licenseId }: { licenseId: string }) => {
  const { t } = useI18n();
  const paged = usePaged(['licenses', 'events', licenseId], (cursor) =>
    call(
      api().GET('/licenses/{licenseId}/events', {
        params: { path: { licenseId }, query: { limit: 25, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t('license.history')}</h2>
      <ErrorNotice error={paged.query.error} onRetry={() => void paged.query.refetch()} />
      <EventRows events={paged.items} />
      <Pager {...paged} />
    </section>
  );
};
