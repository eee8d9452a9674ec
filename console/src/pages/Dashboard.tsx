import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { call } from '../api/problem.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { href } from '../router.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { Loading } from '../ui/Loading.tsx';

const DAY = 86_400_000;
const WINDOWS = [1, 7, 30] as const;

/** The home page: what needs attention soon. */
export const Dashboard = () => {
  const { t } = useI18n();
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('dashboard.title')}</h1>
      <Expiring />
    </main>
  );
};

const Expiring = () => {
  const { t, formatDate } = useI18n();
  // Minute precision keeps the query key (and the cache) steady across renders.
  const before = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 30 * DAY).toISOString();
  const expiring = useQuery({
    queryKey: ['licenses', 'expiring', before],
    queryFn: () =>
      call(
        api().GET('/licenses', {
          params: {
            query: { expiresBefore: before, sort: 'validTill', status: 'active', limit: 100 },
          },
        }),
      ),
  });
  const items = expiring.data?.items ?? [];
  const more = Boolean(expiring.data?.nextCursor);
  const within = (days: number) =>
    items.filter((l) => l.validTill && Date.parse(l.validTill) - Date.now() <= days * DAY).length;
  return (
    <section aria-labelledby="expiring-heading">
      <h2 id="expiring-heading">{t('dashboard.expiring')}</h2>
      <ErrorNotice error={expiring.error} onRetry={() => void expiring.refetch()} />
      {expiring.isPending ? <Loading /> : null}
      {expiring.data ? (
        <>
          <ul className="tiles">
            {WINDOWS.map((days) => (
              <li key={days}>
                <strong>
                  {within(days)}
                  {more && days === 30 ? '+' : ''}
                </strong>{' '}
                {t('dashboard.within', { days })}
              </li>
            ))}
          </ul>
          <ul>
            {items.slice(0, 10).map((l) => (
              <li key={l.id}>
                <a href={href.license(l.id)}>
                  {l.serial} · {l.companyName ?? l.registeredEmail ?? l.productCode}
                </a>{' '}
                — {formatDate(l.validTill)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
};
