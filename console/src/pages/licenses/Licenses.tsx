import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { LicenseRow } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { TableHead } from '../../ui/TableHead.tsx';
import { ImportLicense } from './ImportLicense.tsx';
import { IssueLicense } from './IssueLicense.tsx';
import { UsedUsers } from './UsedUsers.tsx';

/** The seed's "All licenses": search, Add, Refresh, the registry and its pages. */
export const Licenses = ({ q }: { q?: string | undefined }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [search, setSearch] = useState(q ?? '');
  const [importing, setImporting] = useState(false);
  const [issuing, setIssuing] = useState(false);
  const [used, setUsed] = useState<LicenseRow | undefined>();
  const paged = usePaged(['licenses', q ?? ''], (cursor) =>
    call(
      api().GET('/licenses', {
        params: { query: { limit: 50, ...(cursor ? { cursor } : {}), ...(q ? { q } : {}) } },
      }),
    ),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const term = search.trim();
    window.location.hash = term ? `#/licenses?q=${encodeURIComponent(term)}` : '#/licenses';
  };

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('licenses.title')}</h1>
      <div className="toolbar">
        <form onSubmit={submit}>
          <label>
            <span className="visually-hidden">{t('licenses.search')}</span>
            <input
              type="search"
              placeholder={t('licenses.search')}
              title={t('licenses.searchHelp')}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </label>
          <button type="submit">{t('common.search')}</button>
        </form>
        <button type="button" className="primary" onClick={() => setImporting(true)}>
          {t('licenses.add')}
        </button>
        <button type="button" onClick={() => setIssuing(true)}>
          {t('licenses.issue')}
        </button>
        <button
          type="button"
          onClick={() => void queries.invalidateQueries({ queryKey: ['licenses'] })}
        >
          {t('common.refresh')}
        </button>
      </div>
      <ErrorNotice error={paged.query.error} onRetry={() => void paged.query.refetch()} />
      {paged.query.isPending ? <Loading /> : null}
      {paged.query.data ? <Registry rows={paged.items} onUsed={setUsed} /> : null}
      <Pager {...paged} />
      {importing ? <ImportLicense onClose={() => setImporting(false)} /> : null}
      {issuing ? <IssueLicense onClose={() => setIssuing(false)} /> : null}
      {used ? <UsedUsers license={used} onClose={() => setUsed(undefined)} /> : null}
    </main>
  );
};

const Registry = ({ rows, onUsed }: { rows: LicenseRow[]; onUsed: (row: LicenseRow) => void }) => {
  const { t, formatDate } = useI18n();
  if (rows.length === 0) return <p>{t('common.none')}</p>;
  return (
    <table className="registry">
      <caption className="visually-hidden">{t('licenses.title')}</caption>
      <TableHead
        columns={[
          t('licenses.id'),
          t('licenses.customer'),
          t('licenses.product'),
          t('licenses.validFrom'),
          t('licenses.validTill'),
          t('licenses.used'),
          t('licenses.limit'),
          t('licenses.competitive'),
          t('licenses.status'),
        ]}
      />
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <td>
              <CopyButton
                text={row.serial}
                value={row.key}
                label={t('licenses.copyKey', { serial: row.serial })}
              />
            </td>
            <td>
              <a href={href.license(row.id)}>{row.companyName ?? row.registeredEmail ?? row.id}</a>
            </td>
            <td>{row.productCode}</td>
            <td>{formatDate(row.validFrom)}</td>
            <td>{row.validTill ? formatDate(row.validTill) : t('common.perpetual')}</td>
            <td>
              <button
                type="button"
                className="link"
                aria-label={t('licenses.openUsed', {
                  used: row.used,
                  limit: row.limit,
                  serial: row.serial,
                })}
                onClick={() => onUsed(row)}
              >
                {row.used}
              </button>
            </td>
            <td>{row.limit}</td>
            <td>{row.competitive ? t('common.yes') : t('common.no')}</td>
            <td>
              <StatusBadge status={row.status} daysLeft={row.daysLeft} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
