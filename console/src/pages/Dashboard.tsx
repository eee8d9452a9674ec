import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { call } from '../api/problem.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { href } from '../router.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { Loading } from '../ui/Loading.tsx';
import { TableHead } from '../ui/TableHead.tsx';

const DAY = 86_400_000;
const WINDOWS = [1, 7, 30] as const;

/** The home page: what needs attention soon. */
export const Dashboard = () => {
  const { t } = useI18n();
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('dashboard.title')}</h1>
      <Figures />
      <Expiring />
    </main>
  );
};

const Figures = () => {
  const { t } = useI18n();
  const figures = useQuery({
    queryKey: ['dashboard'],
    queryFn: () => call(api().GET('/dashboard', { params: { query: { days: 14 } } })),
    // Opening the home page shows today's figures, not the ones from the last visit.
    refetchOnMount: 'always',
  });
  const customers = useQuery({
    queryKey: ['customers', 'choices'],
    queryFn: () => call(api().GET('/customers', { params: { query: { limit: 100 } } })),
  });
  const nameOf = (id: string) => customers.data?.items.find((c) => c.id === id)?.name ?? id;
  if (figures.isPending) return <Loading />;
  if (!figures.data) {
    return <ErrorNotice error={figures.error} onRetry={() => void figures.refetch()} />;
  }
  const { fullestPools, activity } = figures.data;
  return (
    <>
      <section aria-labelledby="fullest-heading">
        <h2 id="fullest-heading">{t('dashboard.fullest')}</h2>
        {fullestPools.at ? (
          <p className="muted">
            {t('dashboard.asOf', { at: new Date(fullestPools.at).toLocaleString() })}
          </p>
        ) : (
          <p>{t('dashboard.noSnapshot')}</p>
        )}
        <ul className="bars">
          {fullestPools.items.map((pool) => {
            const label = t('dashboard.pool', {
              customer: nameOf(pool.customerId),
              product: pool.productCode,
            });
            return (
              <li key={`${pool.projectId}/${pool.productCode}`}>
                <a href={href.customer(pool.customerId)}>{label}</a>
                <meter
                  min={0}
                  max={Math.max(pool.limit, 1)}
                  value={pool.used}
                  high={Math.max(pool.limit, 1) * 0.9}
                  aria-label={`${label}: ${pool.used} / ${pool.limit}`}
                />
                <span>
                  {pool.used} / {pool.limit}
                </span>
              </li>
            );
          })}
        </ul>
      </section>
      {activity.length > 0 ? <Activity days={activity} /> : null}
    </>
  );
};

type Day = { date: string; activations: number; refusedCheckouts: number };

/** Activations and refused checkouts per day as paired bars; the table says the same in text. */
const Activity = ({ days }: { days: Day[] }) => {
  const { t } = useI18n();
  const top = Math.max(1, ...days.flatMap((d) => [d.activations, d.refusedCheckouts]));
  const width = 24;
  const height = 120;
  const bar = (value: number) => Math.round((value / top) * (height - 10));
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">{t('dashboard.activity', { days: days.length })}</h2>
      <p className="legend">
        <span className="key activations" /> {t('dashboard.activations')}{' '}
        <span className="key refused" /> {t('dashboard.refused')}
      </p>
      <svg
        className="chart"
        role="img"
        aria-label={t('dashboard.activity', { days: days.length })}
        viewBox={`0 0 ${days.length * width} ${height}`}
        width={days.length * width}
        height={height}
      >
        {days.map((d, i) => (
          <g key={d.date}>
            <title>
              {t('dashboard.day', {
                date: d.date,
                activations: d.activations,
                refused: d.refusedCheckouts,
              })}
            </title>
            <rect
              className="activations"
              x={i * width + 3}
              y={height - bar(d.activations)}
              width={8}
              height={bar(d.activations)}
            />
            <rect
              className="refused"
              x={i * width + 12}
              y={height - bar(d.refusedCheckouts)}
              width={8}
              height={bar(d.refusedCheckouts)}
            />
          </g>
        ))}
      </svg>
      <table className="visually-hidden">
        <caption>{t('dashboard.activity', { days: days.length })}</caption>
        <TableHead
          columns={[t('license.at'), t('dashboard.activations'), t('dashboard.refused')]}
        />
        <tbody>
          {days.map((d) => (
            <tr key={d.date}>
              <td>{d.date}</td>
              <td>{d.activations}</td>
              <td>{d.refusedCheckouts}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
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
